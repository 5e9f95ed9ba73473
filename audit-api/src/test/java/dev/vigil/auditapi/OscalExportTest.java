package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class OscalExportTest {

    @Test
    void shouldDeriveStableVersionFiveUuidsThatOscalAccepts() {
        UUID a = OscalExport.nameUuid("record\nacme/shop\n4\nabc");
        UUID again = OscalExport.nameUuid("record\nacme/shop\n4\nabc");
        UUID other = OscalExport.nameUuid("record\nacme/shop\n5\nabc");

        assertThat(a).isEqualTo(again).isNotEqualTo(other);
        assertThat(a.version()).isEqualTo(5);
        assertThat(a.variant()).isEqualTo(2);
        // the uuid pattern of the OSCAL 1.1.2 JSON schema
        assertThat(a.toString())
                .matches("^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$");
    }
}
