package dev.vigil.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.controls.state.Facet;
import dev.vigil.controls.state.SubjectState;
import dev.vigil.schemas.topic.SubjectKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
final class StoreSubjectState implements SubjectState {

    /** Never part of a tenant or scope (ingest normalizes them to printable text). */
    static final char SEPARATOR = '\u0000';

    private static final ObjectMapper JSON = Json.mapper();
    private static final StringSerializer KEYS = new StringSerializer();

    private final String tenant;
    private final String scope;
    private final String prefix;
    private final Map<String, KeyValueStore<String, byte[]>> stores;
    private final Map<String, Facet<?>> facets;
    private final Instant now;
    /** Per facet name: entry id → new envelope, or null for a delete. */
    private final Map<String, TreeMap<String, byte[]>> pending = new HashMap<>();

    StoreSubjectState(
            String tenant,
            String scope,
            Map<String, Facet<?>> facets,
            Map<String, KeyValueStore<String, byte[]>> stores,
            Instant now) {
        this.tenant = tenant;
        this.scope = scope;
        this.prefix = SubjectKey.of(tenant, scope) + SEPARATOR;
        this.facets = facets;
        this.stores = stores;
        this.now = now;
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
        TreeMap<String, byte[]> writes = pending.get(declared(facet).name());
        byte[] envelope;
        if (writes != null && writes.containsKey(id)) {
            envelope = writes.get(id);
        } else {
            envelope = store(facet).get(prefix + id);
            if (envelope != null && expired(facet, envelope)) {
                delete(facet, id);
                envelope = null;
            }
        }
        return envelope == null ? Optional.empty() : Optional.of(value(facet, envelope));
    }

    @Override
    public <T> void put(Facet<T> facet, String id, T value) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("facet " + facet.name() + ": entry id must be non-empty");
        }
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("writtenAt", now.toEpochMilli());
        envelope.set("value", JSON.valueToTree(facet.type().cast(value)));
        pendingOf(declared(facet)).put(id, bytes(envelope));
    }

    @Override
    public void delete(Facet<?> facet, String id) {
        pendingOf(declared(facet)).put(id, null);
    }

    @Override
    public <T> List<Map.Entry<String, T>> entries(Facet<T> facet) {
        Map<String, byte[]> merged = new TreeMap<>(stored(declared(facet)));
        TreeMap<String, byte[]> writes = pending.get(facet.name());
        merged.entrySet().removeIf(e -> {
            if (expired(facet, e.getValue())) {
                // A write of this evaluation replaces the expired entry: deleting it would undo that write.
                if (writes == null || !writes.containsKey(e.getKey())) {
                    delete(facet, e.getKey());
                }
                return true;
            }
            return false;
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
        merged.forEach((id, envelope) -> out.add(Map.entry(id, value(facet, envelope))));
        return out;
    }

    /** Writes the buffered changes and trims every facet written to its {@code maxEntries}. */
    void commit() {
        pending.forEach((name, writes) -> {
            KeyValueStore<String, byte[]> store = stores.get(name);
            writes.forEach((id, envelope) -> {
                if (envelope == null) {
                    store.delete(prefix + id);
                } else {
                    store.put(prefix + id, envelope);
                }
            });
            trim(facets.get(name), store);
        });
        pending.clear();
    }

    /** Keeps the {@code maxEntries} most recently written entries (ties: the larger id stays). */
    private void trim(Facet<?> facet, KeyValueStore<String, byte[]> store) {
        Map<String, byte[]> entries = stored(facet);
        int excess = entries.size() - facet.maxEntries();
        if (excess <= 0) {
            return;
        }
        entries.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, byte[]> e) -> writtenAt(e.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .limit(excess)
                .forEach(e -> store.delete(prefix + e.getKey()));
    }

    /**
     * Deletes expired entries of one facet store, at most {@code budget} entries visited from
     * {@code from} (null: the start), so a large store is swept over several punctuations.
     * Returns where to continue (null: the sweep reached the end).
     */
    static String sweep(Facet<?> facet, KeyValueStore<String, byte[]> store, Instant now, String from, int budget) {
        List<String> expired = new ArrayList<>();
        String next = null;
        try (KeyValueIterator<String, byte[]> it = store.range(from, null)) {
            int visited = 0;
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (visited++ == budget) {
                    next = kv.key;
                    break;
                }
                if (expired(facet, kv.value, now)) {
                    expired.add(kv.key);
                }
            }
        }
        expired.forEach(store::delete);
        return next;
    }

    private Map<String, byte[]> stored(Facet<?> facet) {
        Map<String, byte[]> out = new TreeMap<>();
        try (KeyValueIterator<String, byte[]> it = store(facet).prefixScan(prefix, KEYS)) {
            it.forEachRemaining(kv -> out.put(kv.key.substring(prefix.length()), kv.value));
        }
        return out;
    }

    private TreeMap<String, byte[]> pendingOf(Facet<?> facet) {
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

    private boolean expired(Facet<?> facet, byte[] envelope) {
        return expired(facet, envelope, now);
    }

    private static boolean expired(Facet<?> facet, byte[] envelope, Instant now) {
        return writtenAt(envelope) + facet.retention().toMillis() <= now.toEpochMilli();
    }

    private static long writtenAt(byte[] envelope) {
        return tree(envelope).path("writtenAt").asLong();
    }

    private static <T> T value(Facet<T> facet, byte[] envelope) {
        try {
            return JSON.treeToValue(tree(envelope).get("value"), facet.type());
        } catch (IOException e) {
            throw new UncheckedIOException("facet " + facet.name() + ": stored value is not a " + facet.type(), e);
        }
    }

    private static JsonNode tree(byte[] envelope) {
        try {
            return JSON.readTree(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException("facet entry is not JSON", e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
