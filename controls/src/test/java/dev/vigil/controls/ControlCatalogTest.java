package dev.vigil.controls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlCatalogTest {

    @TempDir
    Path dir;

    private Path file(String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    private static final String VALID_CUSTOM = """
            controls:
              - id: ACME-01
                title: Releases carry a change ticket
                rationale: Every production deployment names its change ticket.
                requirements: [SOC2:CC8.1]
                severity: LOW
                appliesTo: [SERVICE_DEPLOYED]
                parameters:
                  ticketPrefix: "CHG-"
                subjectKey: "'deploy:' + event.id"
                condition: "event.attributes['deploy.task'].startsWith(params.ticketPrefix)"
            """;

    @Test
    void shouldLoadAllTwentyFiveBuiltInControlsWithAVersionHash() {
        ControlCatalog catalog = ControlCatalog.builtIn();
        assertThat(catalog.controls())
                .extracting(Control::id)
                .containsExactly(
                        "CM-01", "CM-02", "CM-03", "CM-04", "CM-05", "CM-06", "CM-07", "CM-08", "DP-01", "DP-02",
                        "IR-01", "IR-02", "IR-03", "SC-01", "SC-02", "SC-03", "SEC-01", "SEC-02", "VM-01", "VM-02",
                        "VM-03", "VM-04", "VM-05", "VM-06", "VM-07");
        assertThat(catalog.version()).matches("2026\\.11\\+[0-9a-f]{12}");
        assertThat(ControlCatalog.builtIn().version()).isEqualTo(catalog.version());
        assertThat(catalog.controls().getFirst().source())
                .isEqualTo("dev/vigil/controls/catalog/change-management.yaml:4");
    }

    @Test
    void shouldAddAUserControlAndChangeTheVersion() throws IOException {
        ControlCatalog catalog = ControlCatalog.load(List.of(file("acme.yaml", VALID_CUSTOM)));
        assertThat(catalog.controls())
                .extracting(Control::id)
                .contains("ACME-01")
                .hasSize(26);
        assertThat(catalog.version())
                .isNotEqualTo(ControlCatalog.builtIn().version())
                .startsWith("2026.11+");
    }

    @Test
    void shouldOverrideParametersAndDisableBuiltIns() throws IOException {
        Path user = file("overrides.yaml", """
                controls:
                  - id: VM-06
                    parameters:
                      sla: {CRITICAL: 168h, HIGH: 720h}
                    severity: CRITICAL
                  - id: CM-06
                    disabled: true
                """);
        ControlCatalog catalog = ControlCatalog.load(List.of(user));
        Control vm06 = catalog.controls().stream()
                .filter(c -> c.id().equals("VM-06"))
                .findFirst()
                .orElseThrow();
        assertThat(vm06.parameters().get("sla")).isEqualTo(java.util.Map.of("CRITICAL", "168h", "HIGH", "720h"));
        assertThat(vm06.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(vm06.source()).endsWith("overrides.yaml:2");
        assertThat(catalog.controls())
                .extracting(Control::id)
                .doesNotContain("CM-06")
                .hasSize(24);
        assertThat(catalog.version()).isNotEqualTo(ControlCatalog.builtIn().version());
    }

    @Test
    void shouldRefuseYamlSyntaxErrorsWithTheLine() throws IOException {
        Path bad = file("syntax.yaml", """
                controls:
                  - id: ACME-01
                    title: "unterminated
                    severity: LOW
                """);
        assertThatThrownBy(() -> ControlCatalog.load(List.of(bad)))
                .isInstanceOfSatisfying(CatalogException.class, e -> {
                    assertThat(e.file()).isEqualTo(bad.toString());
                    assertThat(e.line()).isBetween(3, 5);
                    assertThat(e.getMessage()).startsWith(bad + ":" + e.line() + ": ");
                });
    }

    @Test
    void shouldRefuseAnUnknownFieldWithItsLine() throws IOException {
        Path bad = file(
                "unknown.yaml", VALID_CUSTOM.replace("    severity: LOW\n", "    severity: LOW\n    owner: team-a\n"));
        assertThatThrownBy(() -> ControlCatalog.load(List.of(bad)))
                .isInstanceOfSatisfying(CatalogException.class, e -> {
                    assertThat(e.line()).isEqualTo(7);
                    assertThat(e.reason()).contains("owner");
                });
    }

    @Test
    void shouldRefuseAMissingFieldAtTheControlsLine() throws IOException {
        Path bad = file(
                "missing.yaml",
                VALID_CUSTOM.replace(
                        "    condition: \"event.attributes['deploy.task'].startsWith(params.ticketPrefix)\"\n", ""));
        assertThatThrownBy(() -> ControlCatalog.load(List.of(bad)))
                .isInstanceOfSatisfying(CatalogException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.reason()).isEqualTo("control ACME-01: missing field 'condition'");
                });
    }

    @Test
    void shouldRefuseCelThatDoesNotParse() throws IOException {
        Path bad = file(
                "cel.yaml",
                VALID_CUSTOM.replace("startsWith(params.ticketPrefix)\"", "startsWith(params.ticketPrefix\""));
        assertThatThrownBy(() -> ControlCatalog.load(List.of(bad)))
                .isInstanceOfSatisfying(CatalogException.class, e -> {
                    assertThat(e.line()).isEqualTo(11);
                    assertThat(e.reason()).startsWith("control ACME-01: condition does not compile:");
                });
    }

    @Test
    void shouldRefuseCelThatDoesNotTypeCheck() throws IOException {
        Path wrongType = file(
                "type.yaml",
                VALID_CUSTOM.replace(
                        "\"event.attributes['deploy.task'].startsWith(params.ticketPrefix)\"", "\"1 + 2\""));
        assertThatThrownBy(() -> ControlCatalog.load(List.of(wrongType)))
                .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.reason())
                        .startsWith("control ACME-01: condition does not compile:")
                        .contains("int"));
        Path undeclared = file("undeclared.yaml", VALID_CUSTOM.replace("event.attributes", "evnt.attributes"));
        assertThatThrownBy(() -> ControlCatalog.load(List.of(undeclared)))
                .isInstanceOfSatisfying(
                        CatalogException.class, e -> assertThat(e.reason()).contains("undeclared reference to 'evnt'"));
    }

    @Test
    void shouldRefuseAMisspeltFieldOfAView() throws IOException {
        Path bad = file(
                "field.yaml",
                VALID_CUSTOM.replace("event.attributes['deploy.task']", "event.atributes['deploy.task']"));
        assertThatThrownBy(() -> ControlCatalog.load(List.of(bad)))
                .isInstanceOfSatisfying(CatalogException.class, e -> {
                    assertThat(e.line()).isEqualTo(11);
                    assertThat(e.reason()).startsWith("control ACME-01: condition: unknown field 'event.atributes'");
                });
        Path subject = file(
                "subject.yaml", VALID_CUSTOM.replace("\"'deploy:' + event.id\"", "\"'deploy:' + event.subject.env\""));
        assertThatThrownBy(() -> ControlCatalog.load(List.of(subject)))
                .isInstanceOfSatisfying(CatalogException.class, e -> {
                    assertThat(e.line()).isEqualTo(10);
                    assertThat(e.reason()).contains("unknown field 'event.subject.env'");
                });
    }

    @Test
    void shouldRefuseAnUnknownParameterReference() throws IOException {
        Path bad = file(
                "param.yaml", VALID_CUSTOM.replace("startsWith(params.ticketPrefix)", "startsWith(params.prefix)"));
        assertThatThrownBy(() -> ControlCatalog.load(List.of(bad)))
                .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.reason())
                        .isEqualTo("control ACME-01: condition: unknown parameter 'params.prefix'"));
    }

    @Test
    void shouldRefuseOverridingAParameterTheControlDoesNotHave() throws IOException {
        Path bad = file("override.yaml", """
                controls:
                  - id: IR-01
                    parameters:
                      ackWithinMinutes: 30
                """);
        assertThatThrownBy(() -> ControlCatalog.load(List.of(bad)))
                .isInstanceOfSatisfying(CatalogException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.reason()).startsWith("control IR-01: unknown parameter 'ackWithinMinutes'");
                });
    }

    @Test
    void shouldRefuseAnUnknownTriggerAndSeverity() throws IOException {
        Path trigger =
                file("trigger.yaml", VALID_CUSTOM.replace("[SERVICE_DEPLOYED]", "[SERVICE_DEPLOYED, scan:VIRUS]"));
        assertThatThrownBy(() -> ControlCatalog.load(List.of(trigger)))
                .isInstanceOfSatisfying(CatalogException.class, e -> {
                    assertThat(e.line()).isEqualTo(7);
                    assertThat(e.reason()).contains("scan:VIRUS");
                });
        Path severity = file("severity.yaml", VALID_CUSTOM.replace("severity: LOW", "severity: SEVERE"));
        assertThatThrownBy(() -> ControlCatalog.load(List.of(severity)))
                .isInstanceOfSatisfying(
                        CatalogException.class, e -> assertThat(e.reason()).contains("SEVERE"));
    }
}
