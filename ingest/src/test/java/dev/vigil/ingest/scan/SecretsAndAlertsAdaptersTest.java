package dev.vigil.ingest.scan;

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
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** gitleaks, Wazuh and OCSF (Prowler). */
class SecretsAndAlertsAdaptersTest {

    final ScanAdapter gitleaks = ScanSamples.adapter(ScanFormat.GITLEAKS);
    final ScanAdapter wazuh = ScanSamples.adapter(ScanFormat.WAZUH);
    final ScanAdapter ocsf = ScanSamples.adapter(ScanFormat.OCSF);

    @Test
    void shouldNeverLetAGitleaksSecretOutOfIngest() throws Exception {
        RawInput received = ScanSamples.input("gitleaks/gitleaks8_many.json", ScanSamples.REPO);
        String body = new String(received.body(), StandardCharsets.UTF_8);
        assertThat(body).contains("secretAWSsecret");

        RawInput kept = gitleaks.redact(received);
        var scans = run(gitleaks, kept);

        assertThat(new String(kept.body(), StandardCharsets.UTF_8))
                .doesNotContain("secretAWSsecret")
                .contains("sha256-hmac:");
        AvroSerde<ScanResult> serde = AvroSerde.of(ScanResult.class);
        for (ScanResult scan : scans) {
            assertThat(new String(serde.encode(scan), StandardCharsets.ISO_8859_1))
                    .doesNotContain("secretAWSsecret");
            assertThat(scan.toString()).doesNotContain("secretAWSsecret");
            assertThat(scan.getEvidenceSha256()).isEqualTo(kept.evidenceSha256());
        }
        assertThat(findings(scans))
                .filteredOn(f -> f.getRuleId().equals("aws-access-token"))
                .hasSize(2)
                .allSatisfy(f -> assertThat(f.getAttributes())
                        .containsEntry(Attributes.SECRET_HASH, ScanSamples.HASHER.hash("secretAWSsecret")));
    }

    @Test
    void shouldRateEveryGitleaksFindingHighAndDedupTheSameSecretAcrossCommits() throws Exception {
        var scans = run(gitleaks, "gitleaks/gitleaks8_many.json");

        assertThat(scans).singleElement().extracting(ScanResult::getCategory).isEqualTo(ScanCategory.SECRET);
        var all = findings(scans);
        assertThat(all).hasSize(4).allSatisfy(f -> {
            assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(f.getToolSeverity()).isNull();
        });
        var aws = all.stream()
                .filter(f -> f.getRuleId().equals("aws-access-token"))
                .toList();
        assertThat(aws)
                .extracting(f -> f.getAttributes().get(Attributes.SECRET_COMMIT))
                .containsExactly(
                        "74d53286c550630f80847d37f68aa3065554ac813544072ccd1278da71fafe31",
                        "9619c91b3fd2998be5d9ce198833d7ac9489d9bc378ad7cd28963d5a967f8699");
        assertThat(aws.get(0).getFingerprint()).isEqualTo(aws.get(1).getFingerprint());
    }

    @Test
    void shouldHashTheSameSecretDifferentlyUnderAnotherKey() {
        var other = new SecretHasher("another-key-0123456789".getBytes(StandardCharsets.UTF_8));

        assertThat(ScanSamples.HASHER.hash("secretAWSsecret"))
                .startsWith("sha256-hmac:")
                .hasSize("sha256-hmac:".length() + 64)
                .isEqualTo(ScanSamples.HASHER.hash("secretAWSsecret"))
                .isNotEqualTo(other.hash("secretAWSsecret"));
    }

