package dev.vigil.auditapi;

import static dev.vigil.auditapi.ApiClient.params;
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
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.Subject;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit API over HTTP, with real keys, against the real embedded Elasticsearch node. The
 * trail holds 120 hash-chained records of two tenants: five chains of 24, two records per
 * minute per chain, every chain starting at the same minute, so timestamps tie across and within
 * chains and the tiebreaks of the documented order are exercised.
 */
class AuditApiServerIT {

    static final String ACME = "acme";
    static final String GLOBEX = "globex";
    static final String SHOP = "github.com/acme/shop";
    static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    static final int PER_CHAIN = 24;

    /** Tenant and scope of each chain; both tenants have a chain for the SHOP scope. */
    static final List<String[]> CHAINS = List.of(
            new String[] {ACME, SHOP},
            new String[] {ACME, "github.com/acme/billing"},
            new String[] {ACME, "ids-sensor-eu"},
            new String[] {GLOBEX, SHOP},
            new String[] {GLOBEX, "github.com/globex/web"});

    static final Comparator<AuditDocument> DOCUMENTED_ORDER = Comparator.comparing(
                    (AuditDocument d) -> Instant.parse(d.timestamp()))
            .thenComparing(d -> d.chain().id())
            .thenComparingLong(d -> d.chain().seq());

    static String prefix;
    static ElasticsearchClient es;
    static AuditApiServer server;
    static ApiClient api;
    static final List<AuditDocument> indexed = new ArrayList<>();
    static String acmeAuditor;
    static String globexOfficer;
    static String acmePublisher;

