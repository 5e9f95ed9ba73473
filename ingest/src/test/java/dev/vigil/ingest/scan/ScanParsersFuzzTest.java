package dev.vigil.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.serde.AvroSerde;
import java.util.Map;

/**
 * Coverage-guided fuzzing of every scanner parser (Jazzer). In the normal build these run in
 * regression mode: each method replays its seeds from
 * {@code src/test/resources/dev/vigil/ingest/scan/ScanParsersFuzzTestInputs/<method>/} (real sample
 * reports) plus any crash files found earlier, in well under a second. ingest/README.md says how to
 * fuzz for longer. The property: any byte sequence is either normalized into records that fit a
 * message, or refused with a 4xx problem; never another exception (which would be a 500).
 */
class ScanParsersFuzzTest {

    private static final AvroSerde<ScanResult> SERDE = AvroSerde.of(ScanResult.class);

    @FuzzTest(maxDuration = "30s")
    void sarif(byte[] data) {
        exercise(ScanFormat.SARIF, data);
    }

    @FuzzTest(maxDuration = "30s")
    void cyclonedx(byte[] data) {
        exercise(ScanFormat.CYCLONEDX, data);
    }

    @FuzzTest(maxDuration = "30s")
    void trivy(byte[] data) {
        exercise(ScanFormat.TRIVY, data);
    }

    @FuzzTest(maxDuration = "30s")
    void grype(byte[] data) {
        exercise(ScanFormat.GRYPE, data);
    }

    @FuzzTest(maxDuration = "30s")
    void gitleaks(byte[] data) {
        exercise(ScanFormat.GITLEAKS, data);
    }

    @FuzzTest(maxDuration = "30s")
    void osv(byte[] data) {
        exercise(ScanFormat.OSV, data);
    }

    @FuzzTest(maxDuration = "30s")
    void semgrep(byte[] data) {
        exercise(ScanFormat.SEMGREP, data);
    }

    @FuzzTest(maxDuration = "30s")
    void wazuh(byte[] data) {
        exercise(ScanFormat.WAZUH, data);
    }

    @FuzzTest(maxDuration = "30s")
    void ocsf(byte[] data) {
        exercise(ScanFormat.OCSF, data);
    }

    /** Sniffing must never throw, whatever the body. */
    @FuzzTest(maxDuration = "30s")
    void detection(byte[] data) {
        ScanDetector.detectUncached("application/json", null, data);
    }

    private static void exercise(ScanFormat format, byte[] data) {
        ScanAdapter adapter = ScanSamples.adapter(format);
        RawInput input = ScanSamples.input(
                "application/json", Map.of("format", format.paramName(), "repository", "github.com/acme/shop"), data);
        try {
            RawInput kept = adapter.redact(input);
            for (Normalized n : adapter.normalize(kept)) {
                ScanResult scan = ((Normalized.Scan) n).scan();
                assertThat(SERDE.encode(scan).length).isLessThanOrEqualTo(ScanAssembler.DEFAULT_MAX_RECORD_BYTES);
            }
        } catch (InvalidInputException e) {
            assertThat(e.problem().status()).isBetween(400, 499);
            assertThat(e.problem().detail()).isNotBlank();
        }
    }
}
