package dev.vigil.streams;

import dev.vigil.trail.checkpoint.SigningKey;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.time.Duration;
import java.util.Objects;

/**
 * When and with what the chain processor signs checkpoints: every {@code interval} (wall clock)
 * for each chain whose head moved since its last checkpoint, and at once when a chain grew by
 * {@code every} links since its last one.
 */
public record Checkpointing(SigningKey key, Duration interval, int every) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    public static final int DEFAULT_EVERY = 1000;

    public Checkpointing {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(interval, "interval");
        if (interval.toMillis() < 1 || every < 1) {
            throw new IllegalArgumentException(
                    "checkpoint interval and every must be positive: " + interval + ", " + every);
        }
    }

    /**
     * A throwaway key, published nowhere, at the default cadence: for tests and embeddings that do
     * not look at checkpoints. {@link StreamsApp} never uses it; it requires a configured key.
     */
    public static Checkpointing ephemeral() {
        return new Checkpointing(SigningKeys.generate(), DEFAULT_INTERVAL, DEFAULT_EVERY);
    }
}
