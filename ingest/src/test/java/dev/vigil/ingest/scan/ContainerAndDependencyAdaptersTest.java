package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanSamples.bytes;
import static dev.vigil.ingest.scan.ScanSamples.findings;
import static dev.vigil.ingest.scan.ScanSamples.input;
import static dev.vigil.ingest.scan.ScanSamples.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.FindingState;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Severity;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Trivy, Grype, OSV-Scanner and Semgrep on their real sample reports. */
class ContainerAndDependencyAdaptersTest {

    final ScanAdapter trivy = ScanSamples.adapter(ScanFormat.TRIVY);
    final ScanAdapter grype = ScanSamples.adapter(ScanFormat.GRYPE);
    final ScanAdapter osv = ScanSamples.adapter(ScanFormat.OSV);
    final ScanAdapter semgrep = ScanSamples.adapter(ScanFormat.SEMGREP);

    @Test
    void shouldReadTrivyImageVulnerabilitiesAsContainerFindings() throws Exception {
        var scans = run(trivy, "trivy/alpine-39-image.json");

        assertThat(scans).singleElement().satisfies(scan -> {
            assertThat(scan.getCategory()).isEqualTo(ScanCategory.CONTAINER);
            assertThat(scan.getSourceEventId()).isEqualTo("017b7d41-e09f-7000-80ea-000000000001");
            assertThat(scan.getScannedAt())
                    .isEqualTo(java.time.Instant.parse("2021-08-25T12:20:30.000000005Z")
                            .truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        });
        var all = findings(scans);
        assertThat(all.stream().collect(Collectors.groupingBy(Finding::getSeverity, Collectors.counting())))
                .containsExactlyInAnyOrderEntriesOf(Map.of(Severity.CRITICAL, 2L, Severity.MEDIUM, 4L));
        assertThat(all)
                .filteredOn(f -> f.getPackageName().equals("musl"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.getRuleId()).isEqualTo("CVE-2019-14697");
                    assertThat(f.getCvssScore()).isEqualTo(new BigDecimal("9.8"));
                    assertThat(f.getPackageVersion()).isEqualTo("1.1.20-r4");
                    assertThat(f.getFixedVersion()).isEqualTo("1.1.20-r5");
                    assertThat(f.getAttributes()).containsEntry(Attributes.FINDING_FIX_AVAILABLE, "true");
                });
        // The same CVE in two packages is two findings.
        assertThat(all)
                .filteredOn(f -> f.getRuleId().equals("CVE-2019-1549"))
                .extracting(Finding::getFingerprint)
                .doesNotHaveDuplicates()
                .hasSize(2);
    }

    @Test
    void shouldTakeTheArtifactDigestFromTrivyRepoDigests() throws Exception {
        ObjectNode report = (ObjectNode) Json.mapper().readTree(bytes("trivy/alpine-39-image.json"));
        report.withObjectProperty("Metadata")
                .putArray("RepoDigests")
                .add(
                        "ghcr.io/aquasecurity/trivy-test-images@sha256:e7c96db7181be991f19a9fb6975cdbbd73c65f4a2681348e63a141a2192a5f10");

        var scan = run(
                        trivy,
                        input(
                                "application/json",
                                ScanSamples.REPO,
                                Json.mapper().writeValueAsBytes(report)))
                .get(0);

        assertThat(scan.getSubject().getArtifactDigest())
                .isEqualTo("sha256:e7c96db7181be991f19a9fb6975cdbbd73c65f4a2681348e63a141a2192a5f10");
        assertThat(scan.getSubject().getArtifactName()).isEqualTo("ghcr.io/aquasecurity/trivy-test-images");
    }

