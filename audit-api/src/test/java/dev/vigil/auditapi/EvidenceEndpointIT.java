package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.http.Problem;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.trail.ElasticsearchClients;
import dev.vigil.trail.evidence.EvidenceDocument;
import dev.vigil.trail.evidence.EvidenceIndex;
import dev.vigil.trail.evidence.EvidenceKeyDocument;
import dev.vigil.trail.evidence.EvidenceKeyIndex;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET|HEAD /v1/evidence/{sha256}} against the real Elasticsearch node, with chunks stored
 * exactly as the evidence indexer stores them (one document per chunk of at most 512 KiB, {@code
 * _id} tenant/sha256/index), encrypted with the payload's data key as ingest writes them (key
 * document {@code tenant/sha256} in the evidence key index), or plaintext as before encryption.
 */
class EvidenceEndpointIT {

    static final int CHUNK = 512 * 1024;
    static final String ACME = "acme";
    static final String GLOBEX = "globex";

    static String prefix;
    static ElasticsearchClient es;
    static EvidenceIndex index;
    static EvidenceKeyIndex keyIndex;
    static AuditApiServer server;
    static HttpClient http = HttpClient.newHttpClient();
    static String acmeAuditor;
    static String acmeOfficer;
    static String globexAuditor;
    static byte[] large;
    static String largeSha;
    static byte[] small;
    static String smallSha;

    @BeforeAll
    static void setUp() throws Exception {
        String url = SharedServers.elasticsearch().httpUrl();
        prefix = "it-evidence-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT) + "-";
        es = ElasticsearchClients.create(url);
        index = new EvidenceIndex(prefix);
        keyIndex = new EvidenceKeyIndex(prefix);
        ApiKeys keys = new ApiKeys(List.of());
        acmeAuditor = keys.mint(ACME, Set.of(Role.AUDITOR), "it auditor").key();
        acmeOfficer = keys.mint(ACME, Set.of(Role.OFFICER), "it officer").key();
        globexAuditor = keys.mint(GLOBEX, Set.of(Role.AUDITOR), "it globex").key();
        server = AuditApiServer.start(
                TestConfigs.onSharedServers(new AuditApiConfig(url, prefix, "127.0.0.1", 0, 500, "1m"), prefix), keys);
        index.install(es);
        keyIndex.install(es);

        // 1.2 MiB of incompressible bytes: three chunks, the last one partial
        large = new byte[2 * CHUNK + 200_000];
        new Random(42).nextBytes(large);
        largeSha = sha256(large);
        store(ACME, largeSha, large, "application/vnd.cyclonedx+json");
        small = "{\"bomFormat\":\"CycloneDX\"}".getBytes(StandardCharsets.UTF_8);
        smallSha = sha256(small);
        store(ACME, smallSha, small, "application/json");
    }

    @AfterAll
    static void tearDown() {
        if (server != null) {
            server.close();
        }
        if (es != null) {
            ElasticsearchClients.close(es);
        }
    }

    @Test
    void shouldServeAMultiChunkPayloadByteIdenticalWithItsDigest() throws Exception {
        HttpResponse<byte[]> r = get("GET", largeSha, acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(large);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/vnd.cyclonedx+json");
        assertThat(r.headers().firstValue("Content-Length")).hasValue(Integer.toString(large.length));
        assertThat(r.headers().firstValue("Repr-Digest"))
                .hasValue("sha-256=:"
                        + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(largeSha)) + ":");
        assertThat(sha256(r.body())).isEqualTo(largeSha);
    }

    @Test
    void shouldServeASingleChunkPayloadToAnOfficer() throws Exception {
        HttpResponse<byte[]> r = get("GET", smallSha, acmeOfficer);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"bomFormat\":\"CycloneDX\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void shouldAnswerHeadWithTheHeadersOnly() throws Exception {
        HttpResponse<byte[]> r = get("HEAD", largeSha, acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("Content-Length")).hasValue(Integer.toString(large.length));
        assertThat(r.headers().firstValue("Repr-Digest")).isPresent();
    }

