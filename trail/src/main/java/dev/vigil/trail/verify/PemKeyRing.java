package dev.vigil.trail.verify;

import dev.vigil.trail.checkpoint.CheckpointSignatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A key ring read from a directory of PEM files ({@code -----BEGIN PUBLIC KEY-----}, X.509
 * SubjectPublicKeyInfo, Ed25519). Each key is filed under the id computed from the key itself
 * ({@link CheckpointSignatures#keyId}), never under its file name, so a renamed file cannot
 * make one key pass for another.
 */
public final class PemKeyRing {

    private PemKeyRing() {}

    /** The keys of every {@code *.pem} file in {@code dir}; an absent directory is an empty ring. */
    public static Map<String, PublicKey> load(Path dir) {
        Map<String, PublicKey> ring = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return ring;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".pem"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the key directory " + dir + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
            PublicKey key = parse(f);
            ring.put(CheckpointSignatures.keyId(key), key);
        }
        return ring;
    }

    static PublicKey parse(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read public key " + file + ": " + e.getMessage(), e);
        }
        int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
        int end = pem.indexOf("-----END PUBLIC KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(file + " is not a PEM public key (-----BEGIN PUBLIC KEY-----)");
        }
        String body = pem.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end)
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance(CheckpointSignatures.ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** The PEM text of a public key, as this ring reads it. */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
