package dev.vigil.cli.bench;

import static dev.vigil.cli.bench.ReportFormat.NONE;
import static dev.vigil.cli.bench.ReportFormat.list;

import java.util.ArrayList;
import java.util.List;

/**
 * The summary {@code vigil bench} prints when it is done: ceilings, sustained rates, the half phase's latency
 * percentiles, the ratios against their targets (MET / MISSED), and per process CPU per event and RSS. The same
 * tables as Markdown ({@link #markdown}) are what the README's performance section carries.
 *
 * <p>Everything recorded by the run is printed as plain text: control characters (a tenant or note carrying terminal
 * escape sequences) are replaced, and in Markdown HTML and table syntax are escaped.
 */
public final class ConsoleSummary {

    private ConsoleSummary() {}

    /** Fixed-width plain text for the terminal. */
    public static String render(BenchResult result) {
        StringBuilder out = new StringBuilder();
        out.append(ReportFormat.plain(headline(result))).append('\n');
        for (Section s : sections(result)) {
            out.append('\n').append(ReportFormat.plain(s.title())).append('\n');
            out.append(
                    s.table() == null
                            ? "  " + ReportFormat.plain(s.empty()) + "\n"
                            : s.table().text());
        }
        List<String> notes = list(result.notes());
        if (!notes.isEmpty()) {
            out.append("\nNotes\n");
            for (String n : notes) {
                out.append("  - ").append(ReportFormat.plain(n)).append('\n');
            }
        }
        return out.toString();
    }

    /** The same summary as GitHub-flavoured Markdown tables, for the README. */
    public static String markdown(BenchResult result) {
        StringBuilder out = new StringBuilder();
        out.append(ReportTable.md(headline(result))).append('\n');
        for (Section s : sections(result)) {
            out.append("\n**").append(ReportTable.md(s.title())).append("**\n\n");
            out.append(
                    s.table() == null
                            ? ReportTable.md(s.empty()) + "\n"
                            : s.table().markdown());
        }
        List<String> notes = list(result.notes());
        if (!notes.isEmpty()) {
            out.append("\n**Notes**\n\n");
            for (String n : notes) {
                out.append("- ").append(ReportTable.md(n)).append('\n');
            }
        }
        return out.toString();
    }

    private record Section(String title, ReportTable table, String empty) {}

    static String headline(BenchResult r) {
        BenchResult.Environment e = r.environment();
        StringBuilder h = new StringBuilder("Vigil bench ")
                .append(ReportFormat.text(r.vigilVersion()))
                .append(" · ")
                .append(ReportFormat.when(r.startedAt()))
                .append(" · ")
                .append(ReportFormat.duration(r.startedAt(), r.finishedAt()))
                .append(" · ")
                .append(ReportFormat.phases(r));
        if (e != null) {
            h.append(" · ")
                    .append(ReportFormat.text(e.mode()))
                    .append(", ")
                    .append(e.cores())
                    .append(" cores, ")
                    .append(ReportFormat.bytes(e.memoryBytes()))
                    .append(", load ")
                    .append(ReportFormat.ratio(e.loadAverageAtStart()))
                    .append(" at start");
        }
        return h.toString();
    }

    private static List<Section> sections(BenchResult r) {
        List<Section> sections = new ArrayList<>();
        sections.add(ceilings(r));
        sections.add(sustained(r));
        sections.add(latency(r));
        sections.add(ratios(r));
        sections.add(processes(r));
        return sections;
    }

    private static Section ceilings(BenchResult r) {
        ReportTable t = new ReportTable("ceiling", "unit", ">per second", ">count", ">seconds");
        List<BenchResult.Ceiling> measured = new ArrayList<>(list(r.ceilings()));
        measured.sort((x, y) -> Integer.compare(order(x.name()), order(y.name())));
        for (BenchResult.Ceiling c : measured) {
            t.row(
                    ReportFormat.text(c.name()),
                    ReportFormat.text(c.unit()),
                    ReportFormat.rate(c.perSecond()),
                    ReportFormat.count(c.count()),
                    ReportFormat.seconds(c.seconds()));
        }
        for (String name : ReportFormat.missingCeilings(r)) {
            t.row(name, NONE, "not measured", NONE, NONE);
        }
        return new Section("Ceilings (raw speed of the parts)", t, null);
    }

