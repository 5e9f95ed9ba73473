package dev.vigil.trail.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loading, writing and rotating the Ed25519 checkpoint signing key. The private key is a PEM
 * PKCS#8 file ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl genpkey -algorithm ed25519}
 * writes) or the same text in {@code VIGIL_TRAIL_SIGNING_KEY}; public keys are PEM X.509
 * SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}) in the {@link PublicKeyRing}.
 *
 * <p>No message of this class contains key material: a PEM that does not parse is reported by
 * where it came from, never by its content.
 */
public final class SigningKeys {

    /** File name of the signing key under {@code <data-dir>/keys/} when none is configured. */
    public static final String DEFAULT_KEY_FILE = "signing-key.pem";

    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----", Pattern.DOTALL);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SigningKeys() {}

    /** A fresh key pair from the JDK's strong random source. */
    public static SigningKey generate() {
        try {
            KeyPair pair =
                    KeyPairGenerator.getInstance(CheckpointSignatures.ALGORITHM).generateKeyPair();
            return new SigningKey(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519 key generator", e);
        }
    }

    /** Reads a PKCS#8 PEM private key file. */
    public static SigningKey load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the checkpoint signing key " + file + ": " + e, e);
        }
        return parse(text, "file " + file);
    }

    /**
     * Parses PEM PKCS#8 text; {@code origin} names where it came from in error messages (the
     * text itself is never repeated).
     */
    public static SigningKey parse(String pem, String origin) {
        byte[] der = pemBody(pem, "PRIVATE KEY")
                .orElseThrow(() -> new IllegalArgumentException("the checkpoint signing key from " + origin
                        + " is not a PEM 'PRIVATE KEY' (PKCS#8); generate one with `vigil keys signing rotate` or"
                        + " `openssl genpkey -algorithm ed25519`"));
        PrivateKey privateKey;
        try {
            privateKey = KeyFactory.getInstance(CheckpointSignatures.ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the checkpoint signing key from " + origin
                    + " is not an Ed25519 PKCS#8 private key (" + e.getClass().getSimpleName() + ")");
        }
        return new SigningKey(privateKey, publicKeyOf(privateKey));
    }

    /** Parses a PEM X.509 SubjectPublicKeyInfo Ed25519 public key. */
    public static PublicKey parsePublic(String pem, String origin) {
        byte[] der = pemBody(pem, "PUBLIC KEY")
                .orElseThrow(() -> new IllegalArgumentException(origin + " is not a PEM 'PUBLIC KEY'"));
        try {
            return KeyFactory.getInstance(CheckpointSignatures.ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(origin + " is not an Ed25519 public key (" + e.getMessage() + ")");
        }
    }

    public static String publicPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    static String privatePem(SigningKey key) {
        return pem("PRIVATE KEY", key.privateKey().getEncoded());
    }

    /**
     * Writes the private key as PEM, readable by its owner only: the file is created 0600 before
     * any key byte is written, next to the target, then moved over it atomically, so a crash
     * leaves either the old key or the new one, never half a key or a world-readable one.
     */
    public static void writePrivate(SigningKey key, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = createOwnerOnly(dir.resolve("." + file.getFileName() + ".tmp"));
            Files.writeString(tmp, privatePem(key), StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint signing key to " + file, e);
        }
    }

    /**
     * Rotation: a new key replaces the one in {@code privateKeyFile}; the new public key goes
     * into the ring and becomes active there. The retired key's public half is published first
     * (if a previous key exists and is not in the ring yet), so checkpoints it signed stay
     * verifiable; its private half is overwritten, as nothing may sign with it any more.
     */
    public static Rotation rotate(Path privateKeyFile, Path ringDir) {
        Optional<SigningKey> retired =
                Files.exists(privateKeyFile) ? Optional.of(load(privateKeyFile)) : Optional.empty();
        retired.ifPresent(old -> PublicKeyRing.publish(ringDir, old.publicKey(), false));
        SigningKey next = generate();
        // Public key first: a checkpoint signed with the new key must never exist without its key in the ring.
        PublicKeyRing.publish(ringDir, next.publicKey(), false);
        writePrivate(next, privateKeyFile);
        PublicKeyRing.markActive(ringDir, next.keyId());
        return new Rotation(next, retired.map(SigningKey::keyId));
    }

    public record Rotation(SigningKey active, Optional<String> retiredKeyId) {}

    /**
     * The Ed25519 public key of a private key. The JDK does not expose the derivation, but its
     * key pair generator takes the 32-byte private key (RFC 8032 seed) from the random source:
     * fed the seed, it derives exactly that key's public half.
     */
    private static PublicKey publicKeyOf(PrivateKey privateKey) {
        if (!(privateKey instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an Ed25519 private key");
        }
        byte[] seed = ed.getBytes().get();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(CheckpointSignatures.ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            KeyPair pair = generator.generateKeyPair();
            return pair.getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the Ed25519 public key", e);
        } finally {
            java.util.Arrays.fill(seed, (byte) 0);
        }
    }

    private static Optional<byte[]> pemBody(String text, String type) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                try {
                    return Optional.of(Base64.getMimeDecoder().decode(m.group(2)));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static Path createOwnerOnly(Path file) throws IOException {
        Files.deleteIfExists(file);
        try {
            FileAttribute<Set<PosixFilePermission>> perms = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
            return Files.createFile(file, perms);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the folder's access rules are all there is.
            return Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("temporary key file " + file + " appeared concurrently", e);
        }
    }

    /** Hands out the given seed once: the generator asks for exactly the 32 private-key bytes. */
    private static final class SeedRandom extends SecureRandom {
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("unexpected request for " + bytes.length + " random bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
