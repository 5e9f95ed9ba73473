package dev.vigil.trail.privacy;

import dev.vigil.schemas.Attributes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Personal data in trail records: each cleartext value is stored only as
 * {@code enc:v1:<person ref>:<base64url(nonce ‖ AES-256-GCM ciphertext ‖ tag)>}, encrypted with
 * the key of the person it names. The key lives outside the chain ({@code vigil.person-keys});
 * destroying it makes every value of that person unreadable while the records, and so the hash
 * chain, stay as they were (crypto-shredding, docs/erasure.md).
 *
 * <p>The 96-bit nonce is {@code HMAC-SHA256(person key, "nonce|" + field + "|" + cleartext)}: a
 * replay of an input after a crash encrypts to the same bytes, so it hashes the same; two distinct
 * values never share a nonce (up to an HMAC collision). The price is that equal cleartexts of one
 * person in one field encrypt equally, which only repeats what the person reference already says.
 * The additional authenticated data is the person reference, so a value cannot be moved to
 * another person's name undetected.
 */
public final class PersonalData {

    public static final String PREFIX = "enc:v1:";
    public static final int KEY_BYTES = 32;

    /**
     * The keys of {@code PipelineEvent.attributes} whose values name people (logins,
     * comma-separated where several): pseudonymized for the controls, encrypted in the trail.
     * {@link Attributes#ARTIFACT_SIGNER} is not among them: signers are workload identities
     * compared with a configured allow-list; see docs/erasure.md.
     */
    public static final Set<String> PERSONAL_ATTRIBUTES = Set.of(
            Attributes.CHANGE_AUTHOR,
            Attributes.CHANGE_MERGED_BY,
            Attributes.CHANGE_APPROVERS,
            Attributes.DEPLOY_APPROVERS);

    /** The key of {@code Finding.attributes} that names a person. */
    public static final Set<String> PERSONAL_FINDING_ATTRIBUTES = Set.of(Attributes.SUPPRESSION_APPROVER);

    /** Record attributes (not input attributes) holding the actor's encrypted id, name and e-mail. */
    public static final String ACTOR_ID = "actor.id";

    public static final String ACTOR_NAME = "actor.name";
    public static final String ACTOR_EMAIL = "actor.email";
    /** Record attribute of an erasure record: how many person keys its task destroyed (0 or 1). */
    public static final String ERASURE_KEYS_DESTROYED = "erasure.keys-destroyed";

    /**
     * Record attribute of an erasure record: how many data keys of evidence payloads naming the
     * person its task destroyed (tombstones sent to vigil.evidence-keys).
     */
    public static final String ERASURE_EVIDENCE_KEYS_DESTROYED = "erasure.evidence-keys-destroyed";

    /**
     * Scope of the erasure request delivered to input partition {@code n}: {@code vigil/erasure/p<n>}.
     * One chain per partition, so each erasure chain lives in exactly one streams task.
     */
    public static final String ERASURE_SCOPE_PREFIX = "vigil/erasure/p";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private PersonalData() {}

    /** A parsed {@code enc:v1:} value: whose it is and its sealed bytes. */
    public record Sealed(String personRef, byte[] sealed) {}

    public static String erasureScope(int partition) {
        return ERASURE_SCOPE_PREFIX + partition;
    }

    public static boolean isEncrypted(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** Encrypts {@code cleartext} of {@code field} for the person {@code personRef} with that person's key. */
    public static String encrypt(byte[] personKey, String personRef, String field, String cleartext) {
        checkKey(personKey);
        if (!Pseudonyms.isRef(personRef)) {
            throw new IllegalArgumentException("not a person reference: " + personRef);
        }
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(cleartext, "cleartext");
        byte[] plain = cleartext.getBytes(StandardCharsets.UTF_8);
        byte[] nonce = Arrays.copyOf(Pseudonyms.hmac(personKey, "nonce|" + field + "|" + cleartext), NONCE_BYTES);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(personKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            gcm.updateAAD(personRef.getBytes(StandardCharsets.UTF_8));
            byte[] body = gcm.doFinal(plain);
            byte[] sealed = ByteBuffer.allocate(NONCE_BYTES + body.length)
                    .put(nonce)
                    .put(body)
                    .array();
            return PREFIX + personRef + ":" + B64.encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available", e);
        }
    }

    /** Parses an {@code enc:v1:} value; empty when it is not one. */
    public static Optional<Sealed> parse(String value) {
        if (!isEncrypted(value)) {
            return Optional.empty();
        }
        String rest = value.substring(PREFIX.length());
        int colon = rest.lastIndexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String ref = rest.substring(0, colon);
        if (!Pseudonyms.isRef(ref)) {
            return Optional.empty();
        }
        try {
            byte[] sealed = B64D.decode(rest.substring(colon + 1));
            return sealed.length <= NONCE_BYTES ? Optional.empty() : Optional.of(new Sealed(ref, sealed));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The cleartext, or empty when {@code personKey} is not the key it was sealed with. */
    public static Optional<String> decrypt(byte[] personKey, String value) {
        checkKey(personKey);
        Optional<Sealed> parsed = parse(value);
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("not an encrypted value (enc:v1:<ref>:<data>)");
        }
        Sealed s = parsed.get();
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(personKey, "AES"),
                    new GCMParameterSpec(TAG_BITS, s.sealed(), 0, NONCE_BYTES));
            gcm.updateAAD(s.personRef().getBytes(StandardCharsets.UTF_8));
            byte[] plain = gcm.doFinal(s.sealed(), NONCE_BYTES, s.sealed().length - NONCE_BYTES);
            return Optional.of(new String(plain, StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available", e);
        }
    }

    private static void checkKey(byte[] personKey) {
        if (personKey == null || personKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("a person key is " + KEY_BYTES + " bytes");
        }
    }
}
