package dev.vigil.schemas.evidence;

import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The raw payload behind an input, cut into chunks of at most {@link Topics#EVIDENCE_CHUNK_BYTES}
 * for {@code vigil.evidence}: every writer of inputs (ingest, and audit-api for access records and
 * risk acceptances) keeps its payloads the same way, so the evidence indexer and auditors read one
 * format.
 */
public final class EvidenceChunks {

    private EvidenceChunks() {}

    /** Kafka key of one chunk: {@code tenant/sha256/index}; tenants never share an evidence key. */
    public static String key(String tenant, String sha256, int index) {
        return tenant + "/" + sha256 + "/" + index;
    }

    /** Hex SHA-256 of a payload: its evidence address. */
    public static String sha256(byte[] body) {
        try {
            return HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    public static List<EvidenceChunk> chunks(
            String tenant, String sha256, String mediaType, Instant receivedAt, byte[] body) {
        return chunks(tenant, sha256, mediaType, receivedAt, body, Topics.EVIDENCE_CHUNK_BYTES);
    }

    public static List<EvidenceChunk> chunks(
            String tenant, String sha256, String mediaType, Instant receivedAt, byte[] body, int chunkBytes) {
        int count = Math.max(1, (body.length + chunkBytes - 1) / chunkBytes);
        List<EvidenceChunk> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * chunkBytes;
            int to = Math.min(body.length, from + chunkBytes);
            chunks.add(EvidenceChunk.newBuilder()
                    .setTenant(tenant)
                    .setSha256(sha256)
                    .setIndex(i)
                    .setCount(count)
                    .setSize(body.length)
                    .setMediaType(mediaType == null || mediaType.isEmpty() ? null : mediaType)
                    .setReceivedAt(receivedAt.truncatedTo(ChronoUnit.MILLIS))
                    .setData(ByteBuffer.wrap(Arrays.copyOfRange(body, from, to)))
                    .build());
        }
        return chunks;
    }
}
