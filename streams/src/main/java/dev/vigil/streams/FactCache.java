package dev.vigil.streams;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded facet entries kept across evaluations (least recently used first out, bounded by the
 * stored bytes they were decoded from). An entry is reused only when the store returns exactly the
 * bytes it was decoded from, so the cache can never serve a stale fact: after an aborted
 * transaction, a restore or a task that moved, the store's bytes decide. What it saves is the JSON
 * decoding of the same unchanged facts (a subject's commits, changes, last results) at every input
 * of the subject; the stores are still read every time.
 *
 * <p>Shared by the tasks of one streams app instance; thread-safe.
 */
final class FactCache {

    /** Rough heap of a decoded fact and its map entry per stored byte, for the budget. */
    private static final int OVERHEAD_PER_BYTE = 3;

    private static final int ENTRY_OVERHEAD = 200;

    private final long budgetBytes;
    private long usedBytes;
    private final LinkedHashMap<Key, FactEnvelope> entries = new LinkedHashMap<>(1024, 0.75f, true);

    private record Key(String store, String key) {}

    /** {@code budgetBytes} 0 disables the cache: every read decodes. */
    FactCache(long budgetBytes) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("budget must be >= 0: " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /** The envelope of {@code stored}, read from {@code store} under {@code key}: cached if unchanged. */
    FactEnvelope envelope(String store, String key, byte[] stored) {
        if (budgetBytes == 0) {
            return new FactEnvelope(stored);
        }
        Key k = new Key(store, key);
        synchronized (this) {
            FactEnvelope cached = entries.get(k);
            if (cached != null && Arrays.equals(cached.bytes(), stored)) {
                return cached;
            }
        }
        FactEnvelope fresh = new FactEnvelope(stored);
        remember(store, key, fresh);
        return fresh;
    }

    /** Keeps an envelope just written under {@code key} (its bytes are what the store holds now). */
    void remember(String store, String key, FactEnvelope fresh) {
        if (budgetBytes == 0) {
            return;
        }
        Key k = new Key(store, key);
        synchronized (this) {
            FactEnvelope previous = entries.put(k, fresh);
            if (previous != null) {
                usedBytes -= cost(k, previous);
            }
            usedBytes += cost(k, fresh);
            Iterator<Map.Entry<Key, FactEnvelope>> eldest = entries.entrySet().iterator();
            while (usedBytes > budgetBytes && eldest.hasNext()) {
                Map.Entry<Key, FactEnvelope> e = eldest.next();
                usedBytes -= cost(e.getKey(), e.getValue());
                eldest.remove();
            }
        }
    }

    synchronized int size() {
        return entries.size();
    }

    private static long cost(Key k, FactEnvelope e) {
        return (long) e.bytes().length * OVERHEAD_PER_BYTE + 2L * k.key().length() + ENTRY_OVERHEAD;
    }
}
