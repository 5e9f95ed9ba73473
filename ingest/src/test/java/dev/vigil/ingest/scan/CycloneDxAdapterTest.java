package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanSamples.findings;
import static dev.vigil.ingest.scan.ScanSamples.input;
import static dev.vigil.ingest.scan.ScanSamples.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.FindingState;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.Severity;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CycloneDxAdapterTest {

    final ScanAdapter adapter = ScanSamples.adapter(ScanFormat.CYCLONEDX);

    @Test
    void shouldMapVexAnalysisStatesAndKeepThemAsAttributes() throws Exception {
        var all = findings(run(adapter, "cyclonedx/vex-cisa-case-3.json"));

        assertThat(all).hasSize(19);
        Map<FindingState, Long> byState =
                all.stream().collect(Collectors.groupingBy(Finding::getState, Collectors.counting()));
        assertThat(byState)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(FindingState.OPEN, 10L, FindingState.NOT_AFFECTED, 6L, FindingState.RESOLVED, 3L));
        assertThat(all)
                .filteredOn(f -> f.getRuleId().equals("CVE-2020-11897"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.getState()).isEqualTo(FindingState.NOT_AFFECTED);
                    assertThat(f.getAttributes())
                            .containsEntry(Attributes.VEX_STATE, "not_affected")
                            .containsEntry(Attributes.VEX_JUSTIFICATION, "code_not_present");
                });
        assertThat(all)
                .filteredOn(f -> f.getRuleId().equals("CVE-2020-11896"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.getSeverity()).isEqualTo(Severity.CRITICAL);
                    assertThat(f.getCvssScore()).isEqualTo(new BigDecimal("10.0"));
                    assertThat(f.getAttributes()).containsEntry(Attributes.VEX_STATE, "in_triage");
                    assertThat(f.getPackageName()).isEqualTo("GHI");
                    assertThat(f.getPackageVersion()).isEqualTo("17.4");
                });
    }

    @Test
    void shouldPreferTheCvssV31RatingAndReadTheFixFromTheRecommendation() throws Exception {
        var scans = run(adapter, "cyclonedx/trivy-npm-1.7.cdx.json");

        assertThat(scans).singleElement().satisfies(scan -> {
            assertThat(scan.getCategory()).isEqualTo(ScanCategory.SCA);
            assertThat(scan.getTool().getName()).isEqualTo("trivy");
            assertThat(scan.getSourceEventId()).isEqualTo("urn:uuid:3ff14136-e09f-4df9-80ea-000000000015/1");
        });
        assertThat(findings(scans)).singleElement().satisfies(f -> {
            assertThat(f.getRuleId()).isEqualTo("CVE-2019-11358");
            assertThat(f.getCvssScore()).isEqualTo(new BigDecimal("6.1"));
            assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.getPackageName()).isEqualTo("jquery");
            assertThat(f.getPackageVersion()).isEqualTo("3.3.9");
            assertThat(f.getFixedVersion()).isEqualTo("3.4.0");
            assertThat(f.getAttributes()).containsEntry(Attributes.FINDING_FIX_AVAILABLE, "true");
        });
    }

    @Test
    void shouldRecordAnSbomWithoutVulnerabilitiesAsACleanScan() throws Exception {
        var scans = run(adapter, "cyclonedx/laravel-7.12.0.bom.1.4.json");

        assertThat(scans).singleElement().satisfies(scan -> {
            assertThat(scan.getFindingCount()).isZero();
            assertThat(scan.getFindings()).isEmpty();
            assertThat(scan.getPartCount()).isEqualTo(1);
        });
    }

    @Test
    void shouldRefuseAnUnsupportedSpecVersionWithItsPointer() {
        byte[] body = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.2\",\"vulnerabilities\":[]}"
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> adapter.normalize(input("application/vnd.cyclonedx+json", ScanSamples.REPO, body)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.pointer())
                        .isEqualTo("/specVersion"));
    }
}
