package dev.vigil.auditapi;

import static dev.vigil.auditapi.ApiClient.params;
import static dev.vigil.auditapi.HandBuiltTrail.ACME;
import static dev.vigil.auditapi.HandBuiltTrail.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.embedded.SharedServers;
import dev.vigil.trail.ElasticsearchClients;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The record search filters over HTTP against the real Elasticsearch node, on the hand-built
 * trail of {@link HandBuiltTrail}: each filter returns exactly the records counted on paper.
 */
class RecordFiltersIT {

    static ElasticsearchClient es;
    static AuditApiServer server;
    static ApiClient api;
    static HandBuiltTrail trail;
    static String acme;
    static String globex;

    @BeforeAll
    static void setUp() throws Exception {
        String url = SharedServers.elasticsearch().httpUrl();
        String prefix =
                "it-filters-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT) + "-";
        es = ElasticsearchClients.create(url);
        trail = new HandBuiltTrail().indexInto(es, prefix);
        ApiKeys keys = new ApiKeys(List.of());
        acme = keys.mint(ACME, Set.of(Role.AUDITOR), "it auditor").key();
        globex = keys.mint(GLOBEX, Set.of(Role.AUDITOR), "it globex auditor").key();
        server = AuditApiServer.start(
                TestConfigs.onSharedServers(new AuditApiConfig(url, prefix, "127.0.0.1", 0, 500, "1m"), prefix), keys);
        api = new ApiClient(server.baseUrl());
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

    /** The record names (A1 ...) of a search, in answer order, all pages. */
    static List<String> names(String key, Map<String, String> params) throws Exception {
        ApiClient.Reply r = api.records(key, params);
        assertThat(r.status()).as("status of %s: %s", params, r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode n : r.body().get("records")) {
            out.add(n.at("/event/id").asText());
        }
        assertThat(r.body().get("next").isNull()).as("one page").isTrue();
        return out;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // a verdict of the control, or a change of one of its violations
                "control=CM-01 | A1 B1 B2 B3 B4 A8",
                "control=cm-02 | A1 A2 A6 A9",
                // control and verdict must hold within one verdict: A1 has CM-01 PASS and CM-02 FAIL
                "control=CM-01&verdict=FAIL | B1 A8",
                "control=CM-02&verdict=PASS | ",
                "control=CM-01&verdict=PASS | A1",
                "verdict=NOT_APPLICABLE | A5",
                "verdict=FAIL | A1 B1 A3 A8",
                // requirement: in a verdict, or in a violation change's comma-joined label (whole, first, middle, last)
                "requirement=GDPR:Art.32 | A1 B1 B2 B3 A3 A4 A7 A8 B4",
                "requirement=SOC2:CC8.1 | A1 A2 B1 B2 B3 A3 A4 A5 A6 A8 A9 B4",
                "requirement=SOC2:CC6.7 | A7",
                "requirement=GDPR:Art.5(1)(e) | B1",
                "requirement=soc2:CC1.2 | ",
                "requirement=GDPR:Art.32&verdict=PASS | A1",
                // severity: of a verdict, or of a violation change
                "severity=CRITICAL | A3 A4",
                "severity=medium | B1",
                "control=VM-01&severity=HIGH | ",
                "actor=alice | A1 A5 A8",
                "repository=github.com/acme/billing | B1 B2 B3 B4",
                "repository=github.com/acme/billing&scope=github.com/acme/billing | B1 B2 B3 B4",
                "kind=VIOLATION_CHANGE&control=CM-02 | A2 A6 A9",
                "q=Violation&repository=github.com/acme/shop&severity=HIGH | A2 A6 A7 A9",
                // as of +5d: A8 (chained +10d), A9 (+6d) and B4 (+8d) were not in the trail yet
                "as_of=2026-03-06T00:00:00Z&scope=github.com/acme/shop | A1 A2 A3 A4 A5 A6 A7",
                "as_of=2026-03-06T00:00:00Z&control=CM-01 | A1 B1 B2 B3",
                "as_of=2026-03-01T01:00:00Z | A1 A2 C1 C2",
                "sort=-time&scope=github.com/acme/billing | B4 B3 B2 B1",
                "sort=time&scope=github.com/acme/billing | B1 B2 B3 B4",
            })
    void shouldReturnExactlyTheRecordsEachFilterSelects(String query, String expected) throws Exception {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], kv[1]);
        }
        params.put("size", "100");
        List<String> want =
                expected == null ? List.of() : List.of(expected.strip().split(" +"));

        List<String> got = names(acme, params);

        if (query.contains("sort=")) {
            assertThat(got).containsExactlyElementsOf(want);
        } else {
            assertThat(got).containsExactlyInAnyOrderElementsOf(want);
        }
    }

    @Test
    void shouldAnswerTheNewestFirstInTheExactReverseOfTheDefaultOrder() throws Exception {
        List<String> ascending = names(acme, params("size", "100"));
        List<String> descending = names(acme, params("size", "100", "sort", "-time"));

        assertThat(ascending).hasSize(15);
        assertThat(descending).containsExactlyElementsOf(ascending.reversed());
    }

    @Test
    void shouldNeverReturnAnotherTenantsRecordsForAnyNewFilter() throws Exception {
        assertThat(names(globex, params("control", "CM-01", "size", "100"))).containsExactlyInAnyOrder("G1", "G2");
        assertThat(names(globex, params("actor", "alice", "size", "100"))).containsExactly("G1");
        assertThat(names(globex, params("requirement", "GDPR:Art.32", "verdict", "FAIL")))
                .containsExactly("G1");
        assertThat(names(globex, params("repository", "github.com/acme/billing")))
                .isEmpty();
    }

    @Test
    void shouldPageAFilteredSearchAndBindTheCursorToItsFilters() throws Exception {
        ApiClient.Reply first = api.records(acme, params("control", "CM-01", "sort", "-time", "size", "4"));
        assertThat(first.status()).isEqualTo(200);
        String next = first.body().get("next").asText();
        List<String> page1 = new ArrayList<>();
        first.body().get("records").forEach(n -> page1.add(n.at("/event/id").asText()));

        // Repeating the first page's filters (in another spelling) continues the same search.
        ApiClient.Reply second = api.records(acme, params("cursor", next, "control", "cm-01", "sort", "-time"));
        ApiClient.Reply otherControl = api.records(acme, params("cursor", next, "control", "CM-02", "sort", "-time"));
        ApiClient.Reply otherSort = api.records(acme, params("cursor", next, "control", "CM-01"));
        ApiClient.Reply otherAsOf = api.records(
                acme, params("cursor", next, "control", "CM-01", "sort", "-time", "as_of", "2026-04-01T00:00:00Z"));

        List<String> page2 = new ArrayList<>();
        second.body().get("records").forEach(n -> page2.add(n.at("/event/id").asText()));
        // newest first by event time: B4 (+8d), A8 (+3d1h), B3 (+1d), B2 and B1 (+12h), A1 (+1h)
        assertThat(page1).containsExactly("B4", "A8", "B3", "B2");
        assertThat(page2).containsExactly("B1", "A1");
        assertThat(second.body().get("next").isNull()).isTrue();
        for (ApiClient.Reply refused : List.of(otherControl, otherSort, otherAsOf)) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body().at("/errors/0/pointer").asText()).isEqualTo("/query/cursor");
        }
    }

    @ParameterizedTest(name = "{0}={1} -> 400 {2}")
    @CsvSource({
        "control, 'CM 01', /query/control",
        "control, '../etc', /query/control",
        "requirement, 'SOC2 CC8.1', /query/requirement",
        "requirement, 'SOC2:CC8.1,GDPR:Art.32', /query/requirement",
        "requirement, 'SOC2:*', /query/requirement",
        "verdict, MAYBE, /query/verdict",
        "severity, SEVERE, /query/severity",
        "sort, name, /query/sort",
        "as_of, yesterday, /query/as_of",
        "as_of, 2026-03-01T00:00:00, /query/as_of",
    })
    void shouldRefuseAMalformedNewParameterNamingIt(String name, String value, String pointer) throws Exception {
        ApiClient.Reply r = api.records(acme, params(name, value));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        assertThat(r.body().at("/errors/0/pointer").asText()).isEqualTo(pointer);
    }

    @Test
    void shouldRefuseRepositoryAndScopeThatDisagree() throws Exception {
        ApiClient.Reply r =
                api.records(acme, params("repository", "github.com/acme/shop", "scope", "github.com/acme/billing"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().at("/errors/0/pointer").asText()).isEqualTo("/query/repository");
    }

    // ------------------------------------------------------------------ record detail

    @Test
    void shouldShowARecordWithItsNeighboursAndTheCheckpointThatCoversIt() throws Exception {
        ApiClient.Reply r = detail(acme, HandBuiltTrail.CHAIN_A, "3");

        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.body();
        assertThat(body.at("/record/event/id").asText()).isEqualTo("A3");
        assertThat(body.at("/record/chain/hash").asText())
                .isEqualTo(trail.doc("A3").chain().hash());
        assertThat(body.at("/record/evidence/url").asText()).isEqualTo("/v1/evidence/" + "ab".repeat(32));
        assertThat(body.at("/record/verdicts/0/control_id").asText()).isEqualTo("VM-01");
        // the first checkpoint of chain A at or after seq 3 is seq 6, not globex's forged one at 4
        assertThat(body.at("/checkpoint/chain/seq").asLong()).isEqualTo(6);
        assertThat(body.at("/checkpoint/tenant").asText()).isEqualTo(ACME);
        assertThat(body.at("/checkpoint/chain/hash").asText())
                .isEqualTo(trail.doc("A6").chain().hash());
        assertThat(body.at("/integrity/hash_ok").asBoolean()).isTrue();
        assertThat(body.at("/integrity/linked_to_previous").asBoolean()).isTrue();
        assertThat(body.at("/previous/seq").asLong()).isEqualTo(2);
        assertThat(body.at("/previous/hash").asText())
                .isEqualTo(trail.doc("A2").chain().hash());
        assertThat(body.at("/next/seq").asLong()).isEqualTo(4);
        assertThat(body.at("/next/hash").asText())
                .isEqualTo(trail.doc("A4").chain().hash());
    }

    @Test
    void shouldPickTheCheckpointAtTheRecordItselfAndNonePastTheLastCheckpoint() throws Exception {
        ApiClient.Reply atCheckpoint = detail(acme, HandBuiltTrail.CHAIN_A, "9");
        ApiClient.Reply firstOfChain = detail(acme, HandBuiltTrail.CHAIN_B, "1");

        assertThat(atCheckpoint.body().at("/checkpoint/chain/seq").asLong()).isEqualTo(9);
        assertThat(atCheckpoint.body().get("next").isNull()).isTrue();
        assertThat(firstOfChain.body().get("checkpoint").isNull()).isTrue();
        assertThat(firstOfChain.body().get("previous").isNull()).isTrue();
        // seq 1 links to the genesis hash
        assertThat(firstOfChain.body().at("/integrity/linked_to_previous").asBoolean())
                .isTrue();
        assertThat(firstOfChain.body().at("/next/seq").asLong()).isEqualTo(2);
    }

    @Test
    void shouldReportABrokenHashForADocumentEditedInTheIndex() throws Exception {
        ApiClient.Reply edited = detail(acme, HandBuiltTrail.CHAIN_C, "2");
        ApiClient.Reply untouched = detail(acme, HandBuiltTrail.CHAIN_C, "1");

        assertThat(edited.status()).isEqualTo(200);
        assertThat(edited.body().at("/record/message").asText()).isEqualTo("edited after the fact");
        assertThat(edited.body().at("/integrity/hash_ok").asBoolean()).isFalse();
        // the stored link still points at C1: only the content no longer matches its hash
        assertThat(edited.body().at("/integrity/linked_to_previous").asBoolean())
                .isTrue();
        assertThat(untouched.body().at("/integrity/hash_ok").asBoolean()).isTrue();
    }

    @Test
    void shouldAnswerAnotherTenantsRecordExactlyLikeAMissingOne() throws Exception {
        ApiClient.Reply othersRecord = detail(globex, HandBuiltTrail.CHAIN_A, "1");
        ApiClient.Reply missing = detail(globex, HandBuiltTrail.CHAIN_G, "99");
        ApiClient.Reply own = detail(globex, HandBuiltTrail.CHAIN_G, "1");
        ApiClient.Reply acmeOnGlobex = detail(acme, HandBuiltTrail.CHAIN_G, "1");

        assertThat(othersRecord.status()).isEqualTo(404);
        assertThat(acmeOnGlobex.status()).isEqualTo(404);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(othersRecord.body().get("type").asText())
                .isEqualTo(missing.body().get("type").asText());
        assertThat(othersRecord.raw().body()).doesNotContain("acme/github.com");
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.body().at("/record/event/id").asText()).isEqualTo("G1");
        assertThat(own.body().at("/checkpoint/chain/seq").asLong()).isEqualTo(2);
        assertThat(own.body().at("/checkpoint/tenant").asText()).isEqualTo(GLOBEX);
    }

    @ParameterizedTest(name = "{0} -> 400 {1}")
    @CsvSource({
        "seq=1, /query/chain",
        "chain=acme/x, /query/seq",
        "chain=acme/x&seq=0, /query/seq",
        "chain=acme/x&seq=one, /query/seq",
        "chain=acme/x&seq=1&scope=y, /query/scope",
    })
    void shouldRefuseAMalformedDetailRequestNamingTheParameter(String query, String pointer) throws Exception {
        ApiClient.Reply r = api.get(RecordDetail.PATH + "?" + query, acme);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().at("/errors/0/pointer").asText()).isEqualTo(pointer);
    }

    static ApiClient.Reply detail(String key, String chain, String seq) throws Exception {
        return api.get(RecordDetail.PATH + ApiClient.query(params("chain", chain, "seq", seq)), key);
    }
}
