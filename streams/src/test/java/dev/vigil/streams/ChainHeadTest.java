package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class ChainHeadTest {

    private final Serde<ChainHead> serde = ChainHead.serde();
    private final ChainHead head = new ChainHead(42, "0123456789abcdef".repeat(4));

    @Test
    void shouldRoundTripThroughItsFixedEncoding() {
        byte[] bytes = serde.serializer().serialize("t", head);

        assertThat(bytes).hasSize(41);
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(head);
    }

    @Test
    void shouldRefuseBytesThatAreNotAChainHead() {
        byte[] bytes = serde.serializer().serialize("t", head);
        bytes[0] = 9;

        assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {1, 2}))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldRefuseSeqBelowOneAndMalformedHash() {
        assertThatThrownBy(() -> new ChainHead(0, head.hash())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChainHead(1, "abc")).isInstanceOf(IllegalArgumentException.class);
    }
}