    @Test
    void shouldReadAWazuhAlertAsAnIdsFindingOfTheNamedService() throws Exception {
        var scans = run(wazuh, input("wazuh/alert-5712-sshd-bruteforce.json", Map.of("service", "payments-api")));

        assertThat(scans).singleElement().satisfies(scan -> {
            assertThat(scan.getCategory()).isEqualTo(ScanCategory.IDS);
            assertThat(scan.getScope()).isEqualTo("payments-api");
            assertThat(scan.getSubject().getService()).isEqualTo("payments-api");
            assertThat(scan.getSourceEventId()).isEqualTo("localhost.localdomain/1652272159.1549653");
            assertThat(scan.getScannedAt()).isEqualTo(java.time.Instant.parse("2022-05-11T12:29:19.905Z"));
        });
        assertThat(findings(scans)).singleElement().satisfies(f -> {
            assertThat(f.getRuleId()).isEqualTo("5712");
            assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.getToolSeverity()).isEqualTo("level 10");
            assertThat(f.getAttributes())
                    .containsEntry(Attributes.IDS_RULE_LEVEL, "10")
                    .containsEntry(Attributes.IDS_TSC, "CC6.1,CC6.8,CC7.2,CC7.3")
                    .containsEntry(Attributes.IDS_GDPR, "IV_35.7.d,IV_32.2")
                    .containsEntry(Attributes.IDS_AGENT, "localhost.localdomain");
        });
    }

    @Test
    void shouldReadAlertsJsonLinesAsOneReport() throws Exception {
        String line =
                new String(ScanSamples.bytes("wazuh/alert-5712-sshd-bruteforce.json"), StandardCharsets.UTF_8).strip();
        String second =
                line.replace("\"level\":10", "\"level\":12").replace("1652272159.1549653", "1652272160.1550000");
        byte[] body = (line + "\n" + second + "\n").getBytes(StandardCharsets.UTF_8);

        var scans = run(wazuh, input("application/x-ndjson", Map.of("service", "payments-api"), body));

        assertThat(findings(scans)).extracting(Finding::getSeverity).containsExactly(Severity.MEDIUM, Severity.HIGH);
        assertThat(findings(scans)).extracting(Finding::getFingerprint).doesNotHaveDuplicates();
    }

    @Test
    void shouldRefuseAWazuhAlertWithoutServiceOrRepository() {
        assertThatThrownBy(() -> run(wazuh, input("wazuh/alert-5712-sshd-bruteforce.json", Map.of())))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(422);
                    assertThat(e.problem().type()).endsWith("/missing-context");
                    assertThat(e.problem().detail()).contains("repository").contains("service");
                });
    }

    @Test
    void shouldRefuseAnAlertWithoutRuleLevelWithItsPointer() {
        byte[] body =
                "{\"timestamp\":\"2022-05-11T12:29:19.905+0000\",\"rule\":{\"id\":\"5712\"},\"agent\":{\"id\":\"000\"}}"
                        .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> run(wazuh, input("application/json", Map.of("service", "s"), body)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.pointer())
                        .isEqualTo("/rule/level"));
    }

    @Test
    void shouldReadProwlerOcsfFindingsAsCloudFindingsOfTheAccount() throws Exception {
        var scans = run(ocsf, input("ocsf/prowler-aws-synthetic.ocsf.json", Map.of()));

        assertThat(scans).singleElement().satisfies(scan -> {
            assertThat(scan.getCategory()).isEqualTo(ScanCategory.CLOUD);
            assertThat(scan.getScope()).isEqualTo("aws/123456789012");
            assertThat(scan.getTool().getName()).isEqualTo("Prowler");
            assertThat(scan.getTool().getVersion()).isEqualTo("5.4.0");
        });
        assertThat(findings(scans))
                .satisfiesExactly(
                        f -> {
                            assertThat(f.getRuleId()).isEqualTo("s3_bucket_default_encryption");
                            assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
                            assertThat(f.getState()).isEqualTo(FindingState.OPEN);
                            assertThat(f.getLocation()).isEqualTo("arn:aws:s3:::acme-customer-exports");
                            assertThat(f.getAttributes())
                                    .containsEntry(Attributes.FINDING_STATUS, "FAIL")
                                    .containsEntry(Attributes.CLOUD_RESOURCE, "arn:aws:s3:::acme-customer-exports")
                                    .containsEntry(
                                            Attributes.CLOUD_COMPLIANCE, "CIS-2.0:2.1.1,GDPR:article_32,SOC2:cc_6_1");
                        },
                        f -> {
                            assertThat(f.getRuleId()).isEqualTo("rds_instance_storage_encrypted");
                            assertThat(f.getState()).isEqualTo(FindingState.RESOLVED);
                            assertThat(f.getAttributes()).containsEntry(Attributes.FINDING_STATUS, "PASS");
                        },
                        f -> {
                            assertThat(f.getRuleId()).isEqualTo("iam_no_root_access_key");
                            assertThat(f.getSeverity()).isEqualTo(Severity.CRITICAL);
                        });
    }
}
