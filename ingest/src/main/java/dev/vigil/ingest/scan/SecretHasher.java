package dev.vigil.ingest.scan;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces a secret value with {@code sha256-hmac:<hex>}: HMAC-SHA256 under a key only ingest
 * holds. Keyed rather than plain SHA-256 because secrets are often low-entropy or follow known
 * formats: an unkeyed hash in the audit trail could be brute-forced back to the secret. The same
 * secret hashes the same under one key, so "the leaked key is still in the repo" stays answerable.
 */
public final class SecretHasher {

    public static final String PREFIX = "sha256-hmac:";

    private final SecretKeySpec key;

    public SecretHasher(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < 16) {
            throw new IllegalArgumentException("the secret hash key must be at least 16 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    public String hash(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static boolean isHash(String value) {
        return value != null && value.startsWith(PREFIX) && value.length() == PREFIX.length() + 64;
    }

    @Override
    public String toString() {
        return "SecretHasher[key hidden]";
    }
}
