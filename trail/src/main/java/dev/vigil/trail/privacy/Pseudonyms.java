package dev.vigil.trail.privacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stable pseudonyms of people: {@code "p:" + hex(HMAC-SHA256(tenant key, normalized id))}, cut to
 * 128 bits, where the tenant key is {@code HMAC-SHA256(pseudonym key, "vigil-pseudonym-v1:" + tenant)}.
 * The same login always gives the same reference in one tenant, so controls still compare
 * identities (author ≠ reviewer) and an auditor holding the key can find one person's records;
 * without the key a reference reveals nothing, and it differs between tenants.
 *
 * <p>Normalization: trimmed and lower-cased ({@link Locale#ROOT}), because the logins and e-mail
 * addresses of the source systems compare case-insensitively.
 */
public final class Pseudonyms {

    public static final String PREFIX = "p:";
    /** Hex digits of a reference after its prefix (128 bits). */
    public static final int HEX_DIGITS = 32;

    public static final int MIN_KEY_BYTES = 32;

    private static final Pattern REF = Pattern.compile("p:[0-9a-f]{" + HEX_DIGITS + "}");
    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] key;

    public Pseudonyms(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "a pseudonym key needs at least " + MIN_KEY_BYTES + " bytes, got " + key.length);
        }
        this.key = key.clone();
    }

    /** A random key: for tests and topologies that never need to name a person from outside. */
    public static Pseudonyms ephemeral() {
        return new Pseudonyms(randomKey());
    }

    public static byte[] randomKey() {
        byte[] bytes = new byte[MIN_KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** The reference of {@code personId} (a login, user id or e-mail address) in {@code tenant}. */
    public String ref(String tenant, String personId) {
        Objects.requireNonNull(tenant, "tenant");
        String normalized = normalize(personId);
        if (normalized.isEmpty()) {
            throw new IllegalArgumentException("a person id must not be blank");
        }
        byte[] tenantKey = hmac(key, "vigil-pseudonym-v1:" + tenant);
        byte[] digest = hmac(tenantKey, normalized);
        return PREFIX + HexFormat.of().formatHex(Arrays.copyOf(digest, HEX_DIGITS / 2));
    }

    public static String normalize(String personId) {
        return personId == null ? "" : personId.strip().toLowerCase(Locale.ROOT);
    }

    public static boolean isRef(String value) {
        return value != null && REF.matcher(value).matches();
    }

    static byte[] hmac(byte[] key, String message) {
        return hmac(key, message.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        // The key must never reach a log line.
        return "Pseudonyms[HMAC-SHA256]";
    }
}
