package dev.vigil.ingest.adapter;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Deterministic record ids, so a client retrying the same event gets the same id back. */
public final class RecordIds {

    private RecordIds() {}

    /**
     * Name-based UUID of tenant, producer and producer event id: the producer's own dedup key
     * (CloudEvents source + id), scoped to the tenant so two tenants never share an id.
     */
    public static String of(String tenant, String source, String sourceEventId) {
        String name = tenant + "\n" + source + "\n" + sourceEventId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
