package dev.vigil.streams.indexer;

import java.time.Duration;

/** Exponential backoff: doubles from {@code initial} up to {@code max}, back to {@code initial} on success. */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration next;
    private int failures;

    Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max: " + initial + ", " + max);
        }
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    /** The delay before the next attempt after one more failure. */
    Duration next() {
        Duration delay = next;
        failures++;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return delay;
    }

    /** Consecutive failures since the last success. */
    int failures() {
        return failures;
    }

    void reset() {
        next = initial;
        failures = 0;
    }
}
