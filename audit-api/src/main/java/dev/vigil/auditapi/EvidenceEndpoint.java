package dev.vigil.auditapi;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.GetResponse;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import dev.vigil.common.http.Response;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.trail.evidence.EvidenceDocument;
import dev.vigil.trail.evidence.EvidenceIndex;
import dev.vigil.trail.evidence.EvidenceKeyDocument;
import dev.vigil.trail.evidence.EvidenceKeyIndex;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET|HEAD /v1/evidence/{sha256}}: an input's raw payload, reassembled from its chunks in
 * the evidence index. The payload is checked before the first byte is sent: a first pass reads the
 * chunks one by one (never the whole payload in memory) and checks every chunk's address, the
 * total size and the SHA-256 against the address; only then does a second pass stream them. A
 * chunk that changes between the passes breaks the digest of the second pass, and the connection
 * is cut before the announced {@code Content-Length} is reached, so a client never takes an
 * altered payload for a complete one.
 *
 * <p>Chunks encrypted by ingest ({@code encryption} set) are decrypted with the payload's data key
 * from {@link EvidenceKeyIndex}, and it is the plaintext that is checked against the address. A
 * missing key means the payload was erased (its person's erasure deleted the key,
 * docs/erasure.md): 410 {@value #ERASED}. Plaintext chunks (kept before encryption) are served as
 * before.
 *
 * <p>Evidence is looked up under the caller's tenant only: another tenant's evidence is the same
 * 404 as evidence that does not exist, so its existence is not revealed.
 */
final class EvidenceEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceEndpoint.class);

    static final String PATH_PREFIX = "/v1/evidence/";
    static final String NOT_FOUND = "evidence-not-found";
    static final String CORRUPTED = "evidence-corrupted";
    static final String ERASED = "evidence-erased";
    static final String DEFAULT_MEDIA_TYPE = "application/octet-stream";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final ElasticsearchClient client;
    private final EvidenceIndex index;
    private final EvidenceKeyIndex keyIndex;

    EvidenceEndpoint(ElasticsearchClient client, EvidenceIndex index, EvidenceKeyIndex keyIndex) {
        this.client = client;
        this.index = index;
        this.keyIndex = keyIndex;
    }

    EvidenceKeyIndex keyIndex() {
        return keyIndex;
    }

    /** The link a record answer carries to its evidence. */
    static String url(String sha256) {
        return PATH_PREFIX + sha256;
    }

    /** Answers the checked payload (streamed) or a problem. IOExceptions mean Elasticsearch could not be reached. */
    Response serve(String tenant, String path) throws IOException {
        String sha256 = path.substring(PATH_PREFIX.length());
        if (!SHA256.matcher(sha256).matches()) {
            throw new ProblemException(Problem.invalidField(
                    "invalid-evidence-address",
                    "Invalid Evidence Address",
                    "/path/sha256",
                    "The evidence address is the payload's SHA-256 as 64 lowercase hex digits."));
        }
        EvidenceDocument first = chunk(tenant, sha256, 0);
        if (first == null) {
            throw notFound(sha256);
        }
        byte[] dataKey = dataKey(tenant, sha256, first);
        Check check = check(tenant, sha256, first, dataKey);
        String mediaType =
                first.mediaType() == null || first.mediaType().isBlank() ? DEFAULT_MEDIA_TYPE : first.mediaType();
        byte[] digest = HexFormat.of().parseHex(sha256);
        return Response.stream(200, mediaType, check.size(), out -> {
                    MessageDigest again = sha256Digest();
                    for (int i = 0; i < check.count(); i++) {
                        EvidenceDocument chunk = chunk(tenant, sha256, i);
                        if (chunk == null || chunk.data() == null || !sameAddress(first, chunk, i)) {
                            throw new IOException(streamBroken(tenant, sha256, i, "chunk vanished or changed"));
                        }
                        byte[] plain = plaintext(chunk, dataKey);
                        if (plain == null) {
                            throw new IOException(streamBroken(tenant, sha256, i, "chunk no longer decrypts"));
                        }
                        again.update(plain);
                        if (i == check.count() - 1 && !MessageDigest.isEqual(again.digest(), digest)) {
                            // Not written: the client then sees fewer bytes than Content-Length announced.
                            throw new IOException(streamBroken(tenant, sha256, i, "payload changed while it was sent"));
                        }
                        out.write(plain);
                    }
                })
                .header("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(digest) + ":");
    }

    private record Check(int count, long size) {}

    /** The first pass: every chunk present, addressed consistently, sizes adding up, and the digest right. */
    private Check check(String tenant, String sha256, EvidenceDocument first, byte[] dataKey) throws IOException {
        int count = first.count();
        if (count < 1 || first.size() < 0) {
            throw corrupted(tenant, sha256, 0, "chunk 0 says count " + count + ", size " + first.size());
        }
        MessageDigest digest = sha256Digest();
        long total = 0;
        for (int i = 0; i < count; i++) {
            EvidenceDocument chunk = i == 0 ? first : chunk(tenant, sha256, i);
            if (chunk == null) {
                LOG.error(
                        "evidence {} of tenant {}: chunk {} of {} ({}) is missing from {}; answered 404. If the"
                                + " evidence indexer is behind, it appears shortly; otherwise the chunk was deleted:"
                                + " re-index it from the vigil.evidence topic",
                        sha256,
                        tenant,
                        i,
                        count,
                        EvidenceIndex.documentId(tenant, sha256, i),
                        index.alias());
                throw notFound(sha256);
            }
            if (chunk.data() == null || !sameAddress(first, chunk, i)) {
                throw corrupted(tenant, sha256, i, "its tenant, address, index, count or size does not match chunk 0");
            }
            byte[] plain = plaintext(chunk, dataKey);
            if (plain == null) {
                throw corrupted(tenant, sha256, i, "it does not decrypt with the payload's data key");
            }
            total += plain.length;
            if (total > first.size()) {
                throw corrupted(
                        tenant, sha256, i, "the chunks hold more than the " + first.size() + " bytes announced");
            }
            digest.update(plain);
        }
        if (total != first.size()) {
            throw corrupted(tenant, sha256, count - 1, "the chunks hold " + total + " bytes, not " + first.size());
        }
        if (!MessageDigest.isEqual(digest.digest(), HexFormat.of().parseHex(sha256))) {
            throw corrupted(
                    tenant, sha256, -1, "the SHA-256 of the reassembled " + total + " bytes is not the address");
        }
        return new Check(count, total);
    }

    private static boolean sameAddress(EvidenceDocument first, EvidenceDocument chunk, int i) {
        return Objects.equals(first.tenant(), chunk.tenant())
                && Objects.equals(first.sha256(), chunk.sha256())
                && chunk.index() == i
                && chunk.count() == first.count()
                && chunk.size() == first.size()
                && Objects.equals(first.encryption(), chunk.encryption());
    }

    /**
     * The data key of an encrypted payload (read once, used by both passes), null for plaintext.
     * No key: the payload was erased, answered 410 rather than 404 because the trail still names it.
     */
    private byte[] dataKey(String tenant, String sha256, EvidenceDocument first) throws IOException {
        if (!first.encrypted()) {
            return null;
        }
        if (!EvidenceChunks.AES_256_GCM_V1.equals(first.encryption())) {
            throw corrupted(tenant, sha256, 0, "unknown encryption '" + first.encryption() + "'");
        }
        GetResponse<EvidenceKeyDocument> got = client.get(
                g -> g.index(keyIndex.name()).id(EvidenceKeyIndex.documentId(tenant, sha256)),
                EvidenceKeyDocument.class);
        if (!got.found() || got.source() == null || got.source().key() == null) {
            throw new ProblemException(Problem.of(
                    410,
                    ERASED,
                    "Evidence Erased",
                    "The evidence with SHA-256 " + sha256 + " was erased: its data key was destroyed when a"
                            + " person it names was erased, so it can no longer be read. The trail still"
                            + " records its SHA-256."));
        }
        return got.source().key();
    }

    /** The chunk's plaintext: its data, or its data decrypted; null when it does not decrypt. */
    private static byte[] plaintext(EvidenceDocument chunk, byte[] dataKey) {
        if (!chunk.encrypted()) {
            return chunk.data();
        }
        try {
            return EvidenceChunks.decrypt(
                    dataKey, chunk.tenant(), chunk.sha256(), chunk.index(), chunk.count(), chunk.data());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    private EvidenceDocument chunk(String tenant, String sha256, int i) throws IOException {
        // A realtime get by _id: a chunk just indexed is found, and the tenant is part of the id.
        GetResponse<EvidenceDocument> got = client.get(
                g -> g.index(index.alias()).id(EvidenceIndex.documentId(tenant, sha256, i)), EvidenceDocument.class);
        return got.found() ? got.source() : null;
    }

    private ProblemException corrupted(String tenant, String sha256, int chunk, String why) {
        LOG.error(
                "EVIDENCE CORRUPTED: evidence {} of tenant {} in {}{}: {}. Nothing was sent (answered 500). Compare"
                        + " with the vigil.evidence topic and investigate who changed the index",
                sha256,
                tenant,
                index.alias(),
                chunk < 0 ? "" : ", chunk " + chunk + " (" + EvidenceIndex.documentId(tenant, sha256, chunk) + ")",
                why);
        return new ProblemException(Problem.of(
                500,
                CORRUPTED,
                "Evidence Corrupted",
                "The stored evidence does not match its SHA-256 address; nothing was sent. The incident was"
                        + " logged."));
    }

    private String streamBroken(String tenant, String sha256, int chunk, String why) {
        String message = "evidence " + sha256 + " of tenant " + tenant + ", chunk " + chunk + ": " + why
                + "; the response was cut short";
        LOG.error("EVIDENCE CORRUPTED while streaming: {}", message);
        return message;
    }

    private static ProblemException notFound(String sha256) {
        return new ProblemException(Problem.of(
                404, NOT_FOUND, "Evidence Not Found", "No evidence with SHA-256 " + sha256 + " for your tenant."));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
