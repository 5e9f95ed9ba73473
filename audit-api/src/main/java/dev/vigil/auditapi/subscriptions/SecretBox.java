package dev.vigil.auditapi.subscriptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts webhook signing secrets before they go to Kafka: AES-256-GCM with a key kept in a file
 * of the data directory ({@code <data-dir>/subscriptions/secrets.key}, created on first use,
 * readable by its owner only). The subscription id is the associated data, so a ciphertext copied
 * onto another subscription does not decrypt. Every audit-api instance must share the key file.
 */
public final class SecretBox {

    private static final int IV_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path file;
    private SecretKeySpec key;

    private SecretBox(Path file) {
        this.file = file;
    }

    /** The box of a key file, read (or created) on first use, so an instance without webhooks never writes it. */
    public static SecretBox lazy(Path file) {
        return new SecretBox(file);
    }

    private synchronized SecretKeySpec key() {
        if (key == null) {
            key = new SecretKeySpec(load(file), "AES");
        }
        return key;
    }

    public static Path keyFile(Path dataDir) {
        return dataDir.resolve("subscriptions").resolve("secrets.key");
    }

    /** Loads the key file, creating it with a fresh random key when there is none. */
    static byte[] load(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                byte[] fresh = new byte[32];
                RANDOM.nextBytes(fresh);
                try {
                    Files.write(file, Base64.getEncoder().encode(fresh), StandardOpenOption.CREATE_NEW);
                    try {
                        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException e) {
                        // Not a POSIX file system: the directory's protection has to do.
                    }
                } catch (FileAlreadyExistsException e) {
                    // Another instance created it first: use theirs.
                }
            }
            byte[] key = Base64.getDecoder()
                    .decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            if (key.length != 32) {
                throw new IllegalStateException(file + " does not hold a 256-bit key (base64)");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the webhook secret key " + file, e);
        }
    }

    public String seal(String secret, String subscriptionId) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(128, iv));
            c.updateAAD(subscriptionId.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(iv.length + ct.length)
                            .put(iv)
                            .put(ct)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    public String open(String sealed, String subscriptionId) {
        try {
            byte[] all = Base64.getDecoder().decode(sealed);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(128, all, 0, IV_BYTES));
            c.updateAAD(subscriptionId.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "cannot decrypt the secret of subscription " + subscriptionId
                            + ": is this instance's secrets.key the one that sealed it?",
                    e);
        }
    }
}
