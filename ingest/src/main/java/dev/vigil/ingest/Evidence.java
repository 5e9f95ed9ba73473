package dev.vigil.ingest;

import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The raw payload behind an accepted input, kept once on vigil.evidence so that an auditor can
 * fetch exactly what a CI system or scanner sent and check it against the SHA-256 the trail
 * records. Payloads are cut into chunks of at most {@link Topics#EVIDENCE_CHUNK_BYTES} so no
 * record needs more than the broker's default size limit.
 */
final class Evidence {

    private Evidence() {}

    /** Kafka key of one chunk: {@code tenant/sha256/index}; tenants never share an evidence key. */
    static String key(String tenant, String sha256, int index) {
        return tenant + "/" + sha256 + "/" + index;
    }

    static List<EvidenceChunk> chunks(RawInput input) {
        return chunks(input, Topics.EVIDENCE_CHUNK_BYTES);
    }

    static List<EvidenceChunk> chunks(RawInput input, int chunkBytes) {
        byte[] body = input.body();
        int count = Math.max(1, (body.length + chunkBytes - 1) / chunkBytes);
        List<EvidenceChunk> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * chunkBytes;
            int to = Math.min(body.length, from + chunkBytes);
            chunks.add(EvidenceChunk.newBuilder()
                    .setTenant(input.tenant())
                    .setSha256(input.evidenceSha256())
                    .setIndex(i)
                    .setCount(count)
                    .setSize(body.length)
                    .setMediaType(input.mediaType().isEmpty() ? null : input.mediaType())
                    .setReceivedAt(input.receivedAt().truncatedTo(ChronoUnit.MILLIS))
                    .setData(ByteBuffer.wrap(Arrays.copyOfRange(body, from, to)))
                    .build());
        }
        return chunks;
    }
}
