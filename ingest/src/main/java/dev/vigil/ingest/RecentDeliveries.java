package dev.vigil.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The deliveries this instance accepted recently, keyed by their deterministic record ids, with
 * the answer the client got. A repeated delivery (GitHub's "Redeliver", a CI retry after a lost
 * response) is then answered from here without writing again. Bounded by count and age; per
 * instance and lost on restart, which is fine because the streams app drops duplicate record ids
 * too: this cache only spares Kafka and the trail the repeated bytes.
 */
final class RecentDeliveries {

    /** What was answered for one delivery. */
    record Accepted(List<Map<String, Object>> records, Instant at) {
        Accepted {
            records = List.copyOf(records);
            Objects.requireNonNull(at, "at");
        }
    }

    private final int maxEntries;
    private final Duration ttl;
    private final Clock clock;
    // Insertion order = acceptance order, so the eldest entry is both the first to expire and the one to evict.
    private final LinkedHashMap<String, Accepted> entries = new LinkedHashMap<>();

    RecentDeliveries(int maxEntries, Duration ttl, Clock clock) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must be >= 0");
        }
        this.maxEntries = maxEntries;
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The tenant and every record id, in order: equal for the same delivery and only for it. */
    static String key(String tenant, List<String> recordIds) {
        return tenant + "\n" + String.join("\n", recordIds);
    }

    synchronized Optional<Accepted> find(String key) {
        expire();
        return Optional.ofNullable(entries.get(key));
    }

    synchronized void remember(String key, List<Map<String, Object>> records) {
        if (maxEntries == 0) {
            return;
        }
        expire();
        entries.remove(key);
        entries.put(key, new Accepted(records, clock.instant()));
        while (entries.size() > maxEntries) {
            entries.pollFirstEntry();
        }
    }

    synchronized int size() {
        return entries.size();
    }

    private void expire() {
        Instant oldest = clock.instant().minus(ttl);
        while (!entries.isEmpty() && entries.firstEntry().getValue().at().isBefore(oldest)) {
            entries.pollFirstEntry();
        }
    }
}
