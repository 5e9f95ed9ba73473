package dev.vigil.trail.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code manifest.json} of an evidence bundle (docs/exports.md): what was exported, when, by which
 * key, and the SHA-256 and size of every other entry. Written last into the zip and signed
 * ({@code manifest.sig}: base64 Ed25519 signature over the manifest's exact bytes).
 *
 * @param chains each exported chain with the first and last seq of its records in {@code records.jsonl},
 *     so a line dropped at either end of a chain is found even though the chain still links
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BundleManifest(
        String format,
        int version,
        String tenant,
        String scope,
        String from,
        String to,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("exporter_key_id") String exporterKeyId,
        String algorithm,
        List<Entry> entries,
        List<ChainSpan> chains) {

    public static final String FORMAT = "vigil-evidence-bundle";
    public static final int VERSION = 1;

    public static final String RECORDS = "records.jsonl";
    public static final String CHECKPOINTS = "checkpoints.jsonl";
    public static final String VERIFICATION = "verification.json";
    public static final String KEYS_DIR = "keys/";
    public static final String EXPORT_KEY = "export-key.pem";
    public static final String MANIFEST = "manifest.json";
    public static final String SIGNATURE = "manifest.sig";

    public BundleManifest {
        entries = entries == null ? List.of() : List.copyOf(entries);
        chains = chains == null ? List.of() : List.copyOf(chains);
    }

    public record Entry(String name, String sha256, long size) {}

    public record ChainSpan(
            String id,
            @JsonProperty("first_seq") long firstSeq,
            @JsonProperty("last_seq") long lastSeq,
            long records) {}
}