    private static int order(String name) {
        int i = ReportFormat.KNOWN_CEILINGS.indexOf(name);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    private static Section sustained(BenchResult r) {
        BenchResult.Sustained s = r.sustained();
        if (s == null) {
            return new Section("Sustained", null, "not measured: the stepped phase did not run");
        }
        ReportTable t = new ReportTable(">inputs/s", ">records/s", ">searchable docs/s", ">at offered inputs/s");
        t.row(
                ReportFormat.rate(s.inputsPerSecond()),
                ReportFormat.rate(s.recordsPerSecond()),
                ReportFormat.rate(s.searchableDocumentsPerSecond()),
                ReportFormat.rate(s.atOfferedInputsPerSecond()));
        return new Section("Sustained", t, null);
    }

    private static Section latency(BenchResult r) {
        BenchResult.Step half = ReportFormat.halfStep(r);
        if (half == null) {
            return new Section("Latency (ms)", null, "no step to report: the pipeline phases did not run");
        }
        ReportTable t = new ReportTable("latency", ">count", ">p50", ">p95", ">p99", ">max");
        latencyRow(t, "accepted → searchable", half.searchable());
        latencyRow(t, "HTTP accept (202)", half.accept());
        latencyRow(t, "search request", half.search());
        String title = "Latency at " + ReportFormat.stepLabel(half)
                + ("half".equals(half.phase()) ? "" : " (no half phase: the last unsaturated step)") + ", ms";
        return new Section(title, t, null);
    }

    private static void latencyRow(ReportTable t, String name, BenchResult.Latency l) {
        if (l == null) {
            t.row(name, NONE, NONE, NONE, NONE, NONE);
            return;
        }
        t.row(
                name,
                ReportFormat.count(l.count()),
                ReportFormat.ms(l.p50()),
                ReportFormat.ms(l.p95()),
                ReportFormat.ms(l.p99()),
                ReportFormat.ms(l.max()));
    }

    private static Section ratios(BenchResult r) {
        List<BenchResult.Ratio> ratios = list(r.ratios());
        if (ratios.isEmpty()) {
            return new Section("Targets", null, "no ratios: no pipeline figure was measured with its ceiling");
        }
        ReportTable t = new ReportTable("ratio", ">value", ">target", ">stretch", "result");
        long met = 0;
        for (BenchResult.Ratio x : ratios) {
            met += x.met() ? 1 : 0;
            t.row(
                    ReportFormat.text(x.name()),
                    ReportFormat.ratio(x.value()),
                    ReportFormat.ratio(x.target()),
                    ReportFormat.ratio(x.stretch()),
                    ReportFormat.verdict(x.met()));
        }
        return new Section("Targets (" + met + " of " + ratios.size() + " met)", t, null);
    }

    private static Section processes(BenchResult r) {
        List<BenchResult.ProcessStats> ps = list(r.processes());
        if (ps.isEmpty()) {
            return new Section("Processes", null, "no process was sampled");
        }
        boolean soak = ps.stream().anyMatch(p -> p.rssSlopeBytesPerHour() != null);
        ReportTable t = soak
                ? new ReportTable("process", ">CPU s", ">CPU ms/event", ">RSS max MiB", ">RSS slope MiB/h")
                : new ReportTable("process", ">CPU s", ">CPU ms/event", ">RSS max MiB");
        for (BenchResult.ProcessStats p : ps) {
            String name = ReportFormat.text(p.name());
            String cpu = ReportFormat.seconds(p.cpuSeconds());
            String perEvent = ReportFormat.cpuMsPerEvent(p.cpuSecondsPerEvent());
            String rss = ReportFormat.mib(p.rssMaxBytes());
            if (soak) {
                t.row(name, cpu, perEvent, rss, ReportFormat.mibPerHour(p.rssSlopeBytesPerHour()));
            } else {
                t.row(name, cpu, perEvent, rss);
            }
        }
        return new Section("Processes", t, null);
    }
}
