package dev.vigil.controls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ControlCatalogTest {

    @Test
    void shouldLoadEveryBuiltInControl() {
        ControlCatalog catalog = ControlCatalog.builtIn();
        assertThat(catalog.controls()).extracting(Control::id).contains("CM-01", "IR-03");
        assertThat(catalog.version()).matches("2026\\.11\\+[0-9a-f]{12}");
    }
}
