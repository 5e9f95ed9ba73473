package dev.vigil.trail.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.Checkpoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CheckpointSignaturesTest {

    static KeyPair keys() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static Checkpoint unsigned() {
        return Checkpoint.newBuilder()
                .setTenant("acme")
                .setScope("github.com/acme/shop")
                .setSeq(42)
                .setHash("ab".repeat(32))
                .setCreatedAt(Instant.parse("2026-11-24T10:00:00.123Z"))
                .setKeyId("")
                .setSignature(ByteBuffer.allocate(0))
                .build();
    }

    @Test
    void shouldVerifyAFreshSignatureWithTheSigningKeyOnly() throws Exception {
        KeyPair signing = keys();
        Checkpoint signed = CheckpointSignatures.sign(
                unsigned(), signing.getPrivate(), CheckpointSignatures.keyId(signing.getPublic()));

        assertThat(signed.getKeyId()).hasSize(16).isEqualTo(CheckpointSignatures.keyId(signing.getPublic()));
        assertThat(signed.getSignature().remaining()).isEqualTo(64);
        assertThat(CheckpointSignatures.verify(signed, signing.getPublic())).isTrue();
        assertThat(CheckpointSignatures.verify(signed, keys().getPublic())).isFalse();
    }

    @Test
    void shouldRefuseACheckpointWhoseHeadWasChangedAfterSigning() throws Exception {
        KeyPair signing = keys();
        Checkpoint signed = CheckpointSignatures.sign(unsigned(), signing.getPrivate(), "k1");

        Checkpoint otherSeq = Checkpoint.newBuilder(signed).setSeq(43).build();
        Checkpoint otherHash =
                Checkpoint.newBuilder(signed).setHash("cd".repeat(32)).build();

        assertThat(CheckpointSignatures.verify(otherSeq, signing.getPublic())).isFalse();
        assertThat(CheckpointSignatures.verify(otherHash, signing.getPublic())).isFalse();
    }

    @Test
    void shouldSignTheDocumentedCanonicalBytes() {
        Checkpoint c = Checkpoint.newBuilder(unsigned()).setKeyId("0123456789abcdef").build();

        assertThat(new String(CheckpointSignatures.signedBytes(c), StandardCharsets.UTF_8))
                .isEqualTo("{\"algorithm\":\"Ed25519\",\"chain\":\"acme/github.com/acme/shop\","
                        + "\"created_at\":\"2026-11-24T10:00:00.123Z\",\"hash\":\"" + "ab".repeat(32)
                        + "\",\"key_id\":\"0123456789abcdef\",\"seq\":42,\"version\":1}");
    }
}
