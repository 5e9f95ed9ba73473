package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanSamples.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ingest.adapter.RawInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScanDetectorTest {

    @ParameterizedTest
    @CsvSource({
        "sarif/codeql-2.19.3-python.sarif, SARIF",
        "sarif/kics-2.1.8.sarif, SARIF",
        "sarif/semgrep-1.69.0-juice-shop.sarif, SARIF",
        "sarif/trivy-alpine-310.sarif, SARIF",
        "cyclonedx/laravel-7.12.0.bom.1.4.json, CYCLONEDX",
        "cyclonedx/vex-cisa-case-3.json, CYCLONEDX",
        "cyclonedx/trivy-npm-1.7.cdx.json, CYCLONEDX",
        "trivy/alpine-39-image.json, TRIVY",
        "trivy/composer-vendor-fs.json, TRIVY",
        "trivy/secrets-repo.json, TRIVY",
        "grype/busybox-1.32.1-image.json, GRYPE",
        "gitleaks/gitleaks8_many.json, GITLEAKS",
        "gitleaks/json_simple.json, GITLEAKS",
        "osv/npm-package-lock.json, OSV",
        "semgrep/one_finding.json, SEMGREP",
        "wazuh/alert-5712-sshd-bruteforce.json, WAZUH",
        "ocsf/prowler-aws-synthetic.ocsf.json, OCSF"
    })
    void shouldTellEverySampleApartByContentAlone(String sample, ScanFormat expected) {
        assertThat(ScanDetector.detectUncached("application/json", null, bytes(sample)))
                .contains(expected);
    }

    @Test
    void shouldLeaveABareCdEventToTheCdEventsAdapter() throws IOException {
        byte[] cdevent;
        try (InputStream in = getClass().getResourceAsStream("/samples/cdevents/change_merged.json")) {
            cdevent = in.readAllBytes();
        }
        assertThat(ScanDetector.detectUncached("application/json", null, cdevent))
                .isEmpty();
        RawInput input = RawInput.of("acme", "application/json", Map.of(), cdevent, ScanSamples.RECEIVED);
        assertThat(dev.vigil.ingest.IngestServerAdapters.firstAccepting(input)).isEqualTo("cdevents");
    }

    @Test
    void shouldNeverClaimCloudEventsEvenWhenTheyLookLikeAReport() {
        assertThat(ScanDetector.detectUncached("application/cloudevents+json", null, bytes("sarif/kics-2.1.8.sarif")))
                .isEmpty();
    }

    @Test
    void shouldTrustTheFormatSpecificMediaType() {
        assertThat(ScanDetector.detectUncached("application/sarif+json", null, "{}".getBytes(StandardCharsets.UTF_8)))
                .contains(ScanFormat.SARIF);
        assertThat(ScanDetector.detectUncached("application/vnd.cyclonedx+json", null, new byte[0]))
                .contains(ScanFormat.CYCLONEDX);
    }

    @Test
    void shouldLetTheCallerNameTheFormat() {
        assertThat(ScanDetector.detectUncached("application/json", "Trivy", bytes("semgrep/one_finding.json")))
                .contains(ScanFormat.TRIVY);
        assertThat(ScanDetector.detectUncached("application/json", "nessus", bytes("semgrep/one_finding.json")))
                .isEmpty();
    }

    @Test
    void shouldNotClaimJsonOfAnotherShapeOrBrokenJson() {
        assertThat(ScanDetector.detectUncached("application/json", null, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(ScanDetector.detectUncached(
                        "application/json", null, "{\"runs\":[".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Optional.empty());
        assertThat(ScanDetector.detectUncached("text/csv", null, bytes("semgrep/one_finding.json")))
                .isEmpty();
    }

    @Test
    void shouldTellAnEmptySemgrepReportFromAnEmptyOsvReport() {
        assertThat(ScanDetector.detectUncached(
                        "application/json",
                        null,
                        "{\"results\":[],\"errors\":[],\"paths\":{\"scanned\":[]}}".getBytes(StandardCharsets.UTF_8)))
                .contains(ScanFormat.SEMGREP);
        assertThat(ScanDetector.detectUncached(
                        "application/json",
                        null,
                        "{\"results\":[],\"experimental_config\":{}}".getBytes(StandardCharsets.UTF_8)))
                .contains(ScanFormat.OSV);
    }
}
