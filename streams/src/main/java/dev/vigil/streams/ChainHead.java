package dev.vigil.streams;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The last link of one subject's chain: what the next record needs ({@code seq + 1} and the
 * hash it points back to). Stored in {@value AuditChainProcessorSupplier#STORE_NAME}.
 */
public record ChainHead(long seq, String hash) {

    public ChainHead {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be >= 1: " + seq);
        }
        if (hash == null || hash.length() != 64) {
            throw new IllegalArgumentException("hash must be 64 hex characters");
        }
    }

    /**
     * Fixed 41-byte encoding: a format byte, the seq, the raw 32-byte hash. A format byte rather
     * than Avro because the value is tiny, internal and read back only by this class.
     */
    public static Serde<ChainHead> serde() {
        return new ChainHeadSerde();
    }

    private static final class ChainHeadSerde implements Serde<ChainHead> {
        private static final byte FORMAT_V1 = 1;
        private static final int SIZE = 1 + Long.BYTES + 32;

        @Override
        public Serializer<ChainHead> serializer() {
            return (topic, head) -> head == null
                    ? null
                    : ByteBuffer.allocate(SIZE)
                            .put(FORMAT_V1)
                            .putLong(head.seq())
                            .put(HexFormat.of().parseHex(head.hash()))
                            .array();
        }

        @Override
        public Deserializer<ChainHead> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                if (bytes.length != SIZE || bytes[0] != FORMAT_V1) {
                    throw new SerializationException("not a chain head (format " + FORMAT_V1 + ", " + SIZE
                            + " bytes): got " + bytes.length + " bytes");
                }
                ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, SIZE - 1);
                long seq = buffer.getLong();
                byte[] hash = new byte[32];
                buffer.get(hash);
                return new ChainHead(seq, HexFormat.of().formatHex(hash));
            };
        }

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {}
    }
}