    @Test
    void shouldAnswer404NotForbiddenForAnotherTenantsEvidence() throws Exception {
        HttpResponse<byte[]> r = get("GET", largeSha, globexAuditor);

        assertThat(r.statusCode()).isEqualTo(404);
        JsonNode problem = Json.mapper().readTree(r.body());
        assertThat(problem.get("type").asText()).isEqualTo(Problem.TYPE_BASE + EvidenceEndpoint.NOT_FOUND);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void shouldAnswer404ForUnknownEvidence() throws Exception {
        HttpResponse<byte[]> r = get("GET", sha256("never stored".getBytes(StandardCharsets.UTF_8)), acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseAnAddressThatIsNoSha256() throws Exception {
        HttpResponse<byte[]> r = get("GET", "ABC", acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(r.body()).at("/errors/0/pointer").asText())
                .isEqualTo("/path/sha256");
    }

    @Test
    void shouldRefuseTamperedEvidenceWithoutSendingAByteOfIt() throws Exception {
        byte[] payload = new byte[CHUNK + 1000];
        new Random(7).nextBytes(payload);
        String sha = sha256(payload);
        store(ACME, sha, payload, "application/octet-stream");
        // Someone with write access to the index flips one byte of the second chunk's ciphertext.
        EvidenceDocument stored = es.get(
                        g -> g.index(index.alias()).id(EvidenceIndex.documentId(ACME, sha, 1)), EvidenceDocument.class)
                .source();
        byte[] tampered = stored.data().clone();
        tampered[10] ^= 1;
        EvidenceDocument forged = new EvidenceDocument(
                ACME,
                sha,
                1,
                2,
                payload.length,
                "application/octet-stream",
                "2026-03-01T08:00:00Z",
                tampered,
                EvidenceChunks.AES_256_GCM_V1);
        es.index(i ->
                i.index(index.alias()).id(forged.documentId()).document(forged).refresh(Refresh.True));

        HttpResponse<byte[]> r = get("GET", sha, acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Json.mapper().readTree(r.body()).get("type").asText())
                .isEqualTo(Problem.TYPE_BASE + EvidenceEndpoint.CORRUPTED);
        assertThat(r.headers().firstValue("Repr-Digest")).isEmpty();
        assertThat(r.body().length).isLessThan(1000);
    }

    @Test
    void shouldAnswer404WhenAChunkIsMissing() throws Exception {
        byte[] payload = new byte[CHUNK + 10];
        new Random(9).nextBytes(payload);
        String sha = sha256(payload);
        store(ACME, sha, payload, "application/octet-stream");
        es.delete(d -> d.index(index.alias())
                .id(EvidenceIndex.documentId(ACME, sha, 1))
                .refresh(Refresh.True));

        HttpResponse<byte[]> r = get("GET", sha, acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Json.mapper().readTree(r.body()).get("type").asText())
                .isEqualTo(Problem.TYPE_BASE + EvidenceEndpoint.NOT_FOUND);
    }

    @Test
    void shouldRefusePlaintextEvidenceTamperedWithoutSendingAByteOfIt() throws Exception {
        byte[] payload = new byte[CHUNK + 1000];
        new Random(8).nextBytes(payload);
        String sha = sha256(payload);
        storePlain(ACME, sha, payload, "application/octet-stream");
        byte[] tampered = Arrays.copyOfRange(payload, CHUNK, payload.length);
        tampered[10] ^= 1;
        EvidenceDocument forged = new EvidenceDocument(
                ACME, sha, 1, 2, payload.length, "application/octet-stream", "2026-03-01T08:00:00Z", tampered);
        es.index(i ->
                i.index(index.alias()).id(forged.documentId()).document(forged).refresh(Refresh.True));

        HttpResponse<byte[]> r = get("GET", sha, acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(Json.mapper().readTree(r.body()).get("type").asText())
                .isEqualTo(Problem.TYPE_BASE + EvidenceEndpoint.CORRUPTED);
    }

    @Test
    void shouldServePlaintextEvidenceKeptBeforeEncryption() throws Exception {
        byte[] payload = new byte[CHUNK + 500];
        new Random(11).nextBytes(payload);
        String sha = sha256(payload);
        storePlain(ACME, sha, payload, "application/octet-stream");

        HttpResponse<byte[]> r = get("GET", sha, acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(payload);
    }

    @Test
    void shouldStoreCiphertextOnlyInTheEvidenceIndex() throws Exception {
        EvidenceDocument chunk = es.get(
                        g -> g.index(index.alias()).id(EvidenceIndex.documentId(ACME, smallSha, 0)),
                        EvidenceDocument.class)
                .source();

        assertThat(chunk.encryption()).isEqualTo(EvidenceChunks.AES_256_GCM_V1);
        assertThat(new String(chunk.data(), StandardCharsets.ISO_8859_1)).doesNotContain("CycloneDX");
    }

    @Test
    void shouldAnswer410GoneWhenThePayloadsDataKeyWasDestroyed() throws Exception {
        byte[] payload = "{\"actor\":{\"email\":\"erased@example.com\"}}".getBytes(StandardCharsets.UTF_8);
        String sha = sha256(payload);
        store(ACME, sha, payload, "application/json");
        assertThat(get("GET", sha, acmeAuditor).statusCode()).isEqualTo(200);
        // What the evidence indexer does with the tombstone an erasure writes on vigil.evidence-keys.
        es.delete(d -> d.index(keyIndex.name())
                .id(EvidenceKeyIndex.documentId(ACME, sha))
                .refresh(Refresh.True));

        HttpResponse<byte[]> r = get("GET", sha, acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(410);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Json.mapper().readTree(r.body()).get("type").asText())
                .isEqualTo(Problem.TYPE_BASE + EvidenceEndpoint.ERASED);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("erased@example.com");
    }

    @Test
    void shouldRefuseEncryptedEvidenceUnderAnotherPayloadsKey() throws Exception {
        byte[] payload = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
        String sha = sha256(payload);
        store(ACME, sha, payload, "application/json");
        EvidenceKeyDocument wrong = new EvidenceKeyDocument(ACME, sha, EvidenceChunks.newDataKey());
        es.index(i ->
                i.index(keyIndex.name()).id(wrong.documentId()).document(wrong).refresh(Refresh.True));

        HttpResponse<byte[]> r = get("GET", sha, acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(Json.mapper().readTree(r.body()).get("type").asText())
                .isEqualTo(Problem.TYPE_BASE + EvidenceEndpoint.CORRUPTED);
    }

    static HttpResponse<byte[]> get(String method, String sha, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/evidence/" + sha))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + key)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Stores a payload the way ingest and the evidence indexer do: its data key in the key index,
     * chunks of at most 512 KiB encrypted with it.
     */
    static void store(String tenant, String sha, byte[] payload, String mediaType) throws Exception {
        byte[] key = EvidenceChunks.newDataKey();
        EvidenceKeyDocument keyDoc = new EvidenceKeyDocument(tenant, sha, key);
        es.index(i -> i.index(keyIndex.name())
                .id(keyDoc.documentId())
                .document(keyDoc)
                .refresh(Refresh.True));
        List<EvidenceDocument> docs =
                EvidenceChunks.chunks(
                                tenant, sha, mediaType, Instant.parse("2026-03-01T08:00:00Z"), payload, CHUNK, key)
                        .stream()
                        .map(EvidenceDocument::of)
                        .toList();
        bulk(docs);
    }

    /** Stores a payload as evidence kept before ingest encrypted: plaintext chunks. */
    static void storePlain(String tenant, String sha, byte[] payload, String mediaType) throws Exception {
        int count = Math.max(1, (payload.length + CHUNK - 1) / CHUNK);
        List<EvidenceDocument> docs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data = Arrays.copyOfRange(payload, i * CHUNK, Math.min(payload.length, (i + 1) * CHUNK));
            docs.add(new EvidenceDocument(
                    tenant, sha, i, count, payload.length, mediaType, "2026-03-01T08:00:00Z", data));
        }
        bulk(docs);
    }

    static void bulk(List<EvidenceDocument> docs) throws Exception {
        BulkResponse bulk = es.bulk(b -> {
            b.index(index.alias()).refresh(Refresh.True);
            docs.forEach(
                    d -> b.operations(op -> op.create(c -> c.id(d.documentId()).document(d))));
            return b;
        });
        assertThat(bulk.errors()).as("bulk errors").isFalse();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
