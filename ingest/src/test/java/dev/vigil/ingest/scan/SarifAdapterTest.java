package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanSamples.bytes;
import static dev.vigil.ingest.scan.ScanSamples.findings;
import static dev.vigil.ingest.scan.ScanSamples.input;
import static dev.vigil.ingest.scan.ScanSamples.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.FindingState;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Severity;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SarifAdapterTest {

    final ScanAdapter adapter = ScanSamples.adapter(ScanFormat.SARIF);

    @Test
    void shouldReadCodeQlRulesFromExtensionsAndRateThemBySecuritySeverity() throws Exception {
        var scans = run(adapter, "sarif/codeql-2.19.3-python.sarif");

        assertThat(scans).singleElement().satisfies(scan -> {
            assertThat(scan.getCategory()).isEqualTo(ScanCategory.SAST);
            assertThat(scan.getFormat()).isEqualTo(InputFormat.SARIF);
            assertThat(scan.getTool().getName()).isEqualTo("CodeQL");
            assertThat(scan.getTool().getVersion()).isEqualTo("2.19.3");
            assertThat(scan.getScope()).isEqualTo("github.com/acme/shop");
            assertThat(scan.getFindingCount()).isEqualTo(2);
        });
        assertThat(findings(scans))
                .extracting(Finding::getRuleId, Finding::getSeverity, Finding::getToolSeverity, Finding::getLocation)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "py/sql-injection", Severity.HIGH, "security-severity 8.8", "server/routes.py:16"),
                        org.assertj.core.groups.Tuple.tuple(
                                "py/sql-injection", Severity.HIGH, "security-severity 8.8", "server/routes.py:22"));
    }

    @Test
    void shouldKeepTheFingerprintWhenCodeMovesButTheLineHashStays() throws Exception {
        byte[] original = bytes("sarif/codeql-2.19.3-python.sarif");
        byte[] moved = new String(original, StandardCharsets.UTF_8)
                .replace("\"startLine\":16,", "\"startLine\":31,")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(moved).isNotEqualTo(original);

        String before = findings(run(adapter, input("application/sarif+json", ScanSamples.REPO, original)))
                .get(0)
                .getFingerprint();
        Finding after = findings(run(adapter, input("application/sarif+json", ScanSamples.REPO, moved)))
                .get(0);

        assertThat(after.getLocation()).isEqualTo("server/routes.py:31");
        assertThat(after.getFingerprint()).isEqualTo(before).hasSize(64);
    }

    @Test
    void shouldTreatKicsResultsAsIacWithTheRuleDefaultLevel() throws Exception {
        var scans = run(adapter, "sarif/kics-2.1.8.sarif");

        assertThat(scans).singleElement().satisfies(scan -> {
            assertThat(scan.getCategory()).isEqualTo(ScanCategory.IAC);
            assertThat(scan.getTool().getVersion()).isEqualTo("v2.1.8");
        });
        assertThat(findings(scans)).singleElement().satisfies(f -> {
            assertThat(f.getRuleId()).isEqualTo("5864fb39-d719-4182-80e2-89dbe627be63");
            assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(f.getToolSeverity()).isEqualTo("default level error");
            assertThat(f.getAttributes()).containsEntry(Attributes.FINDING_STATUS, "FAIL");
            assertThat(f.getLocation()).isEqualTo("/code/KaiMonkey/cft/dms/replication-instance/deploy.yml:13");
        });
    }

    @Test
    void shouldCountSemgrepSarifResultsBySeverity() throws Exception {
        var scans = run(adapter, "sarif/semgrep-1.69.0-juice-shop.sarif");

        assertThat(scans).singleElement().satisfies(scan -> {
            assertThat(scan.getTool().getName()).isEqualTo("Semgrep OSS");
            assertThat(scan.getFindingCount()).isEqualTo(77);
        });
        Map<Severity, Long> bySeverity =
                findings(scans).stream().collect(Collectors.groupingBy(Finding::getSeverity, Collectors.counting()));
        assertThat(bySeverity.values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(77);
        assertThat(bySeverity).containsOnlyKeys(Severity.HIGH, Severity.MEDIUM);
        assertThat(findings(scans))
                .filteredOn(f -> f.getRuleId().endsWith("rule-hardcoded-jwt-secret"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
                    assertThat(f.getLocation()).isEqualTo("lib/insecurity.ts:56");
                });
    }

    @Test
    void shouldTakeCveResultsOfTrivySarifAsScaWithThePackageFromTheMessage() throws Exception {
        var scans = run(adapter, "sarif/trivy-alpine-310.sarif");

        assertThat(scans).singleElement().extracting(ScanResult::getCategory).isEqualTo(ScanCategory.SCA);
        assertThat(findings(scans))
                .hasSize(4)
                .allSatisfy(f -> {
                    assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
                    assertThat(f.getCvssScore()).isEqualTo(new BigDecimal("5.3"));
                    assertThat(f.getPackageVersion()).isEqualTo("1.1.1c-r0");
                    assertThat(f.getAttributes()).containsEntry(Attributes.FINDING_FIX_AVAILABLE, "true");
                })
                .extracting(Finding::getRuleId, Finding::getPackageName, Finding::getFixedVersion)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("CVE-2019-1549", "libcrypto1.1", "1.1.1d-r0"),
                        org.assertj.core.groups.Tuple.tuple("CVE-2019-1551", "libcrypto1.1", "1.1.1d-r2"),
                        org.assertj.core.groups.Tuple.tuple("CVE-2019-1549", "libssl1.1", "1.1.1d-r0"),
                        org.assertj.core.groups.Tuple.tuple("CVE-2019-1551", "libssl1.1", "1.1.1d-r2"));
        assertThat(findings(scans)).extracting(Finding::getFingerprint).doesNotHaveDuplicates();
        assertThat(findings(scans).get(0).getTitle()).isEqualTo("openssl: information disclosure in fork()");
    }

    @Test
    void shouldTakeRepositoryCommitAndBranchFromVersionControlProvenance() throws Exception {
        var scans = run(adapter, input("sarif-synthetic/gitleaks-provenance-suppressed.sarif", Map.of()));

        assertThat(scans).extracting(ScanResult::getCategory).containsExactly(ScanCategory.SAST, ScanCategory.SECRET);
        assertThat(scans).allSatisfy(scan -> {
            assertThat(scan.getScope()).isEqualTo("github.com/acme/shop");
            assertThat(scan.getSubject().getCommitSha()).isEqualTo("9f2c3a1b4d5e6f708192a3b4c5d6e7f8091a2b3c");
            assertThat(scan.getSubject().getBranch()).isEqualTo("main");
            assertThat(scan.getScannedAt()).isEqualTo(java.time.Instant.parse("2024-11-20T10:15:30Z"));
        });
    }

    @Test
    void shouldPreferSecuritySeverityOverResultLevelAndMarkAcceptedSuppressions() throws Exception {
        var byRule = findings(run(adapter, "sarif-synthetic/gitleaks-provenance-suppressed.sarif")).stream()
                .collect(Collectors.toMap(Finding::getRuleId, Function.identity()));

        // result.level says warning, the rule's security-severity 8.8 wins
        assertThat(byRule.get("java/sql-injection").getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(byRule.get("java/weak-hash")).satisfies(f -> {
            assertThat(f.getSeverity()).isEqualTo(Severity.LOW);
            assertThat(f.getToolSeverity()).isEqualTo("default level note");
            assertThat(f.getState()).isEqualTo(FindingState.SUPPRESSED);
            assertThat(f.getAttributes())
                    .containsEntry(Attributes.SUPPRESSION_KIND, "external")
                    .containsEntry(Attributes.SUPPRESSION_JUSTIFICATION, "checksum only, not a security boundary")
                    .containsEntry(Attributes.SUPPRESSION_APPROVER, "security-lead")
                    .containsEntry(Attributes.SUPPRESSION_EXPIRES_AT, "2025-02-01T00:00:00Z");
        });
        assertThat(byRule.get("java/sql-injection").getState()).isEqualTo(FindingState.OPEN);
    }

    @Test
    void shouldReplaceSecretSnippetsWithKeyedHashesBeforeAnythingIsKept() throws Exception {
        String secret = "sk_live_51HxAcmeTopSecretValue0000";
        RawInput received = input("sarif-synthetic/gitleaks-provenance-suppressed.sarif", Map.of());
        assertThat(new String(received.body(), StandardCharsets.UTF_8)).contains(secret);

        RawInput kept = adapter.redact(received);
        var scans = adapter.normalize(kept);

        assertThat(new String(kept.body(), StandardCharsets.UTF_8)).doesNotContain(secret);
        assertThat(kept.evidenceSha256()).isNotEqualTo(received.evidenceSha256());
        assertThat(scans).allSatisfy(n -> assertThat(n.toString()).doesNotContain(secret));
        Finding leak =
                findings(scans.stream()
                                .map(n -> ((dev.vigil.ingest.adapter.Normalized.Scan) n).scan())
                                .toList())
                        .stream()
                        .filter(f -> f.getRuleId().equals("generic-api-key"))
                        .findFirst()
                        .orElseThrow();
        assertThat(leak.getAttributes().get(Attributes.SECRET_HASH)).isEqualTo(ScanSamples.HASHER.hash(secret));
    }

    @Test
    void shouldMarkTheScanIncompleteWhenAnInvocationFailed() throws Exception {
        byte[] body = ("{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"CodeQL\"}},"
                        + "\"invocations\":[{\"executionSuccessful\":false,\"endTimeUtc\":\"2024-11-20T10:15:30Z\"}],"
                        + "\"results\":[]}]}")
                .getBytes(StandardCharsets.UTF_8);

        var scans = run(adapter, input("application/sarif+json", ScanSamples.REPO, body));

        assertThat(scans).singleElement().satisfies(scan -> {
            assertThat(scan.getComplete()).isFalse();
            assertThat(scan.getFindingCount()).isZero();
            assertThat(scan.getCategory()).isEqualTo(ScanCategory.SAST);
        });
    }

    @Test
    void shouldRefuseARunWithoutToolNameWithItsPointer() {
        byte[] body = "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{}},\"results\":[]}]}"
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> adapter.normalize(input("application/sarif+json", ScanSamples.REPO, body)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.pointer()).isEqualTo("/runs/0/tool/driver/name");
                    assertThat(e.problem().status()).isEqualTo(400);
                });
    }

    @Test
    void shouldRefuseAResultThatIsNotAnObjectWithItsPointer() {
        byte[] body =
                "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"x\"}},\"results\":[{\"ruleId\":\"a\"},42]}]}"
                        .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> adapter.normalize(input("application/sarif+json", ScanSamples.REPO, body)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.pointer())
                        .isEqualTo("/runs/0/results/1"));
    }
}
