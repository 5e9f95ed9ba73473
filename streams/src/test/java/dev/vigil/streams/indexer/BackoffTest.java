package dev.vigil.streams.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void shouldDoubleFromOneHundredMillisecondsUpToThirtySecondsAndResetOnSuccess() {
        Backoff backoff = new Backoff(AuditIndexer.INITIAL_BACKOFF, AuditIndexer.MAX_BACKOFF);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            delays.add(backoff.next().toMillis());
        }

        assertThat(delays)
                .containsExactly(
                        100L, 200L, 400L, 800L, 1_600L, 3_200L, 6_400L, 12_800L, 25_600L, 30_000L, 30_000L, 30_000L);
        assertThat(backoff.failures()).isEqualTo(12);

        backoff.reset();

        assertThat(backoff.failures()).isZero();
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
    }
}
