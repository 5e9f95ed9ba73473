package dev.vigil.cli.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Number, size and text formatting shared by {@link HtmlReport} and {@link ConsoleSummary}: one way to print a figure. */
final class ReportFormat {

    /** What a missing figure prints as. */
    static final String NONE = "—";

    /** The ceilings a full run measures, in the order the reports list them. */
    static final List<String> KNOWN_CEILINGS = List.of(
            "kafka.produce",
            "kafka.consume",
            "elasticsearch.bulk-create",
            "kafka.consume-produce",
            "kafka.consume-produce-eos");

    static final long MIB = 1024L * 1024L;

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private ReportFormat() {}

    static boolean finite(Double v) {
        return v != null && !v.isNaN() && !v.isInfinite();
    }

    /** A rate or count per second: whole numbers from 100 up, otherwise a few significant digits. */
    static String rate(Double v) {
        if (!finite(v)) {
            return NONE;
        }
        double a = Math.abs(v);
        if (a >= 100 || a == 0) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Milliseconds: whole from 100 ms up, one decimal below. */
    static String ms(Double v) {
        if (!finite(v)) {
            return NONE;
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** A ratio or other dimensionless figure, two decimals. */
    static String ratio(Double v) {
        return finite(v) ? String.format(Locale.ROOT, "%.2f", v) : NONE;
    }

    static String count(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String seconds(Double v) {
        if (!finite(v)) {
            return NONE;
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** CPU seconds per event, shown as milliseconds (0.000412 s reads badly). */
    static String cpuMsPerEvent(Double secondsPerEvent) {
        if (!finite(secondsPerEvent)) {
            return NONE;
        }
        double msPerEvent = secondsPerEvent * 1000.0;
        return Math.abs(msPerEvent) >= 10
                ? String.format(Locale.ROOT, "%.1f", msPerEvent)
                : String.format(Locale.ROOT, "%.3f", msPerEvent);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.0f", bytes / (double) MIB);
    }

    static String mibPerHour(Double bytesPerHour) {
        return finite(bytesPerHour) ? String.format(Locale.ROOT, "%+,.1f", bytesPerHour / MIB) : NONE;
    }

    static String bytes(long bytes) {
        if (bytes >= 1024L * MIB) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1024L * MIB));
        }
        if (bytes >= MIB) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
        }
        if (bytes >= 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return bytes + " B";
    }

    static String when(Instant at) {
        return at == null ? NONE : WHEN.format(at);
    }

    static String duration(Instant from, Instant to) {
        if (from == null || to == null) {
            return NONE;
        }
        Duration d = Duration.between(from, to);
        if (d.isNegative()) {
            return NONE;
        }
        long h = d.toHours();
        int m = d.toMinutesPart();
        int s = d.toSecondsPart();
        return h > 0
                ? String.format(Locale.ROOT, "%dh %02dm %02ds", h, m, s)
                : String.format(Locale.ROOT, "%dm %02ds", m, s);
    }

    /** "MET" or "MISSED": a result a reader sees without colour. */
    static String verdict(boolean met) {
        return met ? "MET" : "MISSED";
    }

    /** How a step is named in tables and charts: "step @ 400/s", "half @ 200/s", "soak @ 200/s". */
    static String stepLabel(BenchResult.Step s) {
        String phase = s.phase() == null ? "step" : s.phase();
        return phase + " @ " + rate(s.offeredInputsPerSecond()) + "/s";
    }

    /** The phases the run went through, as one line: "stepped + half + soak". */
    static String phases(BenchResult r) {
        Set<String> phases = new LinkedHashSet<>();
        for (BenchResult.Step s : list(r.steps())) {
            if (s.phase() != null) {
                phases.add("step".equals(s.phase()) ? "stepped" : s.phase());
            }
        }
        if (phases.isEmpty()) {
            return list(r.ceilings()).isEmpty() ? "nothing measured" : "ceilings only";
        }
        return String.join(" + ", phases);
    }

    /** The half-saturation step, else the last step that was not saturated, else null. */
    static BenchResult.Step halfStep(BenchResult r) {
        BenchResult.Step fallback = null;
        for (BenchResult.Step s : list(r.steps())) {
            if ("half".equals(s.phase())) {
                return s;
            }
            if (!s.saturated() && "step".equals(s.phase())) {
                fallback = s;
            }
        }
        return fallback;
    }

    /** The union of the keys of some maps, in first-seen order. */
    static <T> List<String> keys(Collection<T> items, Function<T, Map<String, ?>> map) {
        Set<String> keys = new LinkedHashSet<>();
        for (T item : items) {
            Map<String, ?> m = map.apply(item);
            if (m != null) {
                keys.addAll(m.keySet());
            }
        }
        return new ArrayList<>(keys);
    }

    static <T> List<T> list(List<T> maybe) {
        return maybe == null ? List.of() : maybe;
    }

    static <K, V> Map<K, V> map(Map<K, V> maybe) {
        return maybe == null ? Map.of() : maybe;
    }

    static String text(String s) {
        return s == null ? NONE : s;
    }

    /**
     * One line of terminal text: control characters (escape sequences a tenant name or note could carry)
     * become U+FFFD, so what a run recorded cannot move the cursor or recolour the terminal.
     */
    static String plain(String s) {
        if (s == null) {
            return NONE;
        }
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)
                    || c == 0x2028
                    || c == 0x2029
                    || (c >= 0x202A && c <= 0x202E)
                    || (c >= 0x2066 && c <= 0x2069)) {
                out.append('\uFFFD');
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** The known ceilings the run has no figure for. */
    static List<String> missingCeilings(BenchResult r) {
        Set<String> measured = new LinkedHashSet<>();
        for (BenchResult.Ceiling c : list(r.ceilings())) {
            measured.add(c.name());
        }
        List<String> missing = new ArrayList<>();
        for (String name : KNOWN_CEILINGS) {
            if (!measured.contains(name)) {
                missing.add(name);
            }
        }
        return missing;
    }

    /** The first note that mentions a ceiling (to say why it is missing), else "". */
    static String noteAbout(BenchResult r, String ceiling) {
        for (String n : list(r.notes())) {
            if (n != null
                    && java.util.regex.Pattern.compile(
                                    "(?<![\\w.-])" + java.util.regex.Pattern.quote(ceiling) + "(?![\\w-])")
                            .matcher(n)
                            .find()) {
                return n;
            }
        }
        return "";
    }
}
