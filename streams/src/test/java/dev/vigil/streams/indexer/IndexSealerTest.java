package dev.vigil.streams.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.trail.AuditIndex;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexSealerTest {

    private static final Duration WEEK = Duration.ofDays(7);
    private final AuditIndex index = new AuditIndex("p-");

    @Test
    void shouldSealAMonthOnlyOnceItEndedMoreThanTheGracePeriodAgo() {
        YearMonth january = YearMonth.of(2026, 1);

        assertThat(IndexSealer.due(january, Instant.parse("2026-01-31T23:59:59Z"), WEEK))
                .isFalse();
        assertThat(IndexSealer.due(january, Instant.parse("2026-02-08T00:00:00Z"), WEEK))
                .isFalse();
        assertThat(IndexSealer.due(january, Instant.parse("2026-02-08T00:00:00.001Z"), WEEK))
                .isTrue();
        assertThat(IndexSealer.due(january, Instant.parse("2026-02-01T00:00:01Z"), Duration.ZERO))
                .isTrue();
    }

    @Test
    void shouldPickOnlyDueMonthlyTrailIndicesAndLeaveOthersAlone() {
        List<String> names = List.of(
                "p-vigil-audit-v2-2025.12",
                "p-vigil-audit-v2-2026.01",
                "p-vigil-audit-v2-2026.02",
                "p-vigil-audit-v2-000001",
                "p-vigil-audit-v2-2026.13",
                "other-vigil-audit-v2-2025.01");

        List<String> due = IndexSealer.dueIndices(index, names, Instant.parse("2026-02-10T00:00:00Z"), WEEK);

        assertThat(due).containsExactly("p-vigil-audit-v2-2025.12", "p-vigil-audit-v2-2026.01");
    }

    @Test
    void shouldSealNothingWithinTheGracePeriodOfTheMonthJustEnded() {
        List<String> names = List.of("p-vigil-audit-v2-2026.01", "p-vigil-audit-v2-2026.02");

        assertThat(IndexSealer.dueIndices(index, names, Instant.parse("2026-02-05T00:00:00Z"), WEEK))
                .isEmpty();
    }
}
