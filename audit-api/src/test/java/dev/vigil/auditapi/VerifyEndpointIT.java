package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/audit/verify} on the real Elasticsearch node: one tenant's trail only, tampering named. */
class VerifyEndpointIT {

    static ElasticsearchClient es;
    static AuditApiServer server;
    static ApiClient api;
    static String acmeAuditor;
    static String globexOfficer;
    static String acmePublisher;
    static Path keysDir;

    @BeforeAll
    static void setUp() throws Exception {
        String url = SharedServers.elasticsearch().httpUrl();
        String prefix =
                "it-verify-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT) + "-";
        es = ElasticsearchClients.create(url);
        keysDir = Files.createTempDirectory("vigil-verify-api-keys");
        ApiKeys keys = new ApiKeys(List.of());
        acmeAuditor = keys.mint("acme", Set.of(Role.AUDITOR), "it auditor").key();
        globexOfficer = keys.mint("globex", Set.of(Role.OFFICER), "it officer").key();
        acmePublisher =
                keys.mint("acme", Set.of(Role.PUBLISHER), "it publisher").key();
        server = AuditApiServer.start(
                TestConfigs.onSharedServers(
                        new AuditApiConfig(url, prefix, "127.0.0.1", 0, 500, "1m", keysDir), prefix),
                keys);
        api = new ApiClient(server.baseUrl());

        List<AuditDocument> docs = new ArrayList<>();
        for (String[] chain : List.of(new String[] {"acme", "shop"}, new String[] {"globex", "web"})) {
            String prev = AuditChain.GENESIS_HASH;
            for (int seq = 1; seq <= 12; seq++) {
                AuditRecord r = AuditApiServerIT.record(chain[0], chain[1], seq, prev);
                prev = r.getHash();
                docs.add(AuditChain.document(r));
            }
        }
        // Each document into its own monthly index, as the indexer writes them (the alias has no write index).
        AuditIndex index = new AuditIndex(prefix);
        BulkResponse bulk = es.bulk(b -> {
            b.refresh(Refresh.True);
            docs.forEach(d -> b.operations(op ->
                    op.create(c -> c.index(index.indexFor(d)).id(d.documentId()).document(d))));
            return b;
        });
        assertThat(bulk.errors()).isFalse();
        // globex's seq 7 is deleted: acme's report must not show it.
        AuditDocument seven = docs.stream()
                .filter(d -> d.documentId().equals("globex/web:7"))
                .findFirst()
                .orElseThrow();
        es.delete(d -> d.index(index.indexFor(seven)).id("globex/web:7").refresh(Refresh.True));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        if (es != null) {
            ElasticsearchClients.close(es);
        }
        Files.deleteIfExists(keysDir);
    }

    @Test
    void shouldReportTheCallersTenantIntactWithoutSeeingAnotherTenantsTampering() throws Exception {
        ApiClient.Reply reply = api.get(VerifyEndpoint.PATH, acmeAuditor);
        assertThat(reply.status()).isEqualTo(200);
        JsonNode r = reply.body();
        assertThat(r.get("intact").asBoolean()).isTrue();
        assertThat(r.at("/request/tenant").asText()).isEqualTo("acme");
        assertThat(r.at("/counts/chains").asLong()).isEqualTo(1);
        assertThat(r.at("/counts/documents").asLong()).isEqualTo(12);
    }

    @Test
    void shouldNameTheDeletedSeqToAnOfficerOfTheTamperedTenant() throws Exception {
        ApiClient.Reply reply = api.get(VerifyEndpoint.PATH + "?scope=web", globexOfficer);
        assertThat(reply.status()).isEqualTo(200);
        JsonNode r = reply.body();
        assertThat(r.get("intact").asBoolean()).isFalse();
        assertThat(r.get("findings")).hasSize(1);
        JsonNode f = r.get("findings").get(0);
        assertThat(f.get("kind").asText()).isEqualTo("DELETED");
        assertThat(f.get("chain").asText()).isEqualTo("globex/web");
        assertThat(f.get("seqs").toString()).isEqualTo("[7,7]");
    }

    @Test
    void shouldRefuseABadRangeAndAPublisherKey() throws Exception {
        ApiClient.Reply bad = api.get(VerifyEndpoint.PATH + "?from=yesterday", acmeAuditor);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().at("/errors/0/pointer").asText()).isEqualTo("/query/from");
        ApiClient.Reply tenant = api.get(VerifyEndpoint.PATH + "?tenant=globex", acmeAuditor);
        assertThat(tenant.status()).isEqualTo(400);
        assertThat(tenant.body().at("/errors/0/pointer").asText()).isEqualTo("/query/tenant");
        assertThat(api.get(VerifyEndpoint.PATH, acmePublisher).status()).isEqualTo(403);
    }
}
