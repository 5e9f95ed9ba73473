package dev.vigil.schemas.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvidenceChunksTest {

    private static final byte[] BODY = "{\"actor\":{\"name\":\"Alice Example\",\"email\":\"alice@example.com\"}}"
            .repeat(10)
            .getBytes(StandardCharsets.UTF_8);
    private static final String SHA = EvidenceChunks.sha256(BODY);

    @Test
    void shouldEncryptEveryChunkAndDecryptBackToThePlaintextOfTheAddress() throws Exception {
        byte[] key = EvidenceChunks.newDataKey();
        List<EvidenceChunk> chunks =
                EvidenceChunks.chunks("acme", SHA, "application/json", Instant.EPOCH, BODY, 100, key);

        assertThat(chunks).hasSize((BODY.length + 99) / 100);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        for (EvidenceChunk chunk : chunks) {
            assertThat(chunk.getEncryption()).isEqualTo(EvidenceChunks.AES_256_GCM_V1);
            assertThat(chunk.getSha256()).isEqualTo(SHA);
            assertThat(chunk.getSize()).isEqualTo(BODY.length);
            byte[] data = bytes(chunk);
            assertThat(new String(data, StandardCharsets.ISO_8859_1)).doesNotContain("alice");
            plain.write(EvidenceChunks.decrypt(key, "acme", SHA, chunk.getIndex(), chunk.getCount(), data));
        }
        assertThat(plain.toByteArray()).isEqualTo(BODY);
        assertThat(EvidenceChunks.sha256(plain.toByteArray())).isEqualTo(SHA);
    }

    @Test
    void shouldEncryptALargeChunkExactlyAsOneCipherCallDoesSoStoredEvidenceStillOpens() throws Exception {
        byte[] body = new byte[Topics.EVIDENCE_CHUNK_BYTES + 40_007];
        new java.util.Random(7).nextBytes(body);
        String sha = EvidenceChunks.sha256(body);
        byte[] key = EvidenceChunks.newDataKey();

        List<EvidenceChunk> chunks =
                EvidenceChunks.chunks("acme", sha, null, Instant.EPOCH, body, Topics.EVIDENCE_CHUNK_BYTES, key);

        assertThat(chunks).hasSize(2);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        for (EvidenceChunk chunk : chunks) {
            int from = chunk.getIndex() * Topics.EVIDENCE_CHUNK_BYTES;
            byte[] slice =
                    java.util.Arrays.copyOfRange(body, from, Math.min(body.length, from + Topics.EVIDENCE_CHUNK_BYTES));
            // The scheme as first written: one doFinal over the whole chunk.
            javax.crypto.Cipher reference = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
            reference.init(
                    javax.crypto.Cipher.ENCRYPT_MODE,
                    new javax.crypto.spec.SecretKeySpec(key, "AES"),
                    new javax.crypto.spec.GCMParameterSpec(
                            128,
                            ByteBuffer.allocate(12).putInt(8, chunk.getIndex()).array()));
            reference.updateAAD(("vigil-evidence-v1|acme|" + sha + "|" + chunk.getIndex() + "|" + chunk.getCount())
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(bytes(chunk)).isEqualTo(reference.doFinal(slice));
            plain.write(EvidenceChunks.decrypt(key, "acme", sha, chunk.getIndex(), chunk.getCount(), bytes(chunk)));
        }
        assertThat(plain.toByteArray()).isEqualTo(body);
    }

    @Test
    void shouldRefuseAnotherKeyOrAChunkMovedToAnotherIndex() {
        byte[] key = EvidenceChunks.newDataKey();
        List<EvidenceChunk> chunks = EvidenceChunks.chunks("acme", SHA, null, Instant.EPOCH, BODY, 100, key);
        byte[] first = bytes(chunks.get(0));
        int count = chunks.size();

        assertThatThrownBy(() -> EvidenceChunks.decrypt(EvidenceChunks.newDataKey(), "acme", SHA, 0, count, first))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> EvidenceChunks.decrypt(key, "acme", SHA, 1, count, first))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> EvidenceChunks.decrypt(key, "other", SHA, 0, count, first))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void shouldKeepPlaintextChunksWithoutKey() {
        List<EvidenceChunk> chunks = EvidenceChunks.chunks("acme", SHA, null, Instant.EPOCH, BODY, 1000);

        assertThat(chunks).singleElement().satisfies(c -> {
            assertThat(c.getEncryption()).isNull();
            assertThat(bytes(c)).isEqualTo(BODY);
        });
    }

    @Test
    void shouldMakeADistinctKeyPerPayload() {
        assertThat(EvidenceChunks.newDataKey()).hasSize(32).isNotEqualTo(EvidenceChunks.newDataKey());
        assertThat(EvidenceChunks.dataKeyId("acme", SHA)).isEqualTo("acme/" + SHA);
    }

    private static byte[] bytes(EvidenceChunk chunk) {
        ByteBuffer b = chunk.getData().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
