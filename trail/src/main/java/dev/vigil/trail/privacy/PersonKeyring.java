package dev.vigil.trail.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A reader's view of {@code vigil.person-keys}: records keyed {@code tenant/personRef/partition}
 * whose value is the 32-byte key (a tombstone: destroyed). Feed it the topic from the beginning
 * ({@link #apply}); then {@link #decrypt} opens any {@code enc:v1:} value whose key still exists.
 * One person can have one key per streams task (partition) that saw them; each is tried.
 */
public final class PersonKeyring {

    private final Map<String, byte[]> byRecordKey = new LinkedHashMap<>();

    /** The record key under which the streams task of {@code partition} keeps its key of a person. */
    public static String recordKey(String tenant, String personRef, int partition) {
        return tenant + "/" + personRef + "/" + partition;
    }

    /** Applies one record of the topic (value null: a tombstone). */
    public void apply(String recordKey, byte[] value) {
        if (value == null) {
            byRecordKey.remove(recordKey);
        } else if (value.length == PersonalData.KEY_BYTES) {
            byRecordKey.put(recordKey, value.clone());
        }
    }

    /** Every key of that person in that tenant (empty after erasure). */
    public List<byte[]> keysOf(String tenant, String personRef) {
        String prefix = tenant + "/" + personRef + "/";
        List<byte[]> keys = new ArrayList<>();
        byRecordKey.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                keys.add(v);
            }
        });
        return keys;
    }

    /** The cleartext of an {@code enc:v1:} value of {@code tenant}, or empty when no key of its person opens it. */
    public Optional<String> decrypt(String tenant, String value) {
        Optional<PersonalData.Sealed> sealed = PersonalData.parse(value);
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        for (byte[] key : keysOf(tenant, sealed.get().personRef())) {
            Optional<String> plain = PersonalData.decrypt(key, value);
            if (plain.isPresent()) {
                return plain;
            }
        }
        return Optional.empty();
    }

    public int size() {
        return byRecordKey.size();
    }
}
