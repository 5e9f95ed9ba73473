package dev.vigil.trail.verify;

import dev.vigil.trail.checkpoint.CheckpointSignatures;
import dev.vigil.trail.checkpoint.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * The manifest signature of an evidence bundle: Ed25519 over the exact bytes of
 * {@code manifest.json}, stored base64 (one line) in {@code manifest.sig}. Same algorithm and key id
 * scheme as checkpoints, but a key of its own (the audit API's export key).
 */
public final class BundleSignatures {

    private BundleSignatures() {}

    /** The content of {@code manifest.sig}: the base64 signature and a line end. */
    public static String sign(byte[] manifest, SigningKey key) {
        return Base64.getEncoder().encodeToString(key.signBytes(manifest)) + "\n";
    }

    /** False for a signature that is not base64, or does not verify with {@code key}. */
    public static boolean verify(byte[] manifest, byte[] signatureFile, PublicKey key) {
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(new String(signatureFile, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(CheckpointSignatures.ALGORITHM);
            s.initVerify(key);
            s.update(manifest);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
