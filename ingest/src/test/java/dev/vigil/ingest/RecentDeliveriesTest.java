package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentDeliveriesTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2024-06-01T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final ManualClock clock = new ManualClock();

    @Test
    void shouldRememberADeliveryWithItsAnswerUntilItsTimeToLiveEnds() {
        RecentDeliveries recent = new RecentDeliveries(10, Duration.ofMinutes(5), clock);
        String key = RecentDeliveries.key("acme", List.of("id-1"));
        recent.remember(key, List.of(Map.of("id", "id-1")));

        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertThat(recent.find(key)).get().satisfies(a -> assertThat(a.records())
                .containsExactly(Map.of("id", "id-1")));
        clock.now = clock.now.plusSeconds(1);
        assertThat(recent.find(key)).isEmpty();
    }

    @Test
    void shouldForgetTheOldestDeliveriesBeyondItsSize() {
        RecentDeliveries recent = new RecentDeliveries(2, Duration.ofHours(1), clock);
        for (String id : List.of("a", "b", "c")) {
            recent.remember(RecentDeliveries.key("acme", List.of(id)), List.of(Map.of("id", id)));
        }

        assertThat(recent.size()).isEqualTo(2);
        assertThat(recent.find(RecentDeliveries.key("acme", List.of("a")))).isEmpty();
        assertThat(recent.find(RecentDeliveries.key("acme", List.of("c")))).isPresent();
    }

    @Test
    void shouldTellTenantsAndRecordListsApart() {
        RecentDeliveries recent = new RecentDeliveries(10, Duration.ofHours(1), clock);
        recent.remember(RecentDeliveries.key("acme", List.of("a", "b")), List.of());

        assertThat(recent.find(RecentDeliveries.key("globex", List.of("a", "b"))))
                .isEmpty();
        assertThat(recent.find(RecentDeliveries.key("acme", List.of("a")))).isEmpty();
        assertThat(recent.find(RecentDeliveries.key("acme", List.of("a", "b")))).isPresent();
    }

    @Test
    void shouldRememberNothingWhenSwitchedOff() {
        RecentDeliveries recent = new RecentDeliveries(0, Duration.ofHours(1), clock);
        recent.remember("k", List.of());

        assertThat(recent.find("k")).isEmpty();
    }
}
