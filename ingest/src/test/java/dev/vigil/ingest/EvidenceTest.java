package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.EvidenceChunk;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvidenceTest {

    static RawInput input(byte[] body) {
        return RawInput.of("acme", "application/json", Map.of(), body, Instant.parse("2026-11-24T10:00:00.123456Z"));
    }

    static byte[] reassemble(List<EvidenceChunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (EvidenceChunk c : chunks) {
            ByteBuffer data = c.getData().duplicate();
            byte[] piece = new byte[data.remaining()];
            data.get(piece);
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    @Test
    void shouldCutALargePayloadIntoOrderedChunksThatReassembleToTheSameSha256() {
        byte[] body = new byte[2500];
        new Random(7).nextBytes(body);
        RawInput input = input(body);

        List<EvidenceChunk> chunks = Evidence.chunks(input, 1000);

        assertThat(chunks).extracting(EvidenceChunk::getIndex).containsExactly(0, 1, 2);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.getCount()).isEqualTo(3);
            assertThat(c.getSize()).isEqualTo(2500);
            assertThat(c.getSha256()).isEqualTo(input.evidenceSha256());
            assertThat(c.getTenant()).isEqualTo("acme");
        });
        assertThat(chunks.get(2).getData().remaining()).isEqualTo(500);
        assertThat(RawInput.sha256Hex(reassemble(chunks))).isEqualTo(input.evidenceSha256());
    }

    @Test
    void shouldKeepAnEmptyPayloadAsOneEmptyChunk() {
        List<EvidenceChunk> chunks = Evidence.chunks(input(new byte[0]), 1000);

        assertThat(chunks).singleElement().satisfies(c -> {
            assertThat(c.getCount()).isEqualTo(1);
            assertThat(c.getData().remaining()).isZero();
        });
    }

    @Test
    void shouldKeyEachChunkByTenantSha256AndIndex() {
        assertThat(Evidence.key("acme", "ab12", 3)).isEqualTo("acme/ab12/3");
    }
}
