package dev.vigil.auditapi.subscriptions;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code Vigil-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}. The timestamp
 * ({@code Vigil-Timestamp}, unix seconds) is inside the MAC, so a receiver that refuses old
 * timestamps refuses replays (docs/subscriptions.md).
 */
public final class WebhookSignature {

    private WebhookSignature() {}

    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The receiver's check: right MAC, and a timestamp within {@code toleranceSeconds} of now. */
    public static boolean verify(
            String secret,
            String timestampHeader,
            String signatureHeader,
            byte[] body,
            long nowSeconds,
            long toleranceSeconds) {
        long ts;
        try {
            ts = Long.parseLong(timestampHeader.trim());
        } catch (RuntimeException e) {
            return false;
        }
        if (Math.abs(nowSeconds - ts) > toleranceSeconds || signatureHeader == null) {
            return false;
        }
        byte[] expected = sign(secret, ts, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signatureHeader.trim().getBytes(StandardCharsets.US_ASCII));
    }
}
