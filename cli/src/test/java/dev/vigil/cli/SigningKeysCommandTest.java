package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.Checkpoint;
import dev.vigil.trail.checkpoint.PublicKeyRing;
import dev.vigil.trail.checkpoint.SigningKey;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysCommandTest {

    @TempDir
    Path data;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int vigil(String... args) {
        return Vigil.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static Checkpoint unsigned() {
        return Checkpoint.newBuilder()
                .setTenant("acme")
                .setScope("github.com/acme/shop")
                .setSeq(3)
                .setHash("ab".repeat(32))
                .setCreatedAt(Instant.parse("2026-11-24T10:00:00Z"))
                .setKeyId("")
                .setSignature(ByteBuffer.allocate(0))
                .build();
    }

    @Test
    void shouldRotateTwiceKeepingTheRetiredPublicKeyAndListTheRing() throws Exception {
        Path keyFile = data.resolve("keys/signing-key.pem");

        assertThat(vigil("keys", "signing", "rotate", "--data", data.toString()))
                .as(err.toString(StandardCharsets.UTF_8))
                .isZero();
        SigningKey first = SigningKeys.load(keyFile);
        Checkpoint oldCheckpoint = first.sign(unsigned());
        assertThat(vigil("keys", "signing", "rotate", "--data", data.toString()))
                .as(err.toString(StandardCharsets.UTF_8))
                .isZero();
        SigningKey second = SigningKeys.load(keyFile);
        String rotated = out.toString(StandardCharsets.UTF_8);
        out.reset();
        assertThat(vigil("keys", "signing", "list", "--data", data.toString())).isZero();
        String listed = out.toString(StandardCharsets.UTF_8);

        assertThat(second.keyId()).isNotEqualTo(first.keyId());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                .isEqualTo("rw-------");
        PublicKeyRing ring = PublicKeyRing.load(data.resolve("keys/public"));
        assertThat(ring.activeKeyId()).contains(second.keyId());
        assertThat(ring.verify(oldCheckpoint))
                .as("checkpoint of the retired key")
                .isTrue();
        assertThat(rotated)
                .contains("new checkpoint signing key " + second.keyId())
                .contains("retired key " + first.keyId())
                .doesNotContain("PRIVATE KEY");
        assertThat(listed)
                .containsPattern(second.keyId() + "\\s+Ed25519\\s+active\\s+\\(configured signing key\\)")
                .containsPattern(first.keyId() + "\\s+Ed25519\\s+retired");
    }

    @Test
    void shouldWriteToAGivenKeyFileAndRefuseAnUnknownAction() {
        Path target = data.resolve("elsewhere/new.pem");

        assertThat(vigil("keys", "signing", "rotate", "--key-file", target.toString(), "--data", data.toString()))
                .isZero();
        assertThat(PublicKeyRing.load(data.resolve("keys/public")).activeKeyId())
                .contains(SigningKeys.load(target).keyId());
        assertThat(vigil("keys", "signing", "burn", "--data", data.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("vigil keys signing rotate");
    }
}
