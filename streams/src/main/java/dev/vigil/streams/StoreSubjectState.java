package dev.vigil.streams;

import dev.vigil.controls.state.Facet;
import dev.vigil.controls.state.SubjectState;
import dev.vigil.schemas.topic.SubjectKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The {@link SubjectState} of one subject over the facet stores ({@code subject-<facet>}, key
 * {@code tenant/scope} + {@value #SEPARATOR} + entry id, value a JSON envelope
 * {@code {"writtenAt": epochMillis, "value": <the fact>}}).
 *
 * <p>Writes are buffered and reach the stores only at {@link #commit()}: an engine that throws
 * half-way leaves the subject's state as it was, so the dead-lettered input can be replayed
 * later against the same state. Bounds: an entry older than the facet's retention (by
 * {@code writtenAt}) reads as absent and is deleted when met (and by {@link #sweep}); at commit a
 * facet the evaluation wrote keeps only its {@code maxEntries} most recently written entries.
 *
 * <p>Cost: the stores do not change before {@link #commit()}, so an evaluation reads each entry
 * (and each facet's range) of the subject at most once, and decodes each at most once; decoded
 * entries are also shared across evaluations through the {@link FactCache}, which serves a
 * decoded fact only for the very bytes the store returned.
 */
final class StoreSubjectState implements SubjectState {

    /** Never part of a tenant or scope (ingest normalizes them to printable text). */
    static final char SEPARATOR = '\u0000';

    private static final StringSerializer KEYS = new StringSerializer();

    private final String tenant;
    private final String scope;
    private final String prefix;
    private final Map<String, KeyValueStore<String, byte[]>> stores;
    private final Map<String, Facet<?>> facets;
    private final Instant now;
    private final long nowMillis;
    private final FactCache cache;
    /** Per facet name: entry id → new envelope, or null for a delete. */
    private final Map<String, TreeMap<String, FactEnvelope>> pending = new HashMap<>();
    /**
     * Per facet name: what this evaluation read from the store, entry id → stored envelope (null:
     * absent). The store does not change before {@link #commit()}, so a read is never repeated.
     */
    private final Map<String, Map<String, FactEnvelope>> reads = new HashMap<>();
    /** Facets whose every stored entry of the subject is in {@link #reads} (a range was read). */
    private final Set<String> scanned = new HashSet<>();

    StoreSubjectState(
            String tenant,
            String scope,
            Map<String, Facet<?>> facets,
            Map<String, KeyValueStore<String, byte[]>> stores,
            Instant now) {
        this(tenant, scope, facets, stores, now, new FactCache(0));
    }

    StoreSubjectState(
            String tenant,
            String scope,
            Map<String, Facet<?>> facets,
            Map<String, KeyValueStore<String, byte[]>> stores,
            Instant now,
            FactCache cache) {
        this.tenant = tenant;
        this.scope = scope;
        this.prefix = SubjectKey.of(tenant, scope) + SEPARATOR;
        this.facets = facets;
        this.stores = stores;
        this.now = now;
        this.nowMillis = now.toEpochMilli();
        this.cache = cache;
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public String scope() {
        return scope;
    }

    @Override
    public <T> Optional<T> get(Facet<T> facet, String id) {
        TreeMap<String, FactEnvelope> writes = pending.get(declared(facet).name());
        FactEnvelope envelope;
        if (writes != null && writes.containsKey(id)) {
            envelope = writes.get(id);
        } else {
            envelope = read(facet, id);
            if (envelope != null && envelope.expired(facet, nowMillis)) {
                delete(facet, id);
                envelope = null;
            }
        }
        return envelope == null ? Optional.empty() : Optional.of(envelope.value(facet));
    }

    @Override
    public <T> void put(Facet<T> facet, String id, T value) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("facet " + facet.name() + ": entry id must be non-empty");
        }
        byte[] bytes = FactEnvelope.encode(nowMillis, facet.type().cast(value));
        pendingOf(declared(facet)).put(id, new FactEnvelope(bytes));
    }

    @Override
    public void delete(Facet<?> facet, String id) {
        pendingOf(declared(facet)).put(id, null);
    }

    @Override
    public <T> List<Map.Entry<String, T>> entries(Facet<T> facet) {
        Map<String, FactEnvelope> merged = new TreeMap<>();
        TreeMap<String, FactEnvelope> writes = pending.get(declared(facet).name());
        stored(facet).forEach((id, envelope) -> {
            if (envelope == null) {
                return;
            }
            if (envelope.expired(facet, nowMillis)) {
                // A write of this evaluation replaces the expired entry: deleting it would undo that write.
                if (writes == null || !writes.containsKey(id)) {
                    delete(facet, id);
                }
                return;
            }
            merged.put(id, envelope);
        });
        if (writes != null) {
            writes.forEach((id, envelope) -> {
                if (envelope == null) {
                    merged.remove(id);
                } else {
                    merged.put(id, envelope);
                }
            });
        }
        List<Map.Entry<String, T>> out = new ArrayList<>(merged.size());
        merged.forEach((id, envelope) -> out.add(Map.entry(id, envelope.value(facet))));
        return out;
    }

    /** Writes the buffered changes and trims every facet written to its {@code maxEntries}. */
    void commit() {
        pending.forEach((name, writes) -> {
            KeyValueStore<String, byte[]> store = stores.get(name);
            writes.forEach((id, envelope) -> {
                if (envelope == null) {
                    // Deleting what this evaluation read as absent changes nothing: no tombstone to log.
                    if (!knownAbsent(name, id)) {
                        store.delete(prefix + id);
                    }
                } else {
                    store.put(prefix + id, envelope.bytes());
                    // The next input of the subject reads these very bytes: it reuses what was decoded.
                    cache.remember(facets.get(name).storeName(), prefix + id, envelope);
                }
            });
            trim(facets.get(name), store, writes);
        });
        pending.clear();
        reads.clear();
        scanned.clear();
    }

    /** Whether this evaluation read the entry from the store and found none. */
    private boolean knownAbsent(String facet, String id) {
        Map<String, FactEnvelope> known = reads.get(facet);
        if (known == null) {
            return false;
        }
        return known.containsKey(id) ? known.get(id) == null : scanned.contains(facet);
    }

    /** Keeps the {@code maxEntries} most recently written entries (ties: the larger id stays). */
    private void trim(Facet<?> facet, KeyValueStore<String, byte[]> store, Map<String, FactEnvelope> writes) {
        if (countAfter(facet, store, writes) <= facet.maxEntries()) {
            return;
        }
        Map<String, FactEnvelope> entries = new TreeMap<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, KEYS)) {
            it.forEachRemaining(kv -> entries.put(kv.key.substring(prefix.length()), envelope(facet, kv)));
        }
        int excess = entries.size() - facet.maxEntries();
        if (excess <= 0) {
            return;
        }
        entries.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, FactEnvelope> e) ->
                                e.getValue().writtenAt())
                        .thenComparing(Map.Entry::getKey))
                .limit(excess)
                .forEach(e -> store.delete(prefix + e.getKey()));
    }

    /**
     * How many entries the subject has in the facet once {@code writes} are in the store: from
     * what this evaluation read when it read the whole range, else by counting keys (no decoding).
     */
    private int countAfter(Facet<?> facet, KeyValueStore<String, byte[]> store, Map<String, FactEnvelope> writes) {
        if (scanned.contains(facet.name())) {
            Set<String> ids = new HashSet<>();
            reads.get(facet.name()).forEach((id, envelope) -> {
                if (envelope != null) {
                    ids.add(id);
                }
            });
            writes.forEach((id, envelope) -> {
                if (envelope == null) {
                    ids.remove(id);
                } else {
                    ids.add(id);
                }
            });
            return ids.size();
        }
        int count = 0;
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, KEYS)) {
            while (it.hasNext()) {
                it.next();
                count++;
            }
        }
        return count;
    }

    /**
     * Deletes expired entries of one facet store, at most {@code budget} entries visited from
     * {@code from} (null: the start), so a large store is swept over several punctuations.
     * Returns where to continue (null: the sweep reached the end).
     */
    static String sweep(Facet<?> facet, KeyValueStore<String, byte[]> store, Instant now, String from, int budget) {
        List<String> expired = new ArrayList<>();
        String next = null;
        long retention = facet.retention().toMillis();
        try (KeyValueIterator<String, byte[]> it = store.range(from, null)) {
            int visited = 0;
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (visited++ == budget) {
                    next = kv.key;
                    break;
                }
                if (FactEnvelope.writtenAtOf(kv.value) + retention <= now.toEpochMilli()) {
                    expired.add(kv.key);
                }
            }
        }
        expired.forEach(store::delete);
        return next;
    }

    /** The stored entry (null: none), read from the store at most once per evaluation. */
    private FactEnvelope read(Facet<?> facet, String id) {
        Map<String, FactEnvelope> known = readsOf(facet);
        if (known.containsKey(id)) {
            return known.get(id);
        }
        if (scanned.contains(facet.name())) {
            return null;
        }
        String key = prefix + id;
        byte[] bytes = store(facet).get(key);
        FactEnvelope envelope = bytes == null ? null : cache.envelope(facet.storeName(), key, bytes);
        known.put(id, envelope);
        return envelope;
    }

    /** Every stored entry of the subject (id → envelope; null values are ids read as absent). */
    private Map<String, FactEnvelope> stored(Facet<?> facet) {
        Map<String, FactEnvelope> known = readsOf(facet);
        if (scanned.add(facet.name())) {
            try (KeyValueIterator<String, byte[]> it = store(facet).prefixScan(prefix, KEYS)) {
                it.forEachRemaining(kv -> known.put(kv.key.substring(prefix.length()), envelope(facet, kv)));
            }
        }
        return known;
    }

    private FactEnvelope envelope(Facet<?> facet, KeyValue<String, byte[]> kv) {
        return cache.envelope(facet.storeName(), kv.key, kv.value);
    }

    private Map<String, FactEnvelope> readsOf(Facet<?> facet) {
        return reads.computeIfAbsent(facet.name(), n -> new HashMap<>());
    }

    private TreeMap<String, FactEnvelope> pendingOf(Facet<?> facet) {
        return pending.computeIfAbsent(facet.name(), n -> new TreeMap<>());
    }

    private Facet<?> declared(Facet<?> facet) {
        if (!facet.equals(facets.get(facet.name()))) {
            throw new IllegalArgumentException("facet " + facet.name()
                    + " is not among the engine's facets(); the streams app creates a store only for those");
        }
        return facet;
    }

    private KeyValueStore<String, byte[]> store(Facet<?> facet) {
        return stores.get(declared(facet).name());
    }
}
