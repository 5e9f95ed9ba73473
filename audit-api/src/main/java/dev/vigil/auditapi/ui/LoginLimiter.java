package dev.vigil.auditapi.ui;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins per remote address in a fixed window: after {@code maxFailures} within
 * {@code window}, that address is refused until the window ends, so API keys cannot be guessed
 * through the login form at speed. A success does not reset the count (an attacker holding one
 * valid key must not be able to clear the counter between guesses). Memory is bounded: when more
 * than {@code maxAddresses} addresses are tracked, expired windows are dropped first, and if that
 * is not enough the table is cleared.
 */
public final class LoginLimiter {

    private record Window(Instant start, int failures) {}

    private final Clock clock;
    private final int maxFailures;
    private final Duration window;
    private final int maxAddresses;
    private final Map<String, Window> byAddress = new ConcurrentHashMap<>();

    public LoginLimiter(Clock clock, int maxFailures, Duration window, int maxAddresses) {
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.window = window;
        this.maxAddresses = maxAddresses;
    }

    public LoginLimiter() {
        this(Clock.systemUTC(), 10, Duration.ofMinutes(5), 100_000);
    }

    /** Seconds until this address may try again; 0 when it may try now. */
    public long retryAfterSeconds(String address) {
        Window w = byAddress.get(key(address));
        Instant now = clock.instant();
        if (w == null || w.failures() < maxFailures || !now.isBefore(w.start().plus(window))) {
            return 0;
        }
        return Math.max(1, Duration.between(now, w.start().plus(window)).toSeconds());
    }

    public void recordFailure(String address) {
        Instant now = clock.instant();
        if (byAddress.size() >= maxAddresses) {
            byAddress.values().removeIf(w -> !now.isBefore(w.start().plus(window)));
            if (byAddress.size() >= maxAddresses) {
                byAddress.clear();
            }
        }
        byAddress.compute(
                key(address),
                (k, w) -> w == null || !now.isBefore(w.start().plus(window))
                        ? new Window(now, 1)
                        : new Window(w.start(), w.failures() + 1));
    }

    private static String key(String address) {
        return address == null ? "unknown" : address;
    }
}
