package dev.vigil.trail.checkpoint;

import dev.vigil.schemas.Checkpoint;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Objects;

/**
 * The active checkpoint signing key: the Ed25519 private key, its public half and its key id
 * ({@link CheckpointSignatures#keyId}). {@link #toString()} never shows the private key, so a
 * config or a key logged by mistake leaks nothing.
 */
public final class SigningKey {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    SigningKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        this.keyId = CheckpointSignatures.keyId(publicKey);
    }

    public String keyId() {
        return keyId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The private half; only {@link SigningKeys} writes it out (0600 PEM). */
    PrivateKey privateKey() {
        return privateKey;
    }

    /** Signs with {@link CheckpointSignatures#sign}: sets key id, algorithm and signature. */
    public Checkpoint sign(Checkpoint unsigned) {
        return CheckpointSignatures.sign(unsigned, privateKey, keyId);
    }

    /**
     * A plain Ed25519 signature over {@code data}, for what is not a checkpoint (the audit API's
     * evidence bundle manifests, with a key of their own); the private key never leaves this class.
     */
    public byte[] signBytes(byte[] data) {
        try {
            java.security.Signature s = java.security.Signature.getInstance(CheckpointSignatures.ALGORITHM);
            s.initSign(privateKey);
            s.update(data);
            return s.sign();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with Ed25519", e);
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + CheckpointSignatures.ALGORITHM + ", keyId=" + keyId + "]";
    }
}
