package dev.vigil.trail.evidence;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vigil.schemas.EvidenceChunk;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One chunk of an input's raw payload as stored in Elasticsearch ({@code data} is base64 in the
 * JSON, a {@code binary} field: stored, never indexed). Field names are those of {@code
 * evidence-mappings-v1.json}. {@code encryption} null: {@code data} is the plaintext; otherwise it
 * is ciphertext under the payload's data key ({@link EvidenceKeyDocument}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvidenceDocument(
        String tenant,
        String sha256,
        int index,
        int count,
        long size,
        @JsonProperty("media_type") String mediaType,
        @JsonProperty("received_at") String receivedAt,
        byte[] data,
        String encryption) {

    /** A plaintext chunk (evidence kept before ingest encrypted payloads). */
    public EvidenceDocument(
            String tenant,
            String sha256,
            int index,
            int count,
            long size,
            String mediaType,
            String receivedAt,
            byte[] data) {
        this(tenant, sha256, index, count, size, mediaType, receivedAt, data, null);
    }

    /** Whether {@link #data} is ciphertext that needs the payload's data key. */
    public boolean encrypted() {
        return encryption != null;
    }

    public static EvidenceDocument of(EvidenceChunk chunk) {
        ByteBuffer buffer = chunk.getData().duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return new EvidenceDocument(
                chunk.getTenant(),
                chunk.getSha256(),
                chunk.getIndex(),
                chunk.getCount(),
                chunk.getSize(),
                chunk.getMediaType(),
                chunk.getReceivedAt() == null ? null : chunk.getReceivedAt().toString(),
                bytes,
                chunk.getEncryption());
    }

    /** The Elasticsearch {@code _id}: the chunk's Kafka key, so a replay collides with itself. */
    public String documentId() {
        return EvidenceIndex.documentId(tenant, sha256, index);
    }

    /**
     * Whether {@code other} holds the same chunk: the same address and the same bytes. The
     * reception time and media type are what ingest saw first; a second delivery of the same bytes
     * may differ there and is still the same evidence.
     */
    public boolean sameChunk(EvidenceDocument other) {
        return other != null
                && Objects.equals(tenant, other.tenant)
                && Objects.equals(sha256, other.sha256)
                && index == other.index
                && count == other.count
                && size == other.size
                && Objects.equals(encryption, other.encryption)
                && Arrays.equals(data, other.data);
    }

    /** Instant of {@link #receivedAt}, or null. */
    public Instant receivedAtInstant() {
        return receivedAt == null ? null : Instant.parse(receivedAt);
    }
}
