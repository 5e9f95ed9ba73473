package dev.vigil.cli.bench;

import static dev.vigil.cli.bench.ReportFormat.NONE;
import static dev.vigil.cli.bench.ReportFormat.list;
import static dev.vigil.cli.bench.ReportFormat.map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench-report.html}: one self-contained file a person opens from disk, with no network. Chart.js is
 * inlined from its WebJar on the class path, the result is embedded as JSON (the charts are drawn from it, and
 * the file alone is enough to recover {@code bench-result.json}), and every figure is also in a plain HTML table,
 * so the report reads and prints without scripts.
 *
 * <p>Anything a run recorded is text to show, never markup: tenant names, notes and settings are HTML-escaped;
 * the embedded JSON escapes {@code <}, {@code >} and {@code &} so no value can close its script element; and a
 * Content-Security-Policy allows only the file's own two scripts (by hash), no network and no inline handlers.
 */
public final class HtmlReport {

    static final String RESOURCES = "dev/vigil/cli/bench/report/";
    static final String CHARTJS_WEBJAR = "META-INF/resources/webjars/chart.js/";
    static final String DATA_ELEMENT_ID = "bench-result";

    private static final String CHARTJS_POM = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final List<String> CHARTJS_FILES = List.of("dist/chart.umd.min.js", "dist/chart.umd.js");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z]+)}}");
    private static final Pattern SCRIPT_END = Pattern.compile("(?i)</(script)");

    private HtmlReport() {}

    /** Writes the report to {@code file} (through a temporary file beside it, so a reader never sees half). */
    public static void write(BenchResult result, Path file) throws IOException {
        Objects.requireNonNull(result, "result");
        String html = render(result);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        // not createTempFile: its owner-only permissions would stay on the report; this one follows the umask
        Path tmp = dir.resolve(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.writeString(
                    tmp, html, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The whole document. */
    static String render(BenchResult r) {
        Optional<ChartJs> chartJs = chartJs();
        String chartScript = chartJs.map(c -> scriptSafe(c.source()))
                .orElse("/* Chart.js was not on the class path when this report was written: no charts. */");
        String appScript = scriptSafe(resource("report.js"));
        Map<String, String> values = new HashMap<>();
        values.put("title", esc(title(r)));
        values.put("csp", esc(contentSecurityPolicy(chartScript, appScript)));
        values.put("css", resource("report.css").replace("</", "<\\/"));
        values.put("body", new Body(r, chartJs.map(ChartJs::version).orElse(null)).html());
        values.put("dataid", DATA_ELEMENT_ID);
        values.put("data", embeddedJson(r));
        values.put("chartjs", chartScript);
        values.put("app", appScript);
        return fill(resource("report.html"), values);
    }

    /** The result as compact JSON that can sit inside a {@code <script>} element: no {@code <}, {@code >} or {@code &}. */
    static String embeddedJson(BenchResult r) {
        try {
            String json = BenchResult.json()
                    .writer()
                    .without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(r);
            // These characters only occur inside JSON strings, where the \\u form means the same.
            return json.replace("<", "\\u003c")
                    .replace(">", "\\u003e")
                    .replace("&", "\\u0026")
                    .replace("\u2028", "\\u2028")
                    .replace("\u2029", "\\u2029");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bench result is not serializable", e);
        }
    }

    record ChartJs(String version, String source) {}

    /** Chart.js's UMD build from the WebJar on the class path (the version from the WebJar's Maven metadata). */
    static Optional<ChartJs> chartJs() {
        ClassLoader loader = HtmlReport.class.getClassLoader();
        String version;
        try (InputStream in = loader.getResourceAsStream(CHARTJS_POM)) {
            if (in == null) {
                return Optional.empty();
            }
            Properties p = new Properties();
            p.load(in);
            version = p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CHARTJS_POM, e);
        }
        if (version == null || !version.matches("[0-9A-Za-z.+-]+")) {
            return Optional.empty();
        }
        for (String file : CHARTJS_FILES) {
            try (InputStream in = loader.getResourceAsStream(CHARTJS_WEBJAR + version + "/" + file)) {
                if (in != null) {
                    return Optional.of(new ChartJs(version, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read Chart.js from its WebJar", e);
            }
        }
        return Optional.empty();
    }

    /** Script text that cannot end its element early: {@code </script} becomes {@code <\/script} (same meaning in JS strings). */
    static String scriptSafe(String js) {
        return SCRIPT_END.matcher(js).replaceAll("<\\\\/$1").replace("<!--", "<\\!--");
    }

    /** No network at all; only the two inline scripts whose hashes are listed may run. */
    static String contentSecurityPolicy(String... scripts) {
        StringBuilder scriptSrc = new StringBuilder();
        for (String s : scripts) {
            scriptSrc.append(" 'sha256-").append(sha256(s)).append('\'');
        }
        return "default-src 'none'; script-src" + scriptSrc
                + "; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
    }

    private static String sha256(String s) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String resource(String name) {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("report resource missing from the jar: " + RESOURCES + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One pass over the template: what is put in is never scanned for placeholders again. */
    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 512 * 1024);
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("report template placeholder without a value: " + m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String title(BenchResult r) {
        return "Vigil bench " + ReportFormat.text(r.vigilVersion()) + " — " + ReportFormat.when(r.startedAt());
    }

    /** HTML text and attribute escaping; control characters (not valid in HTML text) become U+FFFD. */
    static String esc(String s) {
        if (s == null) {
            return NONE;
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\t', '\n', '\r' -> out.append(c);
                default -> out.append(Character.isISOControl(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /** The document's body: the tables, and the places the charts are drawn in. */
    private static final class Body {
        private final BenchResult r;
        private final String chartJsVersion;
        private final StringBuilder h = new StringBuilder(64 * 1024);

        Body(BenchResult r, String chartJsVersion) {
            this.r = r;
            this.chartJsVersion = chartJsVersion;
        }

        String html() {
            header();
            contents();
            ratios();
            sustained();
            ceilings();
            steps();
            charts();
            processes();
            settings();
            notes();
            footer();
            return h.toString();
        }

        private Body a(String raw) {
            h.append(raw);
            return this;
        }

        private Body t(String text) {
            h.append(esc(text));
            return this;
        }

        private void fact(String name, String value) {
            a("<div><dt>").t(name).a("</dt><dd>").t(value).a("</dd></div>\n");
        }

        private void header() {
            BenchResult.Environment e = r.environment();
            a("<header class=\"head\">\n<h1>Vigil bench <span class=\"version\">")
                    .t(ReportFormat.text(r.vigilVersion()))
                    .a("</span></h1>\n");
            a("<p class=\"lede\">").t(ReportFormat.when(r.startedAt()));
            a(" · ").t(ReportFormat.duration(r.startedAt(), r.finishedAt()));
            a(" · ").t(e == null ? NONE : ReportFormat.text(e.mode()));
            a(" · ").t(ReportFormat.phases(r)).a("</p>\n<dl class=\"facts\">\n");
            fact("Started", ReportFormat.when(r.startedAt()));
            fact("Finished", ReportFormat.when(r.finishedAt()));
            fact("Phases", ReportFormat.phases(r));
            if (e != null) {
                fact("Mode", ReportFormat.text(e.mode()));
                fact("Host", ReportFormat.text(e.host()));
                fact("Cores", Integer.toString(e.cores()));
                fact("Memory", ReportFormat.bytes(e.memoryBytes()));
                fact("Load average at start", ReportFormat.ratio(e.loadAverageAtStart()));
                fact("Java", ReportFormat.text(e.java()));
                fact("OS", ReportFormat.text(e.os()));
                fact("Kafka", ReportFormat.text(e.kafkaBootstrap()));
                fact("Elasticsearch", ReportFormat.text(e.elasticsearchUrl()));
                fact("Ingest", ReportFormat.text(e.ingestUrl()));
                fact("Audit API", ReportFormat.text(e.auditApiUrl()));
            }
            a("</dl>\n</header>\n");
        }

        private void contents() {
            a("<nav class=\"toc\" aria-label=\"Sections\"><ul>");
            for (String[] s : new String[][] {
                {"targets", "Targets"},
                {"sustained", "Sustained"},
                {"ceilings", "Ceilings"},
                {"steps", "Steps"},
                {"charts", "Charts"},
                {"processes", "Processes"},
                {"settings", "Settings"},
                {"notes", "Notes"}
            }) {
                a("<li><a href=\"#").a(s[0]).a("\">").t(s[1]).a("</a></li>");
            }
            a("</ul></nav>\n");
        }

        private void ratios() {
            List<BenchResult.Ratio> ratios = list(r.ratios());
            a("<section id=\"targets\">\n<h2>Targets</h2>\n");
            if (ratios.isEmpty()) {
                a(
                        "<p class=\"empty\">No ratios: the run measured no pipeline figure with its ceiling.</p>\n</section>\n");
                return;
            }
            long met = ratios.stream().filter(BenchResult.Ratio::met).count();
            a("<p class=\"summary\">")
                    .t(met + " of " + ratios.size() + " targets met.")
                    .a("</p>\n");
            a("<div class=\"scroll\"><table class=\"ratios\">\n<thead><tr><th scope=\"col\">Ratio</th>"
                    + "<th scope=\"col\" class=\"num\">Value</th><th scope=\"col\" class=\"num\">Target</th>"
                    + "<th scope=\"col\" class=\"num\">Stretch</th><th scope=\"col\">Result</th>"
                    + "<th scope=\"col\">Pipeline figure</th><th scope=\"col\">Over</th></tr></thead>\n<tbody>\n");
            for (BenchResult.Ratio x : ratios) {
                a("<tr><th scope=\"row\">").t(x.name()).a("</th>");
                num(ReportFormat.ratio(x.value()));
                num(ReportFormat.ratio(x.target()));
                num(ReportFormat.ratio(x.stretch()));
                a("<td>").a(verdict(x.met(), stretchReached(x))).a("</td>");
                a("<td>")
                        .t(ReportFormat.text(x.numerator()))
                        .a(" <span class=\"fig\">")
                        .t(ReportFormat.rate(x.numeratorValue()))
                        .a("</span></td>");
                a("<td>")
                        .t(ReportFormat.text(x.denominator()))
                        .a(" <span class=\"fig\">")
                        .t(ReportFormat.rate(x.denominatorValue()))
                        .a("</span></td></tr>\n");
            }
            a("</tbody></table></div>\n");
            chart(
                    "chart-ratios",
                    "Ratios against their targets",
                    "Each ratio's value, target and stretch target.",
                    "short");
            a("</section>\n");
        }

        /** Whether the stretch target is reached, in the direction the ratio's target is met. */
        private static boolean stretchReached(BenchResult.Ratio x) {
            if (!x.met() || x.stretch() == null) {
                return false;
            }
            boolean higherIsBetter = x.stretch() >= x.target();
            return higherIsBetter ? x.value() >= x.stretch() : x.value() <= x.stretch();
        }

        private String verdict(boolean met, boolean stretch) {
            return met
                    ? "<span class=\"verdict met\">✓ MET" + (stretch ? " (stretch too)" : "") + "</span>"
                    : "<span class=\"verdict missed\">✗ MISSED</span>";
        }

        private void num(String v) {
            a("<td class=\"num\">").t(v).a("</td>");
        }

        private void sustained() {
            BenchResult.Sustained s = r.sustained();
            a("<section id=\"sustained\">\n<h2>Sustained</h2>\n");
            if (s == null) {
                a("<p class=\"empty\">Not measured: the stepped phase did not run.</p>\n</section>\n");
                return;
            }
            a("<p class=\"help\">The highest rates the pipeline kept up with, at the step that defined them.</p>\n");
            a("<div class=\"tiles\">");
            tile("inputs/s accepted", ReportFormat.rate(s.inputsPerSecond()));
            tile("records/s accepted", ReportFormat.rate(s.recordsPerSecond()));
            tile("searchable documents/s", ReportFormat.rate(s.searchableDocumentsPerSecond()));
            tile("at offered inputs/s", ReportFormat.rate(s.atOfferedInputsPerSecond()));
            a("</div>\n");
            BenchResult.Step half = ReportFormat.halfStep(r);
            if (half != null && half.searchable() != null) {
                BenchResult.Latency l = half.searchable();
                a("<p class=\"help\">Accepted → searchable at ")
                        .t(ReportFormat.stepLabel(half))
                        .a(": p50 ")
                        .t(ReportFormat.ms(l.p50()))
                        .a(" ms, p95 ")
                        .t(ReportFormat.ms(l.p95()))
                        .a(" ms, p99 ")
                        .t(ReportFormat.ms(l.p99()))
                        .a(" ms, max ")
                        .t(ReportFormat.ms(l.max()))
                        .a(" ms (")
                        .t(ReportFormat.count(l.count()))
                        .a(" probes).</p>\n");
            }
            a("</section>\n");
        }

        private void tile(String label, String value) {
            a("<div class=\"tile\"><span class=\"tile-value\">")
                    .t(value)
                    .a("</span><span class=\"tile-label\">")
                    .t(label)
                    .a("</span></div>");
        }

        private void ceilings() {
            a("<section id=\"ceilings\">\n<h2>Ceilings</h2>\n<p class=\"help\">Raw speed of the parts, measured "
                    + "first on the same servers and the same documents.</p>\n");
            List<BenchResult.Ceiling> measured = new ArrayList<>(list(r.ceilings()));
            measured.sort((x, y) -> Integer.compare(order(x.name()), order(y.name())));
            a("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Ceiling</th><th scope=\"col\">Unit</th>"
                    + "<th scope=\"col\" class=\"num\">Per second</th><th scope=\"col\" class=\"num\">Count</th>"
                    + "<th scope=\"col\" class=\"num\">Size</th><th scope=\"col\" class=\"num\">Seconds</th>"
                    + "<th scope=\"col\">Note</th></tr></thead>\n<tbody>\n");
            for (BenchResult.Ceiling c : measured) {
                a("<tr><th scope=\"row\">")
                        .t(ReportFormat.text(c.name()))
                        .a("</th><td>")
                        .t(ReportFormat.text(c.unit()))
                        .a("</td>");
                num(ReportFormat.rate(c.perSecond()));
                num(ReportFormat.count(c.count()));
                num(ReportFormat.bytes(c.bytes()));
                num(ReportFormat.seconds(c.seconds()));
                a("<td>").t(c.note() == null ? "" : c.note()).a("</td></tr>\n");
            }
            for (String name : ReportFormat.missingCeilings(r)) {
                a("<tr class=\"missing\"><th scope=\"row\">")
                        .t(name)
                        .a("</th><td colspan=\"5\">")
                        .a("<span class=\"verdict missed\">✗ not measured</span></td><td>")
                        .t(ReportFormat.noteAbout(r, name))
                        .a("</td></tr>\n");
            }
            a("</tbody></table></div>\n</section>\n");
        }

        private static int order(String name) {
            int i = ReportFormat.KNOWN_CEILINGS.indexOf(name);
            return i < 0 ? Integer.MAX_VALUE : i;
        }

        private void steps() {
            List<BenchResult.Step> steps = list(r.steps());
            a("<section id=\"steps\">\n<h2>Steps</h2>\n");
            if (steps.isEmpty()) {
                a("<p class=\"empty\">The pipeline phases did not run.</p>\n</section>\n");
                return;
            }
            List<String> stages = ReportFormat.keys(steps, BenchResult.Step::stageRatesPerSecond);
            List<String> groups = ReportFormat.keys(steps, BenchResult.Step::maxLag);
            int columns = 1 + 3 + stages.size() + 1 + 2 + 4 + Math.max(1, groups.size());
            a("<p class=\"help\">Rates per second over each step; latencies in milliseconds. Accept: HTTP request "
                    + "→ 202. Searchable: 202 → found through audit-api search (probe inputs). Max lag: the most "
                    + "records a consumer group was behind during the step. A saturated step is marked, with the "
                    + "reason below it.</p>\n");
            a("<div class=\"scroll\"><table class=\"steps\">\n<thead><tr>"
                    + "<th scope=\"col\" rowspan=\"2\">Phase</th>"
                    + "<th scope=\"col\" rowspan=\"2\" class=\"num\">Offered in/s</th>"
                    + "<th scope=\"col\" rowspan=\"2\" class=\"num\">Accepted in/s</th>"
                    + "<th scope=\"col\" rowspan=\"2\" class=\"num\">Records/s</th>");
            if (!stages.isEmpty()) {
                a("<th scope=\"colgroup\" colspan=\"")
                        .a(Integer.toString(stages.size()))
                        .a("\">Stage rates /s</th>");
            }
            a("<th scope=\"col\" rowspan=\"2\" class=\"num\">Searchable docs/s</th>"
                    + "<th scope=\"colgroup\" colspan=\"2\">Accept ms</th>"
                    + "<th scope=\"colgroup\" colspan=\"4\">Searchable ms</th>");
            if (groups.isEmpty()) {
                a("<th scope=\"col\" rowspan=\"2\" class=\"num\">Max lag</th>");
            } else {
                a("<th scope=\"colgroup\" colspan=\"")
                        .a(Integer.toString(groups.size()))
                        .a("\">Max lag</th>");
            }
            a("</tr>\n<tr>");
            for (String stage : stages) {
                a("<th scope=\"col\" class=\"num name\">").a(breakable(stage)).a("</th>");
            }
            a("<th scope=\"col\" class=\"num\">p50</th><th scope=\"col\" class=\"num\">p99</th>"
                    + "<th scope=\"col\" class=\"num\">p50</th><th scope=\"col\" class=\"num\">p95</th>"
                    + "<th scope=\"col\" class=\"num\">p99</th><th scope=\"col\" class=\"num\">max</th>");
            for (String group : groups) {
                a("<th scope=\"col\" class=\"num name\">").a(breakable(group)).a("</th>");
            }
            a("</tr></thead>\n<tbody>\n");
            for (BenchResult.Step s : steps) {
                a("<tr class=\"phase-")
                        .t(String.valueOf(s.phase()))
                        .a(s.saturated() ? " saturated" : "")
                        .a("\">");
                a("<th scope=\"row\">")
                        .t(ReportFormat.text(s.phase()))
                        .a("<span class=\"sub\">")
                        .t(ReportFormat.seconds(s.startSecond()) + "–"
                                + ReportFormat.seconds(s.startSecond() + s.seconds()) + " s")
                        .a("</span>")
                        .a(s.saturated() ? "<span class=\"verdict missed\">✗ saturated</span>" : "")
                        .a("</th>");
                num(ReportFormat.rate(s.offeredInputsPerSecond()));
                a("<td class=\"num\">").t(ReportFormat.rate(s.acceptedInputsPerSecond()));
                if (s.inputsFailed() > 0) {
                    a("<span class=\"sub bad\">")
                            .t(ReportFormat.count(s.inputsFailed()) + " failed")
                            .a("</span>");
                }
                a("</td>");
                num(ReportFormat.rate(s.acceptedRecordsPerSecond()));
                for (String stage : stages) {
                    num(ReportFormat.rate(map(s.stageRatesPerSecond()).get(stage)));
                }
                a("<td class=\"num strong\">")
                        .t(ReportFormat.rate(s.searchableDocumentsPerSecond()))
                        .a("</td>");
                BenchResult.Latency acc = s.accept();
                num(acc == null ? NONE : ReportFormat.ms(acc.p50()));
                num(acc == null ? NONE : ReportFormat.ms(acc.p99()));
                BenchResult.Latency se = s.searchable();
                num(se == null ? NONE : ReportFormat.ms(se.p50()));
                num(se == null ? NONE : ReportFormat.ms(se.p95()));
                a("<td class=\"num strong\">")
                        .t(se == null ? NONE : ReportFormat.ms(se.p99()))
                        .a("</td>");
                num(se == null ? NONE : ReportFormat.ms(se.max()));
                if (groups.isEmpty()) {
                    num(NONE);
                }
                for (String group : groups) {
                    Long lag = map(s.maxLag()).get(group);
                    num(lag == null ? NONE : ReportFormat.count(lag));
                }
                a("</tr>\n");
                if (s.saturated() && s.saturationReason() != null) {
                    a("<tr class=\"reason\"><td colspan=\"")
                            .a(Integer.toString(columns))
                            .a("\">Saturated: ")
                            .t(s.saturationReason())
                            .a("</td></tr>\n");
                }
            }
            a("</tbody></table></div>\n</section>\n");
        }

        /** A name that may wrap after its dots and dashes (long stage and group names in narrow columns). */
        private static String breakable(String name) {
            return esc(name).replace(".", ".<wbr>").replace("-", "-<wbr>");
        }

        private void charts() {
            a("<section id=\"charts\">\n<h2>Charts</h2>\n<p id=\"chart-status\" class=\"help\">");
            if (chartJsVersion == null) {
                a("Chart.js was not on the class path when this report was written: no charts; the tables hold every"
                        + " figure.");
            } else {
                a("Dashed lines mark where each phase and step began. Click a legend entry to hide or show a series.");
            }
            a("</p>\n<div class=\"charts\">\n");
            chart(
                    "chart-throughput",
                    "Throughput over time",
                    "Offered and accepted inputs per second, accepted records, each stage's rate and searchable"
                            + " documents per second, one point a second.",
                    "wide");
            chart(
                    "chart-p99",
                    "Accepted → searchable p99 over time",
                    "The p99 of the probes that became searchable in each second, in milliseconds.",
                    "");
            a("<figure class=\"card\"><figcaption>Latency histogram <label class=\"choice\">"
                    + "<span class=\"visually-hidden\">Which latency</span><select id=\"histogram-choice\"></select>"
                    + "</label></figcaption><div class=\"chart\"><canvas id=\"chart-histogram\" role=\"img\" "
                    + "aria-label=\"Latency histogram\">The steps table holds the percentiles.</canvas></div>"
                    + "<p id=\"histogram-facts\" class=\"help\"></p></figure>\n");
            chart("chart-rss", "RSS per process", "Resident memory of each process over time, MiB.", "");
            chart(
                    "chart-lag",
                    "Consumer lag per group",
                    "Records behind the end of their topics, per consumer group.",
                    "");
            chart("chart-cpu", "CPU per process", "CPU use of each process over time, percent of one core.", "");
            a("</div>\n</section>\n");
        }

        private void chart(String id, String title, String description, String kind) {
            a("<figure class=\"card ")
                    .a(kind)
                    .a("\"><figcaption>")
                    .t(title)
                    .a("</figcaption><div class=\"chart\">")
                    .a("<canvas id=\"")
                    .a(id)
                    .a("\" role=\"img\" aria-label=\"")
                    .t(title + ": " + description)
                    .a("\">")
                    .t(description)
                    .a("</canvas></div></figure>\n");
        }

        private void processes() {
            List<BenchResult.ProcessStats> ps = list(r.processes());
            a("<section id=\"processes\">\n<h2>Processes</h2>\n");
            if (ps.isEmpty()) {
                a("<p class=\"empty\">No process was sampled.</p>\n</section>\n");
                return;
            }
            a("<p class=\"help\">Over the pipeline phases. CPU per event: the process's CPU time divided by the "
                    + "inputs accepted meanwhile. RSS slope: growth from the first to the last tenth of a soak.</p>\n");
            a(
                    "<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Process</th><th scope=\"col\" class=\"num\">PID</th>"
                            + "<th scope=\"col\" class=\"num\">CPU s</th><th scope=\"col\" class=\"num\">CPU ms/event</th>"
                            + "<th scope=\"col\" class=\"num\">RSS max MiB</th><th scope=\"col\" class=\"num\">RSS last MiB</th>"
                            + "<th scope=\"col\" class=\"num\">RSS slope MiB/h</th></tr></thead>\n<tbody>\n");
            for (BenchResult.ProcessStats p : ps) {
                a("<tr><th scope=\"row\">").t(ReportFormat.text(p.name())).a("</th>");
                num(Long.toString(p.pid()));
                num(ReportFormat.seconds(p.cpuSeconds()));
                num(ReportFormat.cpuMsPerEvent(p.cpuSecondsPerEvent()));
                num(ReportFormat.mib(p.rssMaxBytes()));
                num(ReportFormat.mib(p.rssLastBytes()));
                num(ReportFormat.mibPerHour(p.rssSlopeBytesPerHour()));
                a("</tr>\n");
            }
            a("</tbody></table></div>\n</section>\n");
        }

        private void settings() {
            Map<String, String> settings = new TreeMap<>();
            map(r.settings()).forEach((k, v) -> settings.put(String.valueOf(k), v));
            a("<section id=\"settings\">\n<h2>Settings</h2>\n");
            if (settings.isEmpty()) {
                a("<p class=\"empty\">No settings were recorded.</p>\n</section>\n");
                return;
            }
            a("<p class=\"help\">The effective tunables and bench options of this run.</p>\n");
            a("<div class=\"scroll\"><table class=\"settings\">\n<thead><tr><th scope=\"col\">Setting</th>"
                    + "<th scope=\"col\">Value</th></tr></thead>\n<tbody>\n");
            settings.forEach((k, v) -> a("<tr><th scope=\"row\" class=\"mono\">")
                    .t(k)
                    .a("</th><td class=\"mono\">")
                    .t(v == null ? NONE : v)
                    .a("</td></tr>\n"));
            a("</tbody></table></div>\n</section>\n");
        }

        private void notes() {
            a("<section id=\"notes\">\n<h2>Notes</h2>\n");
            List<String> notes = list(r.notes());
            if (notes.isEmpty()) {
                a("<p class=\"empty\">None.</p>\n</section>\n");
                return;
            }
            a("<ul class=\"notes\">\n");
            for (String n : notes) {
                a("<li>").t(n).a("</li>\n");
            }
            a("</ul>\n</section>\n");
        }

        private void footer() {
            a("<footer><p>Written by <code>vigil bench</code>. Self-contained: the figures are embedded in this file as"
                            + " JSON (element <code>#")
                    .a(DATA_ELEMENT_ID)
                    .a("</code>, the same as <code>bench-result.json</code>)");
            if (chartJsVersion != null) {
                a(", charts drawn by the inlined Chart.js ").t(chartJsVersion).a(" (MIT licence)");
            }
            a(".</p></footer>\n");
        }
    }
}
