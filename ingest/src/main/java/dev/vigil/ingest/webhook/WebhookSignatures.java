package dev.vigil.ingest.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a webhook proves it comes from the configured source. Both checks compare in constant time
 * and run over the raw bytes before anything parses them.
 */
public final class WebhookSignatures {

    static final String GITHUB_HEADER = "X-Hub-Signature-256";
    static final String GITLAB_HEADER = "X-Gitlab-Token";
    private static final String PREFIX = "sha256=";

    private WebhookSignatures() {}

    /** {@code sha256=<hex HMAC-SHA256(secret, body)>}, as GitHub sends it in X-Hub-Signature-256. */
    public static String gitHubSignature(String secret, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(secret, body));
    }

    /**
     * Whether {@code header} is GitHub's signature of exactly these bytes. The legacy SHA-1
     * {@code X-Hub-Signature} is never consulted: SHA-1 HMACs are not what we want an audit trail
     * to rest on, and GitHub always sends the SHA-256 one beside it.
     */
    public static boolean verifyGitHub(String secret, byte[] body, String header) {
        byte[] expected = hmac(secret, body);
        byte[] presented = parseSignature(header);
        // Compared even when the header is malformed, so a bad header costs the same time as a wrong one.
        boolean equal = MessageDigest.isEqual(expected, presented == null ? new byte[expected.length] : presented);
        return equal && presented != null;
    }

    /**
     * Whether {@code token} equals the secret. GitLab sends the secret itself (no HMAC), so both
     * are hashed first: that fixes the compared length and leaves nothing to learn from timing.
     */
    public static boolean verifyGitLab(String secret, String token) {
        byte[] expected = sha256(secret);
        byte[] presented = sha256(token == null ? "" : token);
        return MessageDigest.isEqual(expected, presented) && token != null;
    }

    private static byte[] parseSignature(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) || value.length() != PREFIX.length() + 64) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(value.substring(PREFIX.length()).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JDK", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