    @Test
    void shouldReadTrivyFilesystemVulnerabilitiesAsSca() throws Exception {
        assertThat(findings(run(trivy, "trivy/composer-vendor-fs.json")))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.getRuleId()).isEqualTo("CVE-2022-24775");
                    assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
                    assertThat(f.getCvssScore()).isEqualTo(new BigDecimal("7.5"));
                    assertThat(f.getPackageName()).isEqualTo("guzzlehttp/psr7");
                    assertThat(f.getFixedVersion()).isEqualTo("1.8.4");
                    assertThat(f.getLocation()).isEqualTo("installed.json");
                });
        assertThat(run(trivy, "trivy/composer-vendor-fs.json"))
                .singleElement()
                .extracting(ScanResult::getCategory)
                .isEqualTo(ScanCategory.SCA);
    }

    @Test
    void shouldHashTrivySecretMatchesAndCodeLines() throws Exception {
        var received = ScanSamples.input("trivy/secrets-repo.json", ScanSamples.REPO);
        assertThat(new String(received.body(), StandardCharsets.UTF_8)).contains("export AWS_ACCESS_KEY_ID=");

        var kept = trivy.redact(received);
        var scans = run(trivy, kept);

        assertThat(new String(kept.body(), StandardCharsets.UTF_8)).doesNotContain("AWS_ACCESS_KEY_ID=");
        assertThat(scans).singleElement().extracting(ScanResult::getCategory).isEqualTo(ScanCategory.SECRET);
        assertThat(findings(scans))
                .extracting(Finding::getRuleId, Finding::getSeverity, Finding::getLocation)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("aws-access-key-id", Severity.CRITICAL, "deploy.sh:3"),
                        org.assertj.core.groups.Tuple.tuple("mysecret", Severity.HIGH, "deploy.sh:7"));
    }

    @Test
    void shouldReadTrivyMisconfigurationsAsIacWithTheirStatus() throws Exception {
        String report = """
                {"SchemaVersion":2,"ArtifactName":".","ArtifactType":"filesystem","Results":[
                 {"Target":"Dockerfile","Class":"config","Type":"dockerfile","Misconfigurations":[
                  {"Type":"Dockerfile Security Check","ID":"DS002","AVDID":"AVD-DS-0002","Title":"Image user should not be 'root'",
                   "Severity":"HIGH","Status":"FAIL","CauseMetadata":{"Provider":"Dockerfile","Service":"general","StartLine":1,"EndLine":1}},
                  {"ID":"DS001","AVDID":"AVD-DS-0001","Title":"':latest' tag used","Severity":"MEDIUM","Status":"PASS"}]}]}""";

        var scans = run(trivy, input("application/json", ScanSamples.REPO, report.getBytes(StandardCharsets.UTF_8)));

        assertThat(scans).singleElement().extracting(ScanResult::getCategory).isEqualTo(ScanCategory.IAC);
        assertThat(findings(scans))
                .satisfiesExactly(
                        f -> {
                            assertThat(f.getRuleId()).isEqualTo("DS002");
                            assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
                            assertThat(f.getState()).isEqualTo(FindingState.OPEN);
                            assertThat(f.getAttributes()).containsEntry(Attributes.FINDING_STATUS, "FAIL");
                            assertThat(f.getLocation()).isEqualTo("Dockerfile:1");
                        },
                        f -> {
                            assertThat(f.getRuleId()).isEqualTo("DS001");
                            assertThat(f.getState()).isEqualTo(FindingState.RESOLVED);
                            assertThat(f.getAttributes()).containsEntry(Attributes.FINDING_STATUS, "PASS");
                        });
    }

    @Test
    void shouldReadGrypeMatchesWithTheRepoDigestAndFixState() throws Exception {
        var scans = run(grype, "grype/busybox-1.32.1-image.json");

        assertThat(scans).singleElement().satisfies(scan -> {
            assertThat(scan.getCategory()).isEqualTo(ScanCategory.CONTAINER);
            assertThat(scan.getTool().getVersion()).isEqualTo("0.94.0");
            assertThat(scan.getSubject().getArtifactDigest())
                    .isEqualTo("sha256:ae39a6f5c07297d7ab64dbd4f82c77c874cc6a94cea29fdec309d0992574b4f7");
            assertThat(scan.getSubject().getArtifactName()).isEqualTo("busybox:1.32.1");
        });
        var all = findings(scans);
        assertThat(all.stream().collect(Collectors.groupingBy(Finding::getSeverity, Collectors.counting())))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(Severity.CRITICAL, 1L, Severity.HIGH, 10L, Severity.MEDIUM, 2L, Severity.LOW, 2L));
        assertThat(all)
                .filteredOn(f -> f.getRuleId().equals("CVE-2022-48174"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.getCvssScore()).isEqualTo(new BigDecimal("9.8"));
                    assertThat(f.getToolSeverity()).isEqualTo("Critical");
                });
        assertThat(all)
                .filteredOn(f -> f.getRuleId().equals("CVE-2021-42376"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.getFixedVersion()).isEqualTo("1.34.0");
                    assertThat(f.getAttributes()).containsEntry(Attributes.FINDING_FIX_AVAILABLE, "true");
                });
    }

    @Test
    void shouldKeepOneOsvFindingPerAliasGroupWithTheFixedVersion() throws Exception {
        var all = findings(run(osv, "osv/npm-package-lock.json"));

        assertThat(all).hasSize(6);
        assertThat(all.get(0)).satisfies(f -> {
            assertThat(f.getRuleId()).isEqualTo("GHSA-3v6h-hqm4-2rg6");
            assertThat(f.getAliases()).containsExactly("CVE-2018-1002204");
            assertThat(f.getCvssScore()).isEqualTo(new BigDecimal("5.5"));
            assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.getToolSeverity()).isEqualTo("MODERATE");
            assertThat(f.getPackageName()).isEqualTo("adm-zip");
            assertThat(f.getPackageVersion()).isEqualTo("0.4.4");
            assertThat(f.getFixedVersion()).isEqualTo("0.4.11");
            assertThat(f.getLocation()).isEqualTo("testdata/javascript/package-lock.json");
        });
        assertThat(all)
                .filteredOn(f -> f.getPackageName().equals("babel-traverse"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.getSeverity()).isEqualTo(Severity.CRITICAL);
                    assertThat(f.getCvssScore()).isEqualTo(new BigDecimal("9.3"));
                    assertThat(f.getFixedVersion()).isNull();
                });
    }

    @Test
    void shouldGiveTheSameFingerprintToTheSameCveWhicheverToolReportsIt() {
        var ghsa = new FindingDraft("GHSA-3v6h-hqm4-2rg6").alias("CVE-2018-1002204");
        ghsa.packageName = "adm-zip";
        var cve = new FindingDraft("CVE-2018-1002204");
        cve.packageName = "ADM-ZIP";
        cve.packageVersion = "0.4.7";

        assertThat(ghsa.toFinding(ScanCategory.SCA).getFingerprint())
                .isEqualTo(cve.toFinding(ScanCategory.SCA).getFingerprint());
    }

    @Test
    void shouldReadSemgrepSeverityLabels() throws Exception {
        var scans = run(semgrep, "semgrep/one_finding.json");

        assertThat(scans).singleElement().extracting(ScanResult::getCategory).isEqualTo(ScanCategory.SAST);
        assertThat(findings(scans)).singleElement().satisfies(f -> {
            assertThat(f.getRuleId()).isEqualTo("java.lang.security.audit.cbc-padding-oracle.cbc-padding-oracle");
            assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.getToolSeverity()).isEqualTo("WARNING");
            assertThat(f.getLocation())
                    .isEqualTo("src/main/java/org/owasp/benchmark/testcode/BenchmarkTest02194.java:64");
        });
        assertThat(Severities.semgrep("ERROR")).isEqualTo(Severity.HIGH);
        assertThat(Severities.semgrep("INFO")).isEqualTo(Severity.LOW);
    }

    @Test
    void shouldMarkASemgrepScanWithErrorsIncompleteButKeepItsFindings() throws Exception {
        ObjectNode report = (ObjectNode) Json.mapper().readTree(bytes("semgrep/one_finding.json"));
        report.putArray("errors").addObject().put("level", "error").put("message", "Syntax error in Foo.java");

        var scan = run(
                        semgrep,
                        input(
                                "application/json",
                                ScanSamples.REPO,
                                Json.mapper().writeValueAsBytes(report)))
                .get(0);

        assertThat(scan.getComplete()).isFalse();
        assertThat(scan.getFindings()).hasSize(1);
    }

    @Test
    void shouldRefuseAGrypeReportWithoutMatchesWithItsPointer() {
        byte[] body =
                "{\"descriptor\":{\"name\":\"grype\"},\"source\":{},\"matches\":{}}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> grype.normalize(input("application/json", ScanSamples.REPO, body)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.pointer())
                        .isEqualTo("/matches"));
    }
}
