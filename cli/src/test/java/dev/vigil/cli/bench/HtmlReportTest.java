package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    static final Pattern DATA =
            Pattern.compile("<script type=\"application/json\" id=\"bench-result\">(.*?)</script>", Pattern.DOTALL);
    static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);

    @TempDir
    Path dir;

    String written(BenchResult result) throws IOException {
        Path file = dir.resolve("out/bench-report.html");
        HtmlReport.write(result, file);
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("bench-report.html");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    static String chartJsFromItsWebJar() throws IOException {
        ClassLoader loader = HtmlReportTest.class.getClassLoader();
        Properties pom = new Properties();
        try (InputStream in = loader.getResourceAsStream("META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
            assertThat(in).as("Chart.js WebJar on the test class path").isNotNull();
            pom.load(in);
        }
        String resource =
                "META-INF/resources/webjars/chart.js/" + pom.getProperty("version") + "/dist/chart.umd.min.js";
        try (InputStream in = loader.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void inlinesChartJsFromItsWebJarAndReferencesNothingOutsideTheFile() throws IOException {
        String html = written(BenchResultFixtures.rich());
        String chartJs = chartJsFromItsWebJar();

        assertThat(html).contains("BarController", "getChart");
        assertThat(html).contains(chartJs.substring(0, 4000));
        assertThat(html).contains(chartJs.substring(chartJs.length() - 4000));
        assertThat(Pattern.compile("(?i)\\b(src|href|action|poster|data)\\s*=\\s*[\"']?\\s*(https?:)?//")
                        .matcher(html)
                        .find())
                .as("a src/href to another origin")
                .isFalse();
        assertThat(Pattern.compile("(?i)@import|url\\(\\s*[\"']?(https?:)?//")
                        .matcher(html)
                        .find())
                .as("CSS that loads from the network")
                .isFalse();
        assertThat(html).doesNotContainIgnoringCase("<link ");
        assertThat(html).doesNotContainPattern("(?i)<script[^>]*\\ssrc=");
    }

    @Test
    void embedsTheResultAsJsonThatParsesBackToTheSameResult() throws IOException {
        BenchResult fixture = BenchResultFixtures.rich();
        String html = written(fixture);

        Matcher m = DATA.matcher(html);
        assertThat(m.find()).as("the embedded JSON").isTrue();
        BenchResult back = BenchResult.json().readValue(m.group(1), BenchResult.class);
        assertThat(back).isEqualTo(fixture);
        assertThat(m.find()).as("one data element").isFalse();
    }

    @Test
    void showsHostileTextOnlyEscaped() throws IOException {
        String html = written(BenchResultFixtures.rich());
        String malicious = BenchResultFixtures.MALICIOUS;
        String escaped = "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;";

        assertThat(html).doesNotContain(malicious);
        assertThat(html).doesNotContainIgnoringCase("<img");
        assertThat(html).doesNotContain("onerror=alert(1)>");
        // in the notes list, the settings table and the ceiling's note
        assertThat(html).contains("<li>tenant " + escaped + " was skipped: no publisher key</li>");
        assertThat(html).contains("acme,globex," + escaped + "</td>");
        assertThat(html).contains("refresh_interval 1s; " + escaped + "</td>");
        // the embedded JSON carries it with < and > as \\u escapes
        assertThat(html).contains("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e");
        // exactly the three script elements the report has: the data, Chart.js and the report's code
        assertThat(Pattern.compile("(?i)</script").matcher(html).results().count())
                .isEqualTo(3);
        assertThat(Pattern.compile("(?i)<script").matcher(html).results().count())
                .isEqualTo(3);
        // the terminal escape in a note is not carried into the page
        assertThat(html).doesNotContain("\u001b");
        assertThat(html).contains("tenant bench-\uFFFD[31mred\uFFFD[0m sent 3 inputs");
    }

    @Test
    void allowsOnlyItsOwnScriptsByHashAndNoNetwork() throws Exception {
        String html = written(BenchResultFixtures.rich());
        Matcher csp = Pattern.compile("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]+)\">")
                .matcher(html);
        assertThat(csp.find()).isTrue();
        String policy = csp.group(1).replace("&#39;", "'");
        assertThat(policy).startsWith("default-src 'none';").doesNotContain("unsafe-eval");
        assertThat(policy).doesNotContainPattern("script-src[^;]*unsafe-inline");

        List<String> hashes = new ArrayList<>();
        Matcher scripts = SCRIPT.matcher(html);
        while (scripts.find()) {
            hashes.add("'sha256-"
                    + Base64.getEncoder()
                            .encodeToString(MessageDigest.getInstance("SHA-256")
                                    .digest(scripts.group(1).getBytes(StandardCharsets.UTF_8)))
                    + "'");
        }
        assertThat(hashes).hasSize(2);
        assertThat(policy).contains("script-src " + hashes.get(0) + " " + hashes.get(1) + ";");
    }

    @Test
    void headlineTableGivesEachRatioItsVerdictInWords() throws IOException {
        BenchResult fixture = BenchResultFixtures.rich();
        String html = written(fixture);

        Matcher table = Pattern.compile("<table class=\"ratios\">(.*?)</table>", Pattern.DOTALL)
                .matcher(html);
        assertThat(table.find()).isTrue();
        for (BenchResult.Ratio r : fixture.ratios()) {
            Matcher row = Pattern.compile(
                            "<tr><th scope=\"row\">" + Pattern.quote(HtmlReport.esc(r.name())) + "</th>(.*?)</tr>")
                    .matcher(table.group(1));
            assertThat(row.find()).as(r.name()).isTrue();
            String cells = row.group(1);
            assertThat(cells).contains(r.met() ? "✓ MET" : "✗ MISSED");
            assertThat(cells).doesNotContain(r.met() ? "MISSED" : "MET<");
            assertThat(cells).contains(ReportFormat.ratio(r.value()), ReportFormat.ratio(r.target()));
        }
        assertThat(html).contains("2 of 4 targets met.");
        // the stretch target of the first ratio (0.8) is not reached at 0.63
        assertThat(html).doesNotContain("stretch too");
    }

    @Test
    void tablesCarryTheFiguresOfEveryPart() throws IOException {
        BenchResult fixture = BenchResultFixtures.rich();
        String html = written(fixture);

        // header
        assertThat(html).contains("<h1>Vigil bench <span class=\"version\">0.1.0-SNAPSHOT</span></h1>");
        assertThat(html).contains("2026-11-24 08:00:00 UTC", "2m 01s", "stepped + half + soak", "bench-box");
        // ceilings: three measured, two missing with the note that says why
        assertThat(section(html, "ceilings"))
                .contains("<th scope=\"row\">kafka.produce</th><td>records</td><td class=\"num\">9,501</td>")
                .contains(
                        "<th scope=\"row\">elasticsearch.bulk-create</th><td>documents</td><td class=\"num\">5,000</td>")
                .containsPattern("kafka\\.consume-produce</th><td colspan=\"5\">.*not measured.*TimeoutException")
                .containsPattern("kafka\\.consume-produce-eos</th><td colspan=\"5\">.*not measured.*skipped");
        // steps: 7 rows, the last stepped one saturated with its reason below it, a column per stage and group
        String steps = section(html, "steps");
        assertThat(Pattern.compile("<tr class=\"phase-")
                        .matcher(steps)
                        .results()
                        .count())
                .isEqualTo(7);
        assertThat(steps.split("✗ saturated", -1)).hasSize(2);
        Matcher saturated = Pattern.compile("<tr class=\"phase-step saturated\">(.*?)</tr>\n<tr class=\"reason\">"
                        + "<td colspan=\"(\\d+)\">Saturated: (.*?)</td></tr>")
                .matcher(steps);
        assertThat(saturated.find()).isTrue();
        assertThat(saturated.group(1))
                .contains("4,000", "2,651", "37 failed", "41,250", "18,400", "2,100", "✗ saturated");
        assertThat(saturated.group(3))
                .isEqualTo("accepted 66% of offered; lag of vigil-streams grew for 10 s in a row");
        // the reason spans every column: count the cells of the saturated row
        assertThat(Integer.parseInt(saturated.group(2)))
                .isEqualTo(Pattern.compile("<t[hd][ >]")
                        .matcher(saturated.group(1))
                        .results()
                        .count());
        for (String stage : BenchResultFixtures.STAGES) {
            assertThat(steps)
                    .contains("<th scope=\"col\" class=\"num name\">" + stage.replace(".", ".<wbr>") + "</th>");
        }
        for (String group : BenchResultFixtures.GROUPS) {
            assertThat(steps)
                    .contains("<th scope=\"col\" class=\"num name\">" + group.replace("-", "-<wbr>") + "</th>");
        }
        BenchResult.Step half = fixture.steps().get(5);
        assertThat(steps)
                .contains("<td class=\"num strong\">"
                        + ReportFormat.ms(half.searchable().p99()) + "</td>");
        // sustained
        assertThat(section(html, "sustained")).contains("1,995", "3,190", "3,151", "2,000", "p99 1,231 ms");
        // processes: all six, CPU per event in ms, soak slope
        String processes = section(html, "processes");
        for (String p : BenchResultFixtures.PROCESSES) {
            assertThat(processes).contains("<th scope=\"row\">" + p + "</th>");
        }
        assertThat(processes).contains("<td class=\"num\">0.826</td>", "<td class=\"num\">+36.0</td>", "1,480");
        // settings sorted by name, notes in order
        String settings = section(html, "settings");
        assertThat(settings.indexOf("bench.concurrency")).isLessThan(settings.indexOf("vigil.kafka.partitions"));
        assertThat(section(html, "notes")).contains("ceiling kafka.consume-produce failed");
        // every chart has its canvas
        for (String id : List.of(
                "chart-ratios",
                "chart-throughput",
                "chart-p99",
                "chart-histogram",
                "chart-rss",
                "chart-lag",
                "chart-cpu")) {
            assertThat(html).contains("<canvas id=\"" + id + "\"");
        }
    }

    @Test
    void aRunThatMeasuredNothingStillWritesAReadableReport() throws IOException {
        BenchResult nothing = BenchResultFixtures.empty();
        String html = written(nothing);

        assertThat(html).contains("The pipeline phases did not run.", "Not measured: the stepped phase did not run.");
        assertThat(section(html, "ceilings")).contains("kafka.produce").contains("not measured");
        Matcher m = DATA.matcher(html);
        assertThat(m.find()).isTrue();
        assertThat(BenchResult.json().readValue(m.group(1), BenchResult.class)).isEqualTo(nothing);
    }

    @Test
    void writingAgainReplacesTheFile() throws IOException {
        Path file = dir.resolve("bench-report.html");
        HtmlReport.write(BenchResultFixtures.rich(), file);
        HtmlReport.write(BenchResultFixtures.empty(), file);
        assertThat(Files.readString(file)).contains("The pipeline phases did not run.");
    }

    @Test
    void fillsThePlaceholdersOnceSoInsertedTextIsNeverExpanded() {
        assertThat(HtmlReport.fill("<p>{{a}}</p><p>{{b}}</p>", java.util.Map.of("a", "{{b}}", "b", "$1\\")))
                .isEqualTo("<p>{{b}}</p><p>$1\\</p>");
    }

    @Test
    void scriptTextCannotCloseItsElement() {
        assertThat(HtmlReport.scriptSafe("var s = '</SCRIPT><!--';")).isEqualTo("var s = '<\\/SCRIPT><\\!--';");
    }

    static String section(String html, String id) {
        Matcher m = Pattern.compile("<section id=\"" + id + "\">(.*?)</section>", Pattern.DOTALL)
                .matcher(html);
        assertThat(m.find()).as("section " + id).isTrue();
        return m.group(1);
    }
}
