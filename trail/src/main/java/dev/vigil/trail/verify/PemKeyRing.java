package dev.vigil.trail.verify;

import dev.vigil.trail.checkpoint.CheckpointSignatures;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
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
        // One PEM reader for every key ring: the checkpoint signer's.
        return SigningKeys.parsePublic(pem, file.toString());
    }

    /** The PEM text of a public key, as this ring reads it. */
    public static String pem(PublicKey key) {
        return SigningKeys.publicPem(key);
    }
}
