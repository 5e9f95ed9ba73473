package dev.vigil.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Every released version of every record schema, read from
 * {@code dev/vigil/schemas/released/<Name>/vN.avsc} on the classpath. The single-object decoder
 * looks writer schemas up here by fingerprint; the compatibility test checks the current schemas
 * against the same files.
 */
public final class SchemaHistory {

    /** Record names with released history; order is irrelevant. */
    public static final List<String> RECORDS = List.of(
            "PipelineEvent",
            "ScanResult",
            "ControlVerdict",
            "Violation",
            "AuditRecord",
            "Checkpoint",
            "RejectedInput",
            "EvidenceChunk");

    private static final int MAX_VERSIONS = 1000;
    private static final Map<String, List<Schema>> RELEASED = load();
    private static final SchemaStore.Cache STORE = buildStore();

    private SchemaHistory() {}

    /** Released versions of one record, oldest first. */
    public static List<Schema> released(String recordName) {
        return RELEASED.getOrDefault(recordName, List.of());
    }

    public static Map<String, List<Schema>> all() {
        return RELEASED;
    }

    static SchemaStore store() {
        return STORE;
    }

    private static SchemaStore.Cache buildStore() {
        SchemaStore.Cache cache = new SchemaStore.Cache();
        RELEASED.values().forEach(versions -> versions.forEach(cache::addSchema));
        return cache;
    }

    private static Map<String, List<Schema>> load() {
        Map<String, List<Schema>> result = new TreeMap<>();
        for (String name : RECORDS) {
            List<Schema> versions = new ArrayList<>();
            for (int v = 1; v < MAX_VERSIONS; v++) {
                String path = "dev/vigil/schemas/released/" + name + "/v" + v + ".avsc";
                try (InputStream in = SchemaHistory.class.getClassLoader().getResourceAsStream(path)) {
                    if (in == null) {
                        break;
                    }
                    // A fresh parser per file: each released file is self-contained.
                    versions.add(new Schema.Parser().parse(in));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read released schema " + path, e);
                }
            }
            result.put(name, Collections.unmodifiableList(versions));
        }
        return Collections.unmodifiableMap(result);
    }
}
