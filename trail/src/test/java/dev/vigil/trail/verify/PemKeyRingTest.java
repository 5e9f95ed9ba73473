package dev.vigil.trail.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.trail.checkpoint.CheckpointSignatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemKeyRingTest {

    @TempDir
    Path dir;

    @Test
    void shouldFileEachKeyUnderTheIdComputedFromTheKeyNotTheFileName() throws Exception {
        KeyPair a = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair b = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.writeString(dir.resolve("current.pem"), PemKeyRing.pem(a.getPublic()));
        Files.writeString(
                dir.resolve(CheckpointSignatures.keyId(a.getPublic()) + "-old.pem"), PemKeyRing.pem(b.getPublic()));
        Files.writeString(dir.resolve("README.txt"), "not a key");

        var ring = PemKeyRing.load(dir);

        assertThat(ring)
                .containsOnlyKeys(CheckpointSignatures.keyId(a.getPublic()), CheckpointSignatures.keyId(b.getPublic()));
        assertThat(ring.get(CheckpointSignatures.keyId(b.getPublic())).getEncoded())
                .isEqualTo(b.getPublic().getEncoded());
    }

    @Test
    void shouldTreatAMissingDirectoryAsAnEmptyRingAndRefuseAFileThatIsNoPublicKey() throws Exception {
        assertThat(PemKeyRing.load(dir.resolve("absent"))).isEmpty();
        Files.writeString(dir.resolve("broken.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        assertThatThrownBy(() -> PemKeyRing.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broken.pem is not an Ed25519 public key");
    }

    @Test
    void shouldWriteTheDocumentedJsonFieldNames() throws Exception {
        VerifyReport report = new VerifyReport(
                1,
                false,
                true,
                null,
                new VerifyReport.Scope("acme", null, null, null, false),
                new VerifyReport.Counts(1, 10, 2, 0),
                1,
                List.of(new Finding(Finding.Kind.DELETED, "acme/shop", List.of(4L, 5L), "missing")),
                "2026-03-02T10:00:00Z",
                12);
        var json = dev.vigil.common.json.Json.mapper().readTree(report.toJson());
        assertThat(json.fieldNames())
                .toIterable()
                .containsExactly(
                        "version",
                        "intact",
                        "complete",
                        "request",
                        "counts",
                        "findings_total",
                        "findings",
                        "started_at",
                        "duration_ms");
        assertThat(json.get("counts").fieldNames())
                .toIterable()
                .containsExactly("chains", "documents", "checkpoints", "kafka_chains");
        assertThat(json.at("/findings/0/seqs").toString()).isEqualTo("[4,5]");
        assertThat(report.toHuman()).contains("  DELETED acme/shop seqs 4..5: missing");
    }
}
