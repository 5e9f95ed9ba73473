package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ConsoleSummaryTest {

    static final String TEXT = ConsoleSummary.render(BenchResultFixtures.rich());
    static final String MARKDOWN = ConsoleSummary.markdown(BenchResultFixtures.rich());

    /** The rows of the text table under a section title (header, rule, rows), without the leading indent. */
    static List<String> table(String text, String titleStart) {
        List<String> lines = text.lines().toList();
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(titleStart)) {
                at = i;
                break;
            }
        }
        assertThat(at).as("section " + titleStart).isNotNegative();
        return lines.subList(at + 1, lines.size()).stream()
                .takeWhile(l -> l.startsWith("  "))
                .map(l -> l.substring(2))
                .toList();
    }

    static List<String> cells(String row) {
        return Arrays.asList(row.trim().split(" {2,}"));
    }

    static String rowOf(List<String> table, String first) {
        return table.stream()
                .filter(r -> r.startsWith(first + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + first + " in\n" + String.join("\n", table)));
    }

    @Test
    void headlineSaysWhatRanWhereAndWhen() {
        assertThat(TEXT.lines().findFirst().orElseThrow())
                .isEqualTo("Vigil bench 0.1.0-SNAPSHOT · 2026-11-24 08:00:00 UTC · 2m 01s · stepped + half + soak"
                        + " · embedded, 2 cores, 8.0 GiB, load 0.42 at start");
    }

    @Test
    void ceilingsListTheMeasuredOnesThenTheMissing() {
        List<String> t = table(TEXT, "Ceilings");
        assertThat(cells(t.get(0))).containsExactly("ceiling", "unit", "per second", "count", "seconds");
        assertThat(t.get(1)).matches("-+( +-+){4}");
        assertThat(cells(rowOf(t, "kafka.produce")))
                .containsExactly("kafka.produce", "records", "9,501", "200,000", "21.1");
        assertThat(cells(rowOf(t, "kafka.consume")))
                .containsExactly("kafka.consume", "records", "23,529", "200,000", "8.5");
        assertThat(cells(rowOf(t, "elasticsearch.bulk-create")))
                .containsExactly("elasticsearch.bulk-create", "documents", "5,000", "100,000", "20.0");
        assertThat(cells(rowOf(t, "kafka.consume-produce")))
                .containsExactly("kafka.consume-produce", "—", "not measured", "—", "—");
        assertThat(cells(rowOf(t, "kafka.consume-produce-eos")).get(2)).isEqualTo("not measured");
        assertThat(t).hasSize(2 + 5);
        // a fixed-width table: numbers right-aligned to the same column end
        int end = t.get(0).indexOf("per second") + "per second".length();
        assertThat(t.subList(2, 5))
                .allSatisfy(r -> assertThat(r.charAt(end - 1)).isNotEqualTo(' '));
    }

    @Test
    void sustainedAndTheHalfPhaseLatency() {
        assertThat(cells(table(TEXT, "Sustained").get(2))).containsExactly("1,995", "3,190", "3,151", "2,000");
        List<String> latency = table(TEXT, "Latency at half @ 1,000/s, ms");
        assertThat(cells(rowOf(latency, "accepted → searchable")))
                .containsExactly("accepted → searchable", "200", "311", "780", "1,231", "1,712");
        assertThat(cells(rowOf(latency, "HTTP accept (202)")).get(1)).isEqualTo("19,970");
        assertThat(cells(rowOf(latency, "search request")).get(4)).isEqualTo("77.3");
    }

    @Test
    void ratiosSayMetOrMissed() {
        List<String> t = table(TEXT, "Targets (2 of 4 met)");
        for (BenchResult.Ratio r : BenchResultFixtures.rich().ratios()) {
            String row = rowOf(t, r.name());
            assertThat(row).endsWith(r.met() ? "MET" : "MISSED");
            assertThat(row).contains(ReportFormat.ratio(r.value()), ReportFormat.ratio(r.target()));
        }
        assertThat(cells(rowOf(t, "end-to-end / elasticsearch.bulk-create")))
                .containsExactly("end-to-end / elasticsearch.bulk-create", "0.63", "0.60", "0.80", "MET");
        assertThat(cells(rowOf(t, "batched ingest / kafka.produce")))
                .containsExactly("batched ingest / kafka.produce", "0.34", "0.50", "—", "MISSED");
    }

    @Test
    void processesWithCpuPerEventAndRssAndTheSoakSlope() {
        List<String> t = table(TEXT, "Processes");
        assertThat(cells(t.get(0)))
                .containsExactly("process", "CPU s", "CPU ms/event", "RSS max MiB", "RSS slope MiB/h");
        assertThat(cells(rowOf(t, "streams"))).containsExactly("streams", "97.5", "0.826", "905", "+36.0");
        assertThat(cells(rowOf(t, "audit-api"))).containsExactly("audit-api", "12.3", "0.104", "410", "-0.8");
        assertThat(t).hasSize(2 + 6);
    }

    @Test
    void recordedTextCannotDriveTheTerminal() {
        assertThat(TEXT).doesNotContain("\u001b");
        assertThat(TEXT).contains("  - tenant bench-\uFFFD[31mred\uFFFD[0m sent 3 inputs that were refused");
        assertThat(TEXT).contains("  - tenant " + BenchResultFixtures.MALICIOUS + " was skipped");
    }

    @Test
    void markdownHasTheSameTablesAsWellFormedRows() {
        assertThat(MARKDOWN)
                .contains("\n**Targets (2 of 4 met)**\n\n| ratio | value | target | stretch | result |\n"
                        + "| --- | ---: | ---: | ---: | --- |\n");
        assertThat(MARKDOWN).contains("| end-to-end / elasticsearch.bulk-create | 0.63 | 0.60 | 0.80 | MET |");
        assertThat(MARKDOWN).contains("| search p99 under ingest / idle | 2.40 | 2.00 | — | MISSED |");
        assertThat(MARKDOWN).contains("| streams | 97.5 | 0.826 | 905 | +36.0 |");
        assertThat(MARKDOWN).contains("| kafka.consume-produce | — | not measured | — | — |");
        Pattern unescapedPipe = Pattern.compile("(?<!\\\\)\\|");
        MARKDOWN.lines().filter(l -> l.startsWith("|")).forEach(l -> {
            long pipes = unescapedPipe.matcher(l).results().count();
            assertThat(pipes).as(l).isBetween(3L, 7L);
        });
        // no raw HTML from a recorded value reaches the README
        assertThat(MARKDOWN).doesNotContain("<img", "</script>");
        assertThat(MARKDOWN).contains("- tenant &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; was skipped");
    }

    @Test
    void aRunThatMeasuredNothingSaysSo() {
        String text = ConsoleSummary.render(BenchResultFixtures.empty());
        assertThat(text).contains("not measured: the stepped phase did not run");
        assertThat(text).contains("no ratios");
        assertThat(cells(rowOf(table(text, "Ceilings"), "kafka.produce")).get(2))
                .isEqualTo("not measured");
        assertThat(ConsoleSummary.markdown(BenchResultFixtures.empty())).contains("**Sustained**");
    }
}
