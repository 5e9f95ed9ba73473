package dev.vigil.trail.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.json.Json;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.SigningKey;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles made here the way the audit API makes them, so each check is seen in isolation. */
class BundleVerifierTest {

    static final SigningKey EXPORT = SigningKeys.generate();
    static final SigningKey CHECKPOINTS = SigningKeys.generate();

    @TempDir
    Path dir;

    /** Entries in order; the manifest (with {@code spans}) and its signature are added on {@link #write}. */
    static final class Bundle {
        final Map<String, byte[]> entries = new LinkedHashMap<>();
        final List<BundleManifest.ChainSpan> spans = new ArrayList<>();
        final Map<String, byte[]> unlisted = new LinkedHashMap<>();

        Bundle(List<AuditDocument> docs, List<CheckpointDocument> checkpoints, SigningKey checkpointKey)
                throws Exception {
            entries.put(BundleManifest.RECORDS, lines(docs));
            entries.put(BundleManifest.CHECKPOINTS, lines(checkpoints));
            entries.put(BundleManifest.VERIFICATION, "{\"intact\":true}\n".getBytes(StandardCharsets.UTF_8));
            entries.put(
                    BundleManifest.KEYS_DIR + checkpointKey.keyId() + ".pem",
                    SigningKeys.publicPem(checkpointKey.publicKey()).getBytes(StandardCharsets.US_ASCII));
            entries.put(
                    BundleManifest.EXPORT_KEY,
                    SigningKeys.publicPem(EXPORT.publicKey()).getBytes(StandardCharsets.US_ASCII));
            spans.add(new BundleManifest.ChainSpan(
                    "acme/shop",
                    docs.getFirst().chain().seq(),
                    docs.getLast().chain().seq(),
                    docs.size()));
        }

        Path write(Path file) throws Exception {
            List<BundleManifest.Entry> listed = new ArrayList<>();
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                listed.add(new BundleManifest.Entry(
                        e.getKey(),
                        HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(e.getValue())),
                        e.getValue().length));
            }
            byte[] manifest = Json.mapper()
                    .writeValueAsBytes(new BundleManifest(
                            BundleManifest.FORMAT,
                            BundleManifest.VERSION,
                            "acme",
                            null,
                            null,
                            null,
                            Instant.now().toString(),
                            EXPORT.keyId(),
                            "Ed25519",
                            listed,
                            spans));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                Map<String, byte[]> all = new LinkedHashMap<>(entries);
                all.putAll(unlisted);
                all.put(BundleManifest.MANIFEST, manifest);
                all.put(
                        BundleManifest.SIGNATURE,
                        BundleSignatures.sign(manifest, EXPORT).getBytes(StandardCharsets.US_ASCII));
                for (Map.Entry<String, byte[]> e : all.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey()));
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
            }
            return Files.write(file, bytes.toByteArray());
        }

        static byte[] lines(List<?> values) throws Exception {
            StringBuilder b = new StringBuilder();
            for (Object v : values) {
                b.append(Json.mapper().writeValueAsString(v)).append('\n');
            }
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    static CheckpointDocument checkpoint(AuditDocument at, SigningKey key) {
        return CheckpointDocument.of(key.sign(Checkpoint.newBuilder()
                .setTenant("acme")
                .setScope("shop")
                .setSeq(at.chain().seq())
                .setHash(at.chain().hash())
                .setCreatedAt(Instant.parse("2026-05-01T00:00:00Z"))
                .setKeyId("")
                .setSignature(ByteBuffer.allocate(0))
                .build()));
    }

    static Map<String, PublicKey> trusted() {
        return Map.of(EXPORT.keyId(), EXPORT.publicKey(), CHECKPOINTS.keyId(), CHECKPOINTS.publicKey());
    }

    static List<String> findings(BundleVerifier.Result r) {
        return r.report().findings().stream()
                .map(f -> f.kind() + " " + f.chain() + " " + f.seqs())
                .toList();
    }

    @Test
    void shouldReportAConsistentBundleIntactAgainstTrustedKeys() throws Exception {
        List<AuditDocument> docs = ChainCheckTest.chain(8);
        Path file = new Bundle(
                        docs,
                        List.of(checkpoint(docs.get(3), CHECKPOINTS), checkpoint(docs.get(7), CHECKPOINTS)),
                        CHECKPOINTS)
                .write(dir.resolve("b.zip"));

        BundleVerifier.Result r = BundleVerifier.verify(file, trusted());

        assertThat(findings(r)).isEmpty();
        assertThat(r.report().intact()).isTrue();
        assertThat(r.report().counts().documents()).isEqualTo(8);
        assertThat(r.report().counts().checkpoints()).isEqualTo(2);
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void shouldNotTrustACheckpointKeyTheBundleBringsWhenTrustedKeysAreGiven() throws Exception {
        SigningKey other = SigningKeys.generate();
        List<AuditDocument> docs = ChainCheckTest.chain(4);
        Path file = new Bundle(docs, List.of(checkpoint(docs.get(3), other)), other).write(dir.resolve("b.zip"));

        assertThat(findings(BundleVerifier.verify(file, trusted()))).containsExactly("UNKNOWN_KEY acme/shop [4]");
        // Without trusted keys the bundle's own key is used, and says only that it is self-consistent.
        BundleVerifier.Result selfCheck = BundleVerifier.verify(file, null);
        assertThat(findings(selfCheck)).isEmpty();
        assertThat(selfCheck.warnings()).anyMatch(w -> w.contains("internally consistent"));
    }

    @Test
    void shouldReportRecordsEndingBeforeTheManifestSpanAsTruncated() throws Exception {
        List<AuditDocument> docs = ChainCheckTest.chain(8);
        Bundle bundle = new Bundle(docs.subList(0, 6), List.of(), CHECKPOINTS);
        bundle.spans.set(0, new BundleManifest.ChainSpan("acme/shop", 1, 8, 8));

        assertThat(findings(BundleVerifier.verify(bundle.write(dir.resolve("b.zip")), trusted())))
                .containsExactly("TRUNCATED acme/shop [7, 8]");
    }

    @Test
    void shouldVerifyARangeFromItsAnchorAndNameAGapInside() throws Exception {
        List<AuditDocument> docs = ChainCheckTest.chain(12);
        List<AuditDocument> span = new ArrayList<>(docs.subList(4, 10));
        span.remove(2);
        Path file = new Bundle(span, List.of(checkpoint(docs.get(8), CHECKPOINTS)), CHECKPOINTS)
                .write(dir.resolve("b.zip"));

        assertThat(findings(BundleVerifier.verify(file, trusted()))).containsExactly("DELETED acme/shop [7, 7]");
    }

    @Test
    void shouldNameAnEntryAddedToTheBundleAfterExport() throws Exception {
        List<AuditDocument> docs = ChainCheckTest.chain(3);
        Bundle bundle = new Bundle(docs, List.of(), CHECKPOINTS);
        bundle.unlisted.put(
                "keys/attacker.pem",
                SigningKeys.publicPem(SigningKeys.generate().publicKey()).getBytes(StandardCharsets.US_ASCII));

        assertThat(findings(BundleVerifier.verify(bundle.write(dir.resolve("b.zip")), trusted())))
                .containsExactly("ENTRY_MISMATCH keys/attacker.pem []");
    }

    @Test
    void shouldRefuseAFileThatIsNotAZip() throws Exception {
        Path file = Files.writeString(dir.resolve("b.zip"), "not a zip");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BundleVerifier.verify(file, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a zip file");
    }
}
