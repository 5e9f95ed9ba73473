package dev.vigil.schemas.evidence;

import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The raw payload behind an input, cut into chunks of at most {@link Topics#EVIDENCE_CHUNK_BYTES}
 * for {@code vigil.evidence}: every writer of inputs (ingest, and audit-api for access records and
 * risk acceptances) keeps its payloads the same way, so the evidence indexer and auditors read one
 * format.
 */
public final class EvidenceChunks {

    /** {@code EvidenceChunk.encryption} of chunks encrypted with the payload's own data key. */
    public static final String AES_256_GCM_V1 = "aes-256-gcm:v1";

    /** Bytes of a data key (AES-256). */
    public static final int DATA_KEY_BYTES = 32;

    private static final int TAG_BITS = 128;
    private static final int NONCE_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private EvidenceChunks() {}

    /**
     * Kafka key of a payload's data key on {@code vigil.evidence-keys} and its Elasticsearch id:
     * {@code tenant/sha256}.
     */
    public static String dataKeyId(String tenant, String sha256) {
        return tenant + "/" + sha256;
    }

    /** A fresh random data key: one per payload, so destroying it erases that payload only. */
    public static byte[] newDataKey() {
        byte[] key = new byte[DATA_KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    /** Kafka key of one chunk: {@code tenant/sha256/index}; tenants never share an evidence key. */
    public static String key(String tenant, String sha256, int index) {
        return tenant + "/" + sha256 + "/" + index;
    }

    /** Hex SHA-256 of a payload: its evidence address. */
    public static String sha256(byte[] body) {
        try {
            return HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    public static List<EvidenceChunk> chunks(
            String tenant, String sha256, String mediaType, Instant receivedAt, byte[] body) {
        return chunks(tenant, sha256, mediaType, receivedAt, body, Topics.EVIDENCE_CHUNK_BYTES);
    }

    public static List<EvidenceChunk> chunks(
            String tenant, String sha256, String mediaType, Instant receivedAt, byte[] body, int chunkBytes) {
        return chunks(tenant, sha256, mediaType, receivedAt, body, chunkBytes, null);
    }

    /**
     * The payload's chunks, each encrypted with {@code dataKey} (AES-256-GCM) unless it is null.
     * {@code sha256}, {@code size} and the cut stay those of the plaintext: the trail's address does
     * not change, and the reader checks the decrypted bytes against it.
     */
    public static List<EvidenceChunk> chunks(
            String tenant,
            String sha256,
            String mediaType,
            Instant receivedAt,
            byte[] body,
            int chunkBytes,
            byte[] dataKey) {
        int count = Math.max(1, (body.length + chunkBytes - 1) / chunkBytes);
        List<EvidenceChunk> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * chunkBytes;
            int to = Math.min(body.length, from + chunkBytes);
            chunks.add(EvidenceChunk.newBuilder()
                    .setTenant(tenant)
                    .setSha256(sha256)
                    .setIndex(i)
                    .setCount(count)
                    .setSize(body.length)
                    .setMediaType(mediaType == null || mediaType.isEmpty() ? null : mediaType)
                    .setReceivedAt(receivedAt.truncatedTo(ChronoUnit.MILLIS))
                    .setData(ByteBuffer.wrap(
                            dataKey == null
                                    ? Arrays.copyOfRange(body, from, to)
                                    : crypt(
                                            Cipher.ENCRYPT_MODE,
                                            dataKey,
                                            tenant,
                                            sha256,
                                            i,
                                            count,
                                            Arrays.copyOfRange(body, from, to))))
                    .setEncryption(dataKey == null ? null : AES_256_GCM_V1)
                    .build());
        }
        return chunks;
    }

    /**
     * The plaintext of one encrypted chunk.
     *
     * @throws GeneralSecurityException when the key is not the payload's or the chunk (or its
     *     address: tenant, sha256, index, count) was altered
     */
    public static byte[] decrypt(byte[] dataKey, String tenant, String sha256, int index, int count, byte[] ciphertext)
            throws GeneralSecurityException {
        try {
            return crypt(Cipher.DECRYPT_MODE, dataKey, tenant, sha256, index, count, ciphertext);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof GeneralSecurityException g) {
                throw g;
            }
            throw e;
        }
    }

    /**
     * The key is used for this one payload only, so the chunk index is a unique nonce; the address
     * is authenticated data, so a chunk moved to another index or payload does not open.
     */
    private static final int CRYPT_SLICE_BYTES = 16 * 1024;

    private static byte[] crypt(
            int mode, byte[] dataKey, String tenant, String sha256, int index, int count, byte[] input) {
        if (dataKey == null || dataKey.length != DATA_KEY_BYTES) {
            throw new IllegalArgumentException("a data key is " + DATA_KEY_BYTES + " bytes");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            byte[] nonce = ByteBuffer.allocate(NONCE_BYTES)
                    .putInt(NONCE_BYTES - 4, index)
                    .array();
            cipher.init(mode, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(("vigil-evidence-v1|" + tenant + "|" + sha256 + "|" + index + "|" + count)
                    .getBytes(StandardCharsets.UTF_8));
            if (mode != Cipher.ENCRYPT_MODE || input.length <= CRYPT_SLICE_BYTES) {
                return cipher.doFinal(input);
            }
            // The same ciphertext and tag as one doFinal, fed in slices: HotSpot's AES-GCM intrinsic serves
            // calls that are hot, and a few large calls (one per chunk of up to 512 KiB) stay in the plain Java
            // GHASH at ~100 MB/s per core, against 2-3 GB/s sliced (docs/performance.md, HTTP ingest).
            byte[] output = new byte[cipher.getOutputSize(input.length)];
            int written = 0;
            int offset = 0;
            for (; input.length - offset > CRYPT_SLICE_BYTES; offset += CRYPT_SLICE_BYTES) {
                written += cipher.update(input, offset, CRYPT_SLICE_BYTES, output, written);
            }
            written += cipher.doFinal(input, offset, input.length - offset, output, written);
            return written == output.length ? output : java.util.Arrays.copyOf(output, written);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed on evidence chunk " + index + ": " + e, e);
        }
    }
}
