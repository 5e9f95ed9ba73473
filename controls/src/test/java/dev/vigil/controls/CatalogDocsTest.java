package dev.vigil.controls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogDocsTest {

    static final Path README = Path.of("../README.md");

    @Test
    void shouldKeepTheReadmeControlsSectionInStepWithTheCatalog() throws IOException {
        String generated = CatalogDocs.render(ControlCatalog.builtIn());
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        if (Boolean.getBoolean("vigil.regenerate")) {
            Files.writeString(README, CatalogDocs.replaceSection(readme, generated), StandardCharsets.UTF_8);
            readme = Files.readString(README, StandardCharsets.UTF_8);
        }
        assertThat(CatalogDocs.currentSection(readme))
                .as("README.md's controls section is stale. Regenerate it with: ./mvnw -B -ntp -pl controls -am test"
                        + " -Dquick -Dtest=CatalogDocsTest -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.regenerate=true"
                        + " (or run dev.vigil.controls.CatalogDocs with README.md as argument)")
                .isEqualTo(generated);
    }

    @Test
    void shouldListEveryControlWithItsMappings() {
        String generated = CatalogDocs.render(ControlCatalog.builtIn());
        assertThat(generated)
                .contains(
                        "| CM-01 | Independent review before merge | CC8.1 | Art. 25, Art. 32 | HIGH | CHANGE_MERGED |")
                .contains("| VM-06 | Vulnerability remediation SLA | CC7.1, CC7.4, CC3.2 | Art. 32 | HIGH |")
                .contains("sla={CRITICAL: 360h, HIGH: 720h}")
                .contains("| IR-03 | Personal-data breach notified within 72 h |  | Art. 33, Art. 34 |"
                        .replace("|  |", "| CC7.4 |"));
        assertThat(generated.lines().filter(l -> l.matches("\\| [A-Z]+-\\d+ \\|.*")))
                .hasSize(25);
    }

    @Test
    void shouldShowAnExampleThatLoads(@TempDir Path dir) throws IOException {
        Path example = dir.resolve("acme-controls.yaml");
        Files.writeString(example, CatalogDocs.EXAMPLE);
        ControlCatalog catalog = ControlCatalog.load(List.of(example));
        assertThat(catalog.controls())
                .extracting(Control::id)
                .contains("ACME-01")
                .doesNotContain("CM-06");
    }
}
