package dev.vigil.trail.checkpoint;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.CanonicalJson;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * Signing and checking checkpoints (signed chain heads), version 1 — the contract between the
 * streams app that signs and every verifier (vigil verify, audit-api, a third party):
 *
 * <ul>
 *   <li>signed bytes: RFC 8785 (JCS) canonical JSON of {@code {"version":1, "chain":"<tenant>/<scope>",
 *       "seq":<n>, "hash":"<hex>", "created_at":"<RFC 3339, UTC, milliseconds>", "key_id":"<id>",
 *       "algorithm":"Ed25519"}};
 *   <li>signature: Ed25519 (RFC 8032) over those bytes;
 *   <li>key id: the first 16 hex digits of SHA-256 over the public key's X.509
 *       SubjectPublicKeyInfo DER encoding ({@link PublicKey#getEncoded()}), so a verifier finds the
 *       key in a key ring, and a rotated-out key still verifies the checkpoints it signed.
 * </ul>
 */
public final class CheckpointSignatures {

    public static final int VERSION = 1;
    public static final String ALGORITHM = "Ed25519";

    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private CheckpointSignatures() {}

    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The bytes a checkpoint's signature covers (everything but the signature). */
    public static byte[] signedBytes(Checkpoint c) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("version", VERSION);
        node.put("chain", AuditChain.chainId(c.getTenant(), c.getScope()));
        node.put("seq", c.getSeq());
        node.put("hash", c.getHash());
        node.put("created_at", MILLIS.format(c.getCreatedAt().truncatedTo(ChronoUnit.MILLIS)));
        node.put("key_id", c.getKeyId());
        node.put("algorithm", c.getAlgorithm());
        return CanonicalJson.bytes(node);
    }

    /** Returns the checkpoint with its key id set from the key pair's public half and its signature. */
    public static Checkpoint sign(Checkpoint unsigned, PrivateKey key, String keyId) {
        Checkpoint draft = Checkpoint.newBuilder(unsigned)
                .setKeyId(keyId)
                .setAlgorithm(ALGORITHM)
                .setSignature(ByteBuffer.wrap(new byte[0]))
                .build();
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(signedBytes(draft));
            return Checkpoint.newBuilder(draft)
                    .setSignature(ByteBuffer.wrap(signer.sign()))
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign checkpoint of " + unsigned.getTenant() + "/"
                    + unsigned.getScope() + ":" + unsigned.getSeq() + " with key " + keyId, e);
        }
    }

    /** True when the signature is a valid Ed25519 signature of the checkpoint by {@code key}. */
    public static boolean verify(Checkpoint c, PublicKey key) {
        if (!ALGORITHM.equals(c.getAlgorithm())) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(signedBytes(c));
            ByteBuffer sig = c.getSignature().duplicate();
            byte[] bytes = new byte[sig.remaining()];
            sig.get(bytes);
            return verifier.verify(bytes);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