    @BeforeAll
    static void setUp() throws Exception {
        String url = SharedServers.elasticsearch().httpUrl();
        prefix = "it-audit-api-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT) + "-";
        es = ElasticsearchClients.create(url);

        ApiKeys keys = new ApiKeys(List.of());
        acmeAuditor = keys.mint(ACME, Set.of(Role.AUDITOR), "it auditor").key();
        globexOfficer = keys.mint(GLOBEX, Set.of(Role.OFFICER), "it officer").key();
        acmePublisher = keys.mint(ACME, Set.of(Role.PUBLISHER), "it publisher").key();
        server = AuditApiServer.start(
                TestConfigs.onSharedServers(new AuditApiConfig(url, prefix, "127.0.0.1", 0, 500, "1m"), prefix), keys);
        api = new ApiClient(server.baseUrl());

        for (String[] chain : CHAINS) {
            String prevHash = AuditChain.GENESIS_HASH;
            for (int seq = 1; seq <= PER_CHAIN; seq++) {
                AuditRecord r = record(chain[0], chain[1], seq, prevHash);
                prevHash = r.getHash();
                indexed.add(AuditChain.document(r));
            }
        }
        AuditIndex auditIndex = new AuditIndex(prefix);
        BulkResponse bulk = es.bulk(b -> {
            b.refresh(Refresh.True);
            // Each record into its month's index, as the indexer writes them; the API reads through the alias.
            indexed.forEach(d -> b.operations(op -> op.create(
                    c -> c.index(auditIndex.indexFor(d)).id(d.documentId()).document(d))));
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

    static String evidenceOf(String tenant, String scope, int seq) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest((tenant + scope + seq).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static AuditRecord record(String tenant, String scope, int seq, String prevHash) {
        boolean violation = seq % 6 == 0;
        String summary =
                switch (seq % 5) {
                    case 0 -> "deployment of " + scope + " to production approved by alice";
                    case 1 -> "deployment of " + scope + " to staging approved by bob";
                    default -> "build finished for " + scope;
                };
        AuditRecord r = AuditRecord.newBuilder()
                .setTenant(tenant)
                .setScope(scope)
                .setSeq(seq)
                .setKind(violation ? AuditRecordKind.VIOLATION_CHANGE : AuditRecordKind.INPUT)
                .setRecordId(tenant + "-" + scope + "-" + seq)
                .setEventType(violation ? "violation.OPENED" : "pipeline.BUILD_FINISHED")
                .setSourceType("dev.cdevents.build.finished.0.3.0")
                .setSource("/ci/" + scope)
                .setSourceEventId("evt-" + seq)
                // two records per minute: ties within a chain (seq breaks them) and across chains (chain.id)
                .setEventTime(T0.plusSeconds(60L * ((seq - 1) / 2)))
                // the second half of every chain is chained a month later: two monthly indices behind the alias
                .setRecordedAt(seq <= PER_CHAIN / 2 ? T0.plusSeconds(3600) : T0.plus(Duration.ofDays(40)))
                .setEvidenceSha256(violation ? null : evidenceOf(tenant, scope, seq))
                .setSubject(Subject.newBuilder().setCommitSha("c0ffee" + seq).build())
                .setSummary(summary)
                .setInputTopic("vigil.pipeline-events")
                .setInputPartition(0)
                .setInputOffset(seq)
                .setPrevHash(prevHash)
                .setHash("")
                .build();
        r.setHash(AuditChain.computeHash(r));
        return r;
    }

    static List<String> expectedIds(Predicate<AuditDocument> selected) {
        return indexed.stream()
                .filter(selected)
                .sorted(DOCUMENTED_ORDER)
                .map(AuditDocument::documentId)
                .toList();
    }

    static List<AuditDocument> records(ApiClient.Reply reply) throws Exception {
        List<AuditDocument> docs = new ArrayList<>();
        for (JsonNode n : reply.body().get("records")) {
            docs.add(Json.mapper().treeToValue(n, AuditDocument.class));
        }
        return docs;
    }

    static List<String> ids(List<AuditDocument> docs) {
        return docs.stream().map(AuditDocument::documentId).toList();
    }

    static boolean tenant(AuditDocument d, String tenant) {
        return d.tenant().equals(tenant);
    }

    @Test
    void shouldSearchAllMonthlyIndicesThroughTheAlias() throws Exception {
        AuditIndex auditIndex = new AuditIndex(prefix);
        var behindAlias =
                es.indices().getAlias(g -> g.name(auditIndex.alias())).aliases().keySet();

        List<AuditDocument> served = records(api.records(acmeAuditor, params("scope", SHOP, "size", "500")));

        assertThat(behindAlias)
                .contains(
                        auditIndex.indexFor(java.time.YearMonth.of(2026, 3)),
                        auditIndex.indexFor(java.time.YearMonth.of(2026, 4)));
        assertThat(served).hasSize(PER_CHAIN);
        assertThat(served.stream()
                        .map(d -> d.event().ingested().substring(0, 7))
                        .distinct())
                .containsExactlyInAnyOrder("2026-03", "2026-04");
    }

    @Test
    void shouldLinkEveryRecordWithEvidenceToItsEvidenceEndpoint() throws Exception {
        ApiClient.Reply r = api.records(acmeAuditor, params("scope", SHOP, "size", "500"));

        List<String> links = new ArrayList<>();
        for (JsonNode n : r.body().get("records")) {
            long seq = n.at("/chain/seq").asLong();
            if (seq % 6 == 0) {
                assertThat(n.has("evidence"))
                        .as("violation change %s has no evidence", seq)
                        .isFalse();
            } else {
                assertThat(n.at("/evidence/url").asText())
                        .isEqualTo("/v1/evidence/" + evidenceOf(ACME, SHOP, (int) seq));
                links.add(n.at("/evidence/url").asText());
            }
        }
        assertThat(links).hasSize(PER_CHAIN - PER_CHAIN / 6);
    }

    @Test
    void shouldReturnOnlyTheRecordsOfTheScopeAskedFor() throws Exception {
        ApiClient.Reply r = api.records(acmeAuditor, params("scope", SHOP, "size", "500"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(ids(records(r)))
                .containsExactlyElementsOf(
                        expectedIds(d -> tenant(d, ACME) && d.scope().equals(SHOP)))
                .hasSize(PER_CHAIN);
        assertThat(r.body().get("total").asLong()).isEqualTo(PER_CHAIN);
        assertThat(r.body().get("total_relation").asText()).isEqualTo("eq");
        assertThat(r.body().get("next").isNull()).isTrue();
    }

    @Test
    void shouldServeTheIndexedDocumentsUnchangedSoTheirHashesVerify() throws Exception {
        List<AuditDocument> served = records(api.records(acmeAuditor, params("scope", SHOP, "size", "500")));

        assertThat(served)
                .containsExactlyElementsOf(indexed.stream()
                        .filter(d -> tenant(d, ACME) && d.scope().equals(SHOP))
                        .sorted(DOCUMENTED_ORDER)
                        .toList())
                .allSatisfy(d -> assertThat(AuditChain.recomputeHash(d))
                        .isEqualTo(d.chain().hash()));
    }

    @Test
    void shouldIncludeFromAndExcludeTo() throws Exception {
        Instant from = T0.plusSeconds(120);
        Instant to = T0.plusSeconds(300);

        ApiClient.Reply r =
                api.records(acmeAuditor, params("from", from.toString(), "to", to.toString(), "size", "500"));

        List<AuditDocument> served = records(r);
        assertThat(ids(served))
                .containsExactlyElementsOf(expectedIds(d -> tenant(d, ACME)
                        && !Instant.parse(d.timestamp()).isBefore(from)
                        && Instant.parse(d.timestamp()).isBefore(to)));
        // minutes 2, 3 and 4 of three chains, two records a minute: the bounds are exact
        assertThat(served).hasSize(3 * 3 * 2);
        assertThat(served.getFirst().timestamp()).startsWith("2026-03-01T08:02:00");
        assertThat(served.getLast().timestamp()).startsWith("2026-03-01T08:04:00");
    }

    @Test
    void shouldRequireEveryWordOfAFreeTextQuery() throws Exception {
        ApiClient.Reply r = api.records(acmeAuditor, params("q", "approved alice", "size", "500"));

        List<AuditDocument> served = records(r);
        assertThat(ids(served))
                .containsExactlyElementsOf(
                        expectedIds(d -> tenant(d, ACME) && d.message().contains("alice")))
                .isNotEmpty();
        assertThat(served).allSatisfy(d -> assertThat(d.message()).contains("approved", "alice"));
    }

    @Test
    void shouldFilterByKindAndEventType() throws Exception {
        ApiClient.Reply byKind = api.records(acmeAuditor, params("kind", "violation_change", "size", "500"));
        ApiClient.Reply byType =
                api.records(acmeAuditor, params("type", "violation.OPENED", "scope", SHOP, "size", "500"));

        assertThat(ids(records(byKind)))
                .containsExactlyElementsOf(
                        expectedIds(d -> tenant(d, ACME) && d.event().kind().equals("VIOLATION_CHANGE")))
                .hasSize(3 * 4);
        assertThat(ids(records(byType)))
                .containsExactlyElementsOf(expectedIds(d -> tenant(d, ACME)
                        && d.scope().equals(SHOP)
                        && d.event().type().equals("violation.OPENED")))
                .hasSize(4);
    }

    @Test
    void shouldPageThroughEveryRecordOfTheTenantExactlyOnceInTheDocumentedOrder() throws Exception {
        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> p = cursor == null ? params("size", "25") : params("size", "25", "cursor", cursor);
            ApiClient.Reply r = api.records(acmeAuditor, p);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().get("total").asLong()).isEqualTo(72);
            List<AuditDocument> page = records(r);
            assertThat(page).allSatisfy(d -> assertThat(d.tenant()).isEqualTo(ACME));
            seen.addAll(ids(page));
            pageSizes.add(page.size());
            cursor = r.body().get("next").isNull() ? null : r.body().get("next").asText();
            assertThat(++pages).as("pages").isLessThanOrEqualTo(10);
        } while (cursor != null);

        assertThat(seen).containsExactlyElementsOf(expectedIds(d -> tenant(d, ACME)));
        assertThat(pageSizes).containsExactly(25, 25, 22);
    }

    @Test
    void shouldAcceptACursorTogetherWithTheSameFiltersButRefuseOtherFilters() throws Exception {
        ApiClient.Reply first = api.records(acmeAuditor, params("scope", SHOP, "size", "10"));
        String next = first.body().get("next").asText();

        ApiClient.Reply same = api.records(acmeAuditor, params("scope", SHOP, "size", "10", "cursor", next));
        ApiClient.Reply other =
                api.records(acmeAuditor, params("scope", "github.com/acme/billing", "size", "10", "cursor", next));

        assertThat(same.status()).isEqualTo(200);
        assertThat(ids(records(same)))
                .containsExactlyElementsOf(
                        expectedIds(d -> tenant(d, ACME) && d.scope().equals(SHOP))
                                .subList(10, 20));
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.body().at("/errors/0/pointer").asText()).isEqualTo("/query/cursor");
    }

    @Test
    void shouldNeverShowAnotherTenantsRecords() throws Exception {
        ApiClient.Reply all = api.records(globexOfficer, params("size", "500"));
        ApiClient.Reply sharedScope = api.records(globexOfficer, params("scope", SHOP, "size", "500"));

        assertThat(ids(records(all))).containsExactlyElementsOf(expectedIds(d -> tenant(d, GLOBEX)));
        assertThat(records(all)).hasSize(48).allSatisfy(d -> assertThat(d.tenant())
                .isEqualTo(GLOBEX));
        assertThat(ids(records(sharedScope)))
                .containsExactlyElementsOf(
                        expectedIds(d -> tenant(d, GLOBEX) && d.scope().equals(SHOP)));
    }

    @Test
    void shouldRefuseACursorOfAnotherTenant() throws Exception {
        String acmeCursor =
                api.records(acmeAuditor, params("size", "5")).body().get("next").asText();

        ApiClient.Reply r = api.records(globexOfficer, params("size", "5", "cursor", acmeCursor));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        assertThat(r.body().at("/errors/0/pointer").asText()).isEqualTo("/query/cursor");
        assertThat(r.raw().body()).doesNotContain(ACME);
    }

    @Test
    void shouldAskTheClientToRestartWhenThePointInTimeIsGone() throws Exception {
        String next =
                api.records(acmeAuditor, params("size", "5")).body().get("next").asText();
        String pitId = Cursor.decode(next, RecordSearch.SORT.size()).pitId();
        es.closePointInTime(c -> c.id(pitId));

        ApiClient.Reply r = api.records(acmeAuditor, params("size", "5", "cursor", next));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("type").asText()).isEqualTo(Problem.TYPE_BASE + "cursor-expired");
        assertThat(r.body().at("/errors/0/pointer").asText()).isEqualTo("/query/cursor");
        assertThat(r.body().get("detail").asText()).contains("restart the search");
    }

    @Test
    void shouldRejectABadFromNamingTheParameter() throws Exception {
        ApiClient.Reply r = api.records(acmeAuditor, params("from", "2026-03-01 08:00"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        assertThat(r.body().get("type").asText()).isEqualTo(Problem.TYPE_BASE + "invalid-parameter");
        assertThat(r.body().at("/errors/0/pointer").asText()).isEqualTo("/query/from");
    }

    @Test
    void shouldRequireAKey() throws Exception {
        ApiClient.Reply r = api.records(null, Map.of());

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.raw().headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void shouldForbidAPublisherOnlyKey() throws Exception {
        ApiClient.Reply r = api.records(acmePublisher, Map.of());

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body().get("type").asText()).isEqualTo(Problem.TYPE_BASE + "forbidden");
    }

    @Test
    void shouldSearchAnEmptyTrailBeforeTheFirstRecordIsIndexed() throws Exception {
        String emptyPrefix = prefix + "empty-";
        ApiKeys keys = new ApiKeys(List.of());
        String key = keys.mint(ACME, Set.of(Role.AUDITOR), "it").key();
        try (AuditApiServer fresh = AuditApiServer.start(
                new AuditApiConfig(SharedServers.elasticsearch().httpUrl(), emptyPrefix, "127.0.0.1", 0, 500, "1m")
                        .withKafka(SharedServers.kafka().bootstrapServers(), prefix),
                keys)) {
            ApiClient.Reply r = new ApiClient(fresh.baseUrl()).records(key, Map.of());

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().get("records")).isEmpty();
            assertThat(r.body().get("next").isNull()).isTrue();
            assertThat(r.body().get("total").asLong()).isZero();
        }
    }
}
