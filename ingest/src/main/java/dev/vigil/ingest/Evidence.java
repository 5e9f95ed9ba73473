package dev.vigil.ingest;

import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.schemas.topic.Topics;
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
        return EvidenceChunks.key(tenant, sha256, index);
    }

    static List<EvidenceChunk> chunks(RawInput input) {
        return chunks(input, Topics.EVIDENCE_CHUNK_BYTES);
    }

    static List<EvidenceChunk> chunks(RawInput input, int chunkBytes) {
        return chunks(input, chunkBytes, null);
    }

    /** Encrypted with {@code dataKey} (the payload's own key on vigil.evidence-keys), plaintext if null. */
    static List<EvidenceChunk> chunks(RawInput input, byte[] dataKey) {
        return chunks(input, Topics.EVIDENCE_CHUNK_BYTES, dataKey);
    }

    static List<EvidenceChunk> chunks(RawInput input, int chunkBytes, byte[] dataKey) {
        return EvidenceChunks.chunks(
                input.tenant(),
                input.evidenceSha256(),
                input.mediaType(),
                input.receivedAt(),
                input.body(),
                chunkBytes,
                dataKey);
    }
}
