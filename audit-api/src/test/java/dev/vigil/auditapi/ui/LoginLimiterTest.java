package dev.vigil.auditapi.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginLimiterTest {

    final UiSessionsTest.ManualClock clock = new UiSessionsTest.ManualClock();
    final LoginLimiter limiter = new LoginLimiter(clock, 3, Duration.ofMinutes(5), 100);

    @Test
    void shouldRefuseAnAddressAfterTooManyFailuresUntilTheWindowEnds() {
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.retryAfterSeconds("10.0.0.1")).isZero();
            limiter.recordFailure("10.0.0.1");
        }
        clock.now = clock.now.plusSeconds(60);

        assertThat(limiter.retryAfterSeconds("10.0.0.1")).isEqualTo(240);
        assertThat(limiter.retryAfterSeconds("10.0.0.2")).isZero();

        clock.now = UiSessionsTest.T0.plus(Duration.ofMinutes(5));
        assertThat(limiter.retryAfterSeconds("10.0.0.1")).isZero();
    }

    @Test
    void shouldStartAFreshWindowAfterTheOldOneEnded() {
        limiter.recordFailure("10.0.0.1");
        limiter.recordFailure("10.0.0.1");
        clock.now = Instant.parse("2026-03-01T08:06:00Z");
        limiter.recordFailure("10.0.0.1");
        limiter.recordFailure("10.0.0.1");

        assertThat(limiter.retryAfterSeconds("10.0.0.1")).isZero();
        limiter.recordFailure("10.0.0.1");
        assertThat(limiter.retryAfterSeconds("10.0.0.1")).isEqualTo(300);
    }
}
