package dev.vigil.auditapi;

import static dev.vigil.auditapi.ApiClient.query;
import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.trail.ElasticsearchClients;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.CheckpointIndex;
import dev.vigil.trail.checkpoint.CheckpointSignatures;
import dev.vigil.trail.checkpoint.PublicKeyRing;
import dev.vigil.trail.checkpoint.SigningKey;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/audit/checkpoints} and {@code GET /v1/audit/keys} over HTTP, with real keys,
 * against the real embedded Elasticsearch node: checkpoints of two tenants signed with a retired
 * and an active key.
 */
class CheckpointEndpointsIT {

    static final String ACME = "acme";
    static final String GLOBEX = "globex";
    static final String SHOP = "github.com/acme/shop";
    static final String BILLING = "github.com/acme/billing";
    static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

    @TempDir
    static Path keysDir;

    static ElasticsearchClient es;
    static AuditApiServer server;
    static ApiClient api;
    static SigningKey retired;
    static SigningKey active;
    static String acmeAuditor;
    static String globexOfficer;
    static String initechAuditor;
    static String acmePublisher;

    @BeforeAll
    static void setUp() throws Exception {
        String url = SharedServers.elasticsearch().httpUrl();
        String prefix =
                "it-checkpoints-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT) + "-";
        es = ElasticsearchClients.create(url);
        retired = SigningKeys.generate();
        active = SigningKeys.generate();
        Path ring = keysDir.resolve("public");
        PublicKeyRing.publish(ring, retired.publicKey(), true);
        PublicKeyRing.publish(ring, active.publicKey(), true);

        ApiKeys keys = new ApiKeys(List.of());
        acmeAuditor = keys.mint(ACME, Set.of(Role.AUDITOR), "it auditor").key();
        globexOfficer = keys.mint(GLOBEX, Set.of(Role.OFFICER), "it officer").key();
        initechAuditor = keys.mint("initech", Set.of(Role.AUDITOR), "it auditor without checkpoints")
                .key();
        acmePublisher = keys.mint(ACME, Set.of(Role.PUBLISHER), "it publisher").key();
        server = AuditApiServer.start(
                TestConfigs.onSharedServers(new AuditApiConfig(url, prefix, "127.0.0.1", 0, 500, "1m", ring), prefix),
                keys);
        api = new ApiClient(server.baseUrl());

        List<CheckpointDocument> docs = List.of(
                doc(retired, ACME, SHOP, 10, T0),
                doc(active, ACME, SHOP, 20, T0.plusSeconds(60)),
                doc(active, ACME, BILLING, 5, T0.plusSeconds(60)),
                doc(active, ACME, SHOP, 30, T0.plusSeconds(120)),
                doc(active, GLOBEX, SHOP, 7, T0.plusSeconds(30)));
        String alias = new CheckpointIndex(prefix).alias();
        new CheckpointIndex(prefix).install(es);
        BulkResponse bulk = es.bulk(b -> {
            b.index(alias).refresh(Refresh.True);
            docs.forEach(
                    d -> b.operations(op -> op.create(c -> c.id(d.documentId()).document(d))));
            return b;
        });
        assertThat(bulk.errors()).as("bulk create errors").isFalse();
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

    static CheckpointDocument doc(SigningKey key, String tenant, String scope, long seq, Instant at) {
        return CheckpointDocument.of(key.sign(Checkpoint.newBuilder()
                .setTenant(tenant)
                .setScope(scope)
                .setSeq(seq)
                .setHash(String.format(Locale.ROOT, "%064x", seq))
                .setCreatedAt(at)
                .setKeyId("")
                .setSignature(ByteBuffer.allocate(0))
                .build()));
    }

    private static ApiClient.Reply checkpoints(String key, Map<String, String> params) throws Exception {
        return api.get(AuditApiServer.CHECKPOINTS_PATH + query(params), key);
    }

    private static List<String> ids(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.get("checkpoints")
                .forEach(c -> ids.add(
                        c.at("/chain/id").asText() + ":" + c.at("/chain/seq").asLong()));
        return ids;
    }

    @Test
    void shouldListTheCallersTenantsCheckpointsNewestFirst() throws Exception {
        ApiClient.Reply reply = checkpoints(acmeAuditor, Map.of());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(ids(reply.body()))
                .containsExactly(
                        "acme/" + SHOP + ":30",
                        "acme/" + BILLING + ":5",
                        "acme/" + SHOP + ":20",
                        "acme/" + SHOP + ":10");
        assertThat(reply.body().get("next").isNull()).isTrue();
        JsonNode newest = reply.body().get("checkpoints").get(0);
        assertThat(newest.get("@timestamp").asText()).isEqualTo("2026-03-01T08:02:00Z");
        assertThat(newest.get("key_id").asText()).isEqualTo(active.keyId());
        assertThat(newest.at("/chain/hash").asText()).isEqualTo(String.format(Locale.ROOT, "%064x", 30));
    }

    @Test
    void shouldFilterByScopeAndPageWithSizeAndCursor() throws Exception {
        ApiClient.Reply first = checkpoints(acmeAuditor, Map.of("scope", SHOP, "size", "2"));
        ApiClient.Reply second = checkpoints(
                acmeAuditor,
                Map.of(
                        "scope",
                        SHOP,
                        "size",
                        "2",
                        "cursor",
                        first.body().get("next").asText()));

        assertThat(ids(first.body())).containsExactly("acme/" + SHOP + ":30", "acme/" + SHOP + ":20");
        assertThat(ids(second.body())).containsExactly("acme/" + SHOP + ":10");
        assertThat(second.body().get("next").isNull()).isTrue();
    }

    @Test
    void shouldNeverShowAnotherTenantsCheckpoints() throws Exception {
        ApiClient.Reply globex = checkpoints(globexOfficer, Map.of("scope", SHOP));
        ApiClient.Reply initech = checkpoints(initechAuditor, Map.of());

        assertThat(ids(globex.body())).containsExactly("globex/" + SHOP + ":7");
        assertThat(initech.status()).isEqualTo(200);
        assertThat(initech.body().get("checkpoints")).isEmpty();
    }

    @Test
    void shouldRefuseAPublisherKeyAndABadSize() throws Exception {
        ApiClient.Reply publisher = checkpoints(acmePublisher, Map.of());
        ApiClient.Reply badSize = checkpoints(acmeAuditor, Map.of("size", "0"));
        ApiClient.Reply badCursor = checkpoints(acmeAuditor, Map.of("cursor", "bm90LWEtY3Vyc29y"));

        assertThat(publisher.status()).isEqualTo(403);
        assertThat(badSize.status()).isEqualTo(400);
        assertThat(badSize.body().at("/errors/0/pointer").asText()).isEqualTo("/query/size");
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(badCursor.body().at("/errors/0/pointer").asText()).isEqualTo("/query/cursor");
    }

    @Test
    void shouldPublishEveryRingKeyWithTheActiveOneFirstAndVerifyEveryListedCheckpoint() throws Exception {
        ApiClient.Reply keys = api.get(AuditApiServer.KEYS_PATH, globexOfficer);
        ApiClient.Reply acme = checkpoints(acmeAuditor, Map.of());
        ApiClient.Reply publisher = api.get(AuditApiServer.KEYS_PATH, acmePublisher);

        assertThat(keys.status()).isEqualTo(200);
        JsonNode list = keys.body().get("keys");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("key_id").asText()).isEqualTo(active.keyId());
        assertThat(list.get(0).get("active").asBoolean()).isTrue();
        assertThat(list.get(1).get("key_id").asText()).isEqualTo(retired.keyId());
        assertThat(list.get(1).get("active").asBoolean()).isFalse();
        Map<String, PublicKey> published = new HashMap<>();
        list.forEach(k -> {
            assertThat(k.get("algorithm").asText()).isEqualTo("Ed25519");
            PublicKey key = SigningKeys.parsePublic(k.get("public_key_pem").asText(), "response");
            assertThat(CheckpointSignatures.keyId(key))
                    .isEqualTo(k.get("key_id").asText());
            published.put(k.get("key_id").asText(), key);
        });
        // A third party can verify what the API lists with what the API publishes, retired key included.
        assertThat(acme.body().get("checkpoints")).hasSize(4).allSatisfy(c -> {
            CheckpointDocument doc = Json.mapper().treeToValue(c, CheckpointDocument.class);
            assertThat(CheckpointSignatures.verify(doc.toCheckpoint(), published.get(doc.keyId())))
                    .isTrue();
        });
        assertThat(publisher.status()).isEqualTo(403);
    }
}
