package dev.vigil.trail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;

class AuditIndexTest {

    private final AuditIndex index = new AuditIndex("acme-");

    @Test
    void shouldNameTheMonthlyIndexAfterTheUtcMonthOfTheChainedTime() {
        assertThat(index.indexFor(Instant.parse("2026-03-31T23:59:59.999Z"))).isEqualTo("acme-vigil-audit-v2-2026.03");
        assertThat(index.indexFor(Instant.parse("2026-04-01T00:00:00Z"))).isEqualTo("acme-vigil-audit-v2-2026.04");
        assertThat(index.indexFor(Instant.parse("2026-12-31T23:30:00Z"))).isEqualTo("acme-vigil-audit-v2-2026.12");
        assertThat(index.indexPattern()).isEqualTo("acme-vigil-audit-v2-*");
        assertThat(index.alias()).isEqualTo("acme-vigil-audit");
    }

    @Test
    void shouldChooseTheMonthFromEventIngestedNotTheEventTime() {
        AuditDocument doc = new AuditDocument(
                "2024-01-05T10:00:00Z",
                "acme",
                "shop",
                new AuditDocument.Chain("acme/shop", 1, AuditChain.GENESIS_HASH, "h", 1),
                new AuditDocument.Event(
                        "id", "INPUT", "pipeline.BUILD_FINISHED", "t", "s", "e", "2026-05-02T00:00:00.000Z", null),
                null,
                null,
                "m",
                null,
                null,
                null,
                null,
                null);

        assertThat(index.indexFor(doc)).isEqualTo("acme-vigil-audit-v2-2026.05");
    }

    @Test
    void shouldReadTheMonthBackOnlyFromMonthlyIndexNames() {
        assertThat(index.monthOf("acme-vigil-audit-v2-2026.03")).contains(YearMonth.of(2026, 3));
        assertThat(index.monthOf("acme-vigil-audit-v2-000001")).isEmpty();
        assertThat(index.monthOf("acme-vigil-audit-v2-2026.13")).isEmpty();
        assertThat(index.monthOf("globex-vigil-audit-v2-2026.03")).isEmpty();
    }
}
