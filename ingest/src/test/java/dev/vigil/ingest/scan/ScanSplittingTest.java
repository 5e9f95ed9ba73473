package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanSamples.input;
import static dev.vigil.ingest.scan.ScanSamples.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.Finding;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class ScanSplittingTest {

    /** A Semgrep report of {@code count} distinct findings with realistic messages. */
    static byte[] semgrepReport(int count) {
        StringBuilder sb = new StringBuilder(count * 400).append("{\"version\":\"1.90.0\",\"errors\":[],\"results\":[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "{\"check_id\":\"javascript.express.security.audit.xss.direct-response-write-%d\","
                            + "\"path\":\"src/routes/module%d/handler%d.js\",\"start\":{\"line\":%d,\"col\":5},"
                            + "\"end\":{\"line\":%d,\"col\":40},\"extra\":{\"severity\":\"%s\",\"message\":\"Detected"
                            + " directly writing to a Response object from user-defined input. This bypasses any HTML"
                            + " escaping and may expose your application to a cross-site scripting vulnerability.\"}}",
                    i % 50,
                    i % 200,
                    i,
                    10 + i % 900,
                    10 + i % 900,
                    i % 3 == 0 ? "ERROR" : "WARNING"));
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldSplitA20kFindingReportIntoPartsUnder256KiBEncoded() throws Exception {
        byte[] body = semgrepReport(20_000);
        ScanAdapter adapter = ScanSamples.adapter(ScanFormat.SEMGREP);

        List<ScanResult> parts = run(adapter, input("application/json", ScanSamples.REPO, body));

        Serializer<ScanResult> serializer =
                Topics.withPrefix("").scanResults().valueSerde().serializer();
        assertThat(parts).hasSizeGreaterThan(1);
        assertThat(parts).allSatisfy(p -> {
            assertThat(serializer.serialize("vigil.scan-results", p).length).isLessThanOrEqualTo(256 * 1024);
            assertThat(p.getPartCount()).isEqualTo(parts.size());
            assertThat(p.getFindingCount()).isEqualTo(20_000);
            assertThat(p.getSourceEventId()).isEqualTo(parts.get(0).getSourceEventId());
            assertThat(p.getEvidenceSha256()).isEqualTo(RawInputSha.of(body));
        });
        assertThat(parts)
                .extracting(ScanResult::getPart)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, parts.size())
                        .boxed()
                        .toList());
        assertThat(parts.stream().mapToInt(p -> p.getFindings().size()).sum()).isEqualTo(20_000);
        assertThat(parts.stream()
                        .flatMap(p -> p.getFindings().stream())
                        .map(Finding::getFingerprint)
                        .distinct()
                        .count())
                .isEqualTo(20_000);
        assertThat(parts).extracting(ScanResult::getId).doesNotHaveDuplicates();
    }

    @Test
    void shouldGiveTheSamePartIdsWhenTheSameReportIsSentAgain() throws Exception {
        byte[] body = semgrepReport(3_000);
        ScanAdapter adapter = ScanSamples.adapter(ScanFormat.SEMGREP);

        var first = run(adapter, input("application/json", ScanSamples.REPO, body));
        var second = run(adapter, input("application/json", ScanSamples.REPO, body));

        assertThat(first).hasSizeGreaterThan(1);
        assertThat(second)
                .extracting(ScanResult::getId)
                .containsExactlyElementsOf(first.stream().map(ScanResult::getId).toList());
    }

    @Test
    void shouldRespectASmallerLimit() throws Exception {
        byte[] body = semgrepReport(500);
        var adapter = (ScanAdapter) ScanAdapters.all(ScanSamples.HASHER, 16 * 1024).stream()
                .filter(a -> a.name().equals("semgrep"))
                .findFirst()
                .orElseThrow();
        Serializer<ScanResult> serializer =
                Topics.withPrefix("").scanResults().valueSerde().serializer();

        var parts = run(adapter, input("application/json", ScanSamples.REPO, body));

        assertThat(parts).hasSizeGreaterThan(5).allSatisfy(p -> assertThat(serializer.serialize("t", p).length)
                .isLessThanOrEqualTo(16 * 1024));
    }

    @Test
    void shouldCutOverlongTextSoOneFindingCannotOutgrowAPart() {
        var d = new FindingDraft("r".repeat(5000));
        d.title = "t".repeat(100_000);
        d.location = "l".repeat(100_000);
        d.attribute("suppression.justification", "j".repeat(100_000));

        Finding f = d.toFinding(dev.vigil.schemas.ScanCategory.SAST);

        assertThat(f.getTitle()).hasSize(FindingDraft.MAX_TITLE);
        assertThat(f.getLocation()).hasSize(FindingDraft.MAX_VALUE);
        assertThat(f.getRuleId()).hasSize(FindingDraft.MAX_VALUE);
        assertThat(f.getAttributes().get("suppression.justification")).hasSize(FindingDraft.MAX_VALUE);
    }

    static final class RawInputSha {
        static String of(byte[] body) {
            return dev.vigil.ingest.adapter.RawInput.sha256Hex(body);
        }
    }
}
