package dev.vigil.trail.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.Checkpoint;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {

    @TempDir
    Path dir;

    private static Checkpoint unsigned(long seq) {
        return Checkpoint.newBuilder()
                .setTenant("acme")
                .setScope("github.com/acme/shop")
                .setSeq(seq)
                .setHash("ab".repeat(32))
                .setCreatedAt(Instant.parse("2026-11-24T10:00:00.123Z"))
                .setKeyId("")
                .setSignature(ByteBuffer.allocate(0))
                .build();
    }

    @Test
    void shouldLoadWrittenPrivateKeyWithSameKeyIdAndDerivedPublicKey() throws Exception {
        SigningKey key = SigningKeys.generate();
        Path file = dir.resolve("keys/signing-key.pem");

        SigningKeys.writePrivate(key, file);
        SigningKey loaded = SigningKeys.load(file);

        assertThat(loaded.keyId()).isEqualTo(key.keyId()).hasSize(16);
        assertThat(loaded.publicKey().getEncoded()).isEqualTo(key.publicKey().getEncoded());
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        // Signed with the reloaded private key, verified with the original public key.
        assertThat(CheckpointSignatures.verify(loaded.sign(unsigned(7)), key.publicKey()))
                .isTrue();
    }

    @Test
    void shouldParseOpensslStylePemTextAsFromTheEnvironment() {
        SigningKey key = SigningKeys.generate();
        String pem = SigningKeys.privatePem(key).replace("\n", "\r\n");

        SigningKey parsed = SigningKeys.parse("# comment\n" + pem, "VIGIL_TRAIL_SIGNING_KEY");

        assertThat(parsed.keyId()).isEqualTo(key.keyId());
    }

    @Test
    void shouldRefuseNonPemTextWithoutRepeatingIt() {
        assertThatThrownBy(() -> SigningKeys.parse("super-secret-not-a-key", "VIGIL_TRAIL_SIGNING_KEY"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VIGIL_TRAIL_SIGNING_KEY")
                .hasMessageNotContaining("super-secret");
    }

    @Test
    void shouldNeverShowPrivateKeyInToString() {
        SigningKey key = SigningKeys.generate();
        String pemBody = SigningKeys.privatePem(key).lines().skip(1).findFirst().orElseThrow();

        assertThat(key.toString()).contains(key.keyId()).doesNotContain(pemBody);
        assertThat(SigningKeyConfig.Source.of(SigningKeys.privatePem(key), dir.resolve("x.pem"))
                        .toString())
                .doesNotContain(pemBody)
                .contains("environment");
    }

    @Test
    void shouldVerifyCheckpointSignedWithRetiredKeyAfterRotation() {
        Path keyFile = dir.resolve("keys/signing-key.pem");
        Path ringDir = dir.resolve("keys/public");
        SigningKeys.Rotation first = SigningKeys.rotate(keyFile, ringDir);
        Checkpoint byOld = SigningKeys.load(keyFile).sign(unsigned(10));

        SigningKeys.Rotation second = SigningKeys.rotate(keyFile, ringDir);
        Checkpoint byNew = SigningKeys.load(keyFile).sign(unsigned(20));
        PublicKeyRing ring = PublicKeyRing.load(ringDir);

        assertThat(first.retiredKeyId()).isEmpty();
        assertThat(second.retiredKeyId()).contains(first.active().keyId());
        assertThat(byOld.getKeyId()).isEqualTo(first.active().keyId());
        assertThat(byNew.getKeyId()).isEqualTo(second.active().keyId()).isNotEqualTo(byOld.getKeyId());
        assertThat(ring.size()).isEqualTo(2);
        assertThat(ring.activeKeyId()).contains(second.active().keyId());
        assertThat(ring.verify(byOld)).isTrue();
        assertThat(ring.verify(byNew)).isTrue();
        assertThat(ring.entries())
                .extracting(PublicKeyRing.Entry::keyId, PublicKeyRing.Entry::active)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(second.active().keyId(), true),
                        org.assertj.core.groups.Tuple.tuple(first.active().keyId(), false));
        assertThat(ring.entries().get(0).pem()).startsWith("-----BEGIN PUBLIC KEY-----");
    }

    @Test
    void shouldNotVerifyCheckpointWhoseKeyIdIsNotInTheRing() {
        Path ringDir = dir.resolve("public");
        PublicKeyRing.publish(ringDir, SigningKeys.generate().publicKey(), true);
        Checkpoint byStranger = SigningKeys.generate().sign(unsigned(3));

        PublicKeyRing ring = PublicKeyRing.load(ringDir);

        assertThat(ring.find(byStranger.getKeyId())).isEmpty();
        assertThat(ring.verify(byStranger)).isFalse();
    }

    @Test
    void shouldNotVerifyCheckpointRelabelledWithAnotherRingKeysId() {
        SigningKey a = SigningKeys.generate();
        SigningKey b = SigningKeys.generate();
        PublicKeyRing ring = PublicKeyRing.of(java.util.List.of(a.publicKey(), b.publicKey()), a.keyId());
        Checkpoint byA = a.sign(unsigned(5));
        Checkpoint relabelled = Checkpoint.newBuilder(byA).setKeyId(b.keyId()).build();

        assertThat(ring.verify(byA)).isTrue();
        assertThat(ring.verify(relabelled)).isFalse();
    }

    @Test
    void shouldRefuseRingFileWhoseKeyDoesNotMatchItsName() throws Exception {
        Path ringDir = dir.resolve("public");
        SigningKey key = SigningKeys.generate();
        Files.createDirectories(ringDir);
        Files.writeString(ringDir.resolve("0000000000000000.pem"), SigningKeys.publicPem(key.publicKey()));

        assertThatThrownBy(() -> PublicKeyRing.load(ringDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("0000000000000000.pem")
                .hasMessageContaining(key.keyId());
    }

    @Test
    void shouldFailWithWhatToConfigureWhenNoKeyExists() {
        SigningKeyConfig.Source source = SigningKeyConfig.Source.of(null, dir.resolve("keys/signing-key.pem"));

        assertThatThrownBy(source::load)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vigil keys signing rotate")
                .hasMessageContaining("VIGIL_TRAIL_SIGNING_KEY");
    }
}
