package dev.vigil.auditapi;

import static dev.vigil.auditapi.ApiClient.params;
import static dev.vigil.auditapi.HandBuiltTrail.ACME;
import static dev.vigil.auditapi.HandBuiltTrail.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.controls.ControlCatalog;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.ElasticsearchClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Posture aggregations, the control catalog and the access records of the new endpoints, over
 * HTTP against the real Elasticsearch node and broker, on {@link HandBuiltTrail}: every count is
 * the one worked out by hand in the comments.
 */
class PostureIT {

    static final String FROM = "2026-03-01T00:00:00Z";
    static final String TO = "2026-03-12T00:00:00Z";

    static ElasticsearchClient es;
    static AuditApiServer server;
    static ApiClient api;
    static String prefix;
    static ApiKeys keys;
    static String acme;
    static String globex;
    static String publisher;

    @BeforeAll
    static void setUp() throws Exception {
        String url = SharedServers.elasticsearch().httpUrl();
        prefix = "it-posture-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT) + "-";
        es = ElasticsearchClients.create(url);
        new HandBuiltTrail().indexInto(es, prefix);
        keys = new ApiKeys(List.of());
        acme = keys.mint(ACME, Set.of(Role.AUDITOR), "it auditor").key();
        globex = keys.mint(GLOBEX, Set.of(Role.OFFICER), "it globex officer").key();
        publisher = keys.mint(ACME, Set.of(Role.PUBLISHER), "it publisher").key();
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

    static JsonNode posture(String key, String... pairs) throws Exception {
        ApiClient.Reply r = api.get(PostureSearch.PATH + ApiClient.query(params(pairs)), key);
        assertThat(r.status()).as("posture %s: %s", List.of(pairs), r.body()).isEqualTo(200);
        return r.body();
    }

    static JsonNode control(JsonNode posture, String id) {
        for (JsonNode c : posture.get("controls")) {
            if (c.get("control_id").asText().equals(id)) {
                return c;
            }
        }
        return null;
    }

    static JsonNode requirement(JsonNode posture, String id) {
        for (JsonNode c : posture.get("requirements")) {
            if (c.get("requirement").asText().equals(id)) {
                return c;
            }
        }
        return null;
    }

    /** {@code "pass/fail"} of each bucket with any, keyed by the bucket's day of March. */
    static Map<String, String> series(JsonNode entry) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode p : entry.get("series")) {
            if (p.get("pass").asLong() + p.get("fail").asLong() > 0) {
                out.put(
                        p.get("t").asText().substring(8, 10),
                        p.get("pass").asLong() + "/" + p.get("fail").asLong());
            }
        }
        return out;
    }

    static Map<String, Long> bySeverity(JsonNode posture) {
        Map<String, Long> out = new LinkedHashMap<>();
        posture.at("/open_violations/by_severity").fields().forEachRemaining(e -> {
            if (e.getValue().asLong() > 0) {
                out.put(e.getKey(), e.getValue().asLong());
            }
        });
        return out;
    }

    static Map<String, Long> byAge(JsonNode posture) {
        Map<String, Long> out = new LinkedHashMap<>();
        posture.at("/open_violations/by_age")
                .forEach(b -> out.put(b.get("bucket").asText(), b.get("count").asLong()));
        return out;
    }

    @Test
    void shouldCountVerdictsPerControlAndRequirementInTotalAndPerDay() throws Exception {
        JsonNode p = posture(acme, "from", FROM, "to", TO, "interval", "1d");

        assertThat(p.get("controls"))
                .hasSize(ControlCatalog.builtIn().controls().size());
        JsonNode cm01 = control(p, "CM-01");
        // A1 PASS (+1h), B1 FAIL (+12h), A8 FAIL (+3d1h)
        assertThat(cm01.get("pass").asLong()).isEqualTo(1);
        assertThat(cm01.get("fail").asLong()).isEqualTo(2);
        assertThat(cm01.get("title").asText()).isEqualTo("Independent review before merge");
        assertThat(cm01.get("severity").asText()).isEqualTo("HIGH");
        assertThat(cm01.get("series")).hasSize(11);
        assertThat(cm01.at("/series/0/t").asText()).isEqualTo(FROM);
        assertThat(series(cm01)).containsExactly(Map.entry("01", "1/1"), Map.entry("04", "0/1"));
        assertThat(control(p, "CM-02").get("fail").asLong()).isEqualTo(1);
        assertThat(series(control(p, "VM-01"))).containsExactly(Map.entry("02", "0/1"));
        assertThat(control(p, "CM-03").get("not_applicable").asLong()).isEqualTo(1);
        assertThat(control(p, "CM-03").get("pass").asLong()).isZero();
        assertThat(control(p, "CM-05").get("pass").asLong()).isEqualTo(1);
        assertThat(control(p, "DP-02").get("pass").asLong()).isEqualTo(1);
        assertThat(control(p, "IR-03").get("pass").asLong()
                        + control(p, "IR-03").get("fail").asLong())
                .isZero();
        // SOC2:CC8.1 is on A1 CM-01 PASS, A1 CM-02 FAIL, B1 CM-01 FAIL, A3 VM-01 FAIL, A5 CM-05 PASS,
        // A5 CM-03 NOT_APPLICABLE and A8 CM-01 FAIL
        JsonNode cc81 = requirement(p, "SOC2:CC8.1");
        assertThat(cc81.get("pass").asLong()).isEqualTo(2);
        assertThat(cc81.get("fail").asLong()).isEqualTo(4);
        assertThat(series(cc81))
                .containsExactly(
                        Map.entry("01", "1/2"), Map.entry("02", "0/1"), Map.entry("03", "1/0"), Map.entry("04", "0/1"));
        JsonNode art32 = requirement(p, "GDPR:Art.32");
        assertThat(art32.get("pass").asLong()).isEqualTo(1);
        assertThat(art32.get("fail").asLong()).isEqualTo(3);
        assertThat(requirement(p, "GDPR:Art.30").get("pass").asLong()).isEqualTo(1);
    }

    @Test
    void shouldCountTheLatestChangeOfEachViolationAsOpenOrNot() throws Exception {
        JsonNode p = posture(acme, "from", FROM, "to", TO);

        // v-cm02 REOPENED, v-vm01 OPENED, v-dp01 OPENED, v-cm01 RISK_EXPIRED; globex's v-g is not acme's
        assertThat(p.at("/open_violations/total").asLong()).isEqualTo(4);
        assertThat(bySeverity(p)).containsExactly(Map.entry("CRITICAL", 1L), Map.entry("HIGH", 3L));
        assertThat(byAge(p))
                .containsExactly(
                        Map.entry("<1d", 0L), Map.entry("1-7d", 0L), Map.entry("7-30d", 0L), Map.entry(">30d", 4L));
        assertThat(p.at("/open_violations/complete").asBoolean()).isTrue();
    }

    @Test
    void shouldShowThePostureAsItStoodAtAPastInstant() throws Exception {
        JsonNode p = posture(acme, "from", FROM, "as_of", "2026-03-06T00:00:00Z");

        assertThat(p.get("as_of").asText()).isEqualTo("2026-03-06T00:00:00Z");
        assertThat(p.get("to").asText()).isEqualTo("2026-03-06T00:00:00Z");
        // A8 (CM-01 FAIL) was chained at +10d: not in the trail yet
        assertThat(control(p, "CM-01").get("fail").asLong()).isEqualTo(1);
        assertThat(control(p, "CM-01").get("series")).hasSize(5);
        // v-cm02 was RESOLVED then (REOPENED at +6d), v-cm01 RISK_ACCEPTED (expired at +8d)
        assertThat(p.at("/open_violations/total").asLong()).isEqualTo(2);
        assertThat(bySeverity(p)).containsExactly(Map.entry("CRITICAL", 1L), Map.entry("HIGH", 1L));
        assertThat(byAge(p)).containsEntry("1-7d", 2L).containsEntry("<1d", 0L);

        JsonNode early = posture(acme, "from", FROM, "as_of", "2026-03-01T13:00:00Z", "interval", "1h");
        // v-cm02 opened at +1h, v-cm01 at +12h: both younger than a day
        assertThat(early.at("/open_violations/total").asLong()).isEqualTo(2);
        assertThat(byAge(early)).containsEntry("<1d", 2L);
        assertThat(early.get("interval").asText()).isEqualTo("1h");
        assertThat(control(early, "CM-01").get("series")).hasSize(13);
    }

    @Test
    void shouldKeepOneFrameworksControlsRequirementsAndViolations() throws Exception {
        JsonNode gdpr = posture(acme, "from", FROM, "to", TO, "framework", "gdpr");
        JsonNode soc2 = posture(acme, "from", FROM, "to", TO, "framework", "SOC2");

        assertThat(control(gdpr, "CM-02")).isNull();
        assertThat(control(gdpr, "CM-01").get("fail").asLong()).isEqualTo(2);
        assertThat(control(gdpr, "VM-01").get("fail").asLong()).isEqualTo(1);
        assertThat(gdpr.get("requirements"))
                .allSatisfy(r -> assertThat(r.get("requirement").asText()).startsWith("GDPR:"));
        assertThat(requirement(gdpr, "GDPR:Art.25").get("fail").asLong()).isEqualTo(3);
        // v-cm02 belongs to CM-02, a SOC 2-only control
        assertThat(gdpr.at("/open_violations/total").asLong()).isEqualTo(3);
        assertThat(soc2.at("/open_violations/total").asLong()).isEqualTo(4);
        assertThat(soc2.get("requirements"))
                .allSatisfy(r -> assertThat(r.get("requirement").asText()).startsWith("SOC2:"));
        assertThat(control(soc2, "DP-02").get("pass").asLong()).isEqualTo(1);
    }

    @Test
    void shouldReuseTheAnswerToTheSameQuestionForAFewSecondsAndSaySo() throws Exception {
        // parameters no other test asks, so the first answer is computed here
        JsonNode first = posture(acme, "from", FROM, "to", TO, "interval", "7d", "framework", "SOC2");
        JsonNode again = posture(acme, "from", FROM, "to", TO, "interval", "7d", "framework", "SOC2");
        JsonNode otherTenant = posture(globex, "from", FROM, "to", TO, "interval", "7d", "framework", "SOC2");

        assertThat(first.get("cached").asBoolean()).isFalse();
        java.time.Instant computed =
                java.time.Instant.parse(first.get("computed_at").asText());
        java.time.Instant computedAgain =
                java.time.Instant.parse(again.get("computed_at").asText());
        if (again.get("cached").asBoolean()) {
            // the same answer, as computed then: only the marker differs
            assertThat(computedAgain).isEqualTo(computed);
            com.fasterxml.jackson.databind.node.ObjectNode a = first.deepCopy();
            com.fasterxml.jackson.databind.node.ObjectNode b = again.deepCopy();
            a.remove("cached");
            b.remove("cached");
            assertThat(b).isEqualTo(a);
        } else {
            // only when the box was so slow that the entry expired between the two requests
            assertThat(Duration.between(computed, computedAgain)).isGreaterThanOrEqualTo(PostureSearch.CACHE_TTL);
        }
        // another tenant never gets this tenant's answer
        assertThat(otherTenant.get("cached").asBoolean()).isFalse();
        assertThat(control(otherTenant, "CM-01").get("fail").asLong()).isEqualTo(1);
        assertThat(control(again, "CM-01").get("fail").asLong()).isEqualTo(2);
    }

    @Test
    void shouldFindTheSameOpenViolationsWhateverThePageSize() throws Exception {
        // One violation id per composite page: every violation is read on a page of its own.
        PostureSearch tiny = new PostureSearch(
                es,
                new dev.vigil.trail.AuditIndex(prefix).alias(),
                ControlCatalog.builtIn(),
                java.time.Clock.systemUTC(),
                Duration.ZERO,
                1);
        Map<String, Object> answer = tiny.posture(
                ACME,
                PostureSearch.Request.parse(
                        Map.of("from", List.of(FROM), "to", List.of(TO)), java.time.Instant.parse(TO)));
        JsonNode p = dev.vigil.common.json.Json.mapper().valueToTree(answer);

        assertThat(p.at("/open_violations/total").asLong()).isEqualTo(4);
        assertThat(bySeverity(p)).containsExactly(Map.entry("CRITICAL", 1L), Map.entry("HIGH", 3L));
        assertThat(p.at("/open_violations/complete").asBoolean()).isTrue();
        assertThat(p.get("cached").asBoolean()).isFalse();
    }

    @Test
    void shouldAskTheSameQuestionWhenTheWindowIsLeftToItsDefaults() {
        java.time.Instant t1 = java.time.Instant.parse("2026-03-12T00:00:00Z");
        PostureSearch.Request a = PostureSearch.Request.parse(Map.of(), t1);
        PostureSearch.Request b = PostureSearch.Request.parse(Map.of(), t1.plusMillis(1500));
        PostureSearch.Request given = PostureSearch.Request.parse(Map.of("to", List.of(t1.toString())), t1);

        assertThat(a.to()).isNotEqualTo(b.to());
        assertThat(PostureSearch.cacheKey(ACME, a)).isEqualTo(PostureSearch.cacheKey(ACME, b));
        assertThat(PostureSearch.cacheKey(ACME, given)).isNotEqualTo(PostureSearch.cacheKey(ACME, a));
        assertThat(PostureSearch.cacheKey(GLOBEX, a)).isNotEqualTo(PostureSearch.cacheKey(ACME, a));
    }

    @Test
    void shouldAggregateOnlyTheCallersTenant() throws Exception {
        JsonNode p = posture(globex, "from", FROM, "to", TO);

        assertThat(control(p, "CM-01").get("fail").asLong()).isEqualTo(1);
        assertThat(control(p, "CM-01").get("pass").asLong()).isZero();
        assertThat(control(p, "VM-01").get("fail").asLong()).isZero();
        assertThat(p.at("/open_violations/total").asLong()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} -> 400 {1}")
    @CsvSource({
        "interval=2d, /query/interval",
        "framework=PCI, /query/framework",
        "from=2026-03-05T00:00:00Z&to=2026-03-01T00:00:00Z, /query/to",
        "from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&interval=1h, /query/interval",
        "as_of=soon, /query/as_of",
        "scope=x, /query/scope",
    })
    void shouldRefuseAMalformedPostureRequestNamingTheParameter(String query, String pointer) throws Exception {
        ApiClient.Reply r = api.get(PostureSearch.PATH + "?" + query, acme);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().at("/errors/0/pointer").asText()).isEqualTo(pointer);
    }

    @Test
    void shouldListTheBuiltInControlsWithTheirFrameworks() throws Exception {
        ApiClient.Reply r = api.get(ControlsEndpoint.PATH, acme);
        ApiClient.Reply forbidden = api.get(ControlsEndpoint.PATH, publisher);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("catalog_version").asText())
                .isEqualTo(ControlCatalog.builtIn().version());
        assertThat(r.body().get("controls")).hasSize(25);
        JsonNode cm01 = r.body().at("/controls/0");
        assertThat(cm01.get("control_id").asText()).isEqualTo("CM-01");
        assertThat(cm01.get("title").asText()).isEqualTo("Independent review before merge");
        assertThat(cm01.get("description").asText()).contains("approved by someone other than its author");
        assertThat(cm01.get("severity").asText()).isEqualTo("HIGH");
        assertThat(cm01.get("requirements").toString()).isEqualTo("[\"SOC2:CC8.1\",\"GDPR:Art.25\",\"GDPR:Art.32\"]");
        assertThat(cm01.get("frameworks").toString()).isEqualTo("[\"SOC2\",\"GDPR\"]");
        assertThat(r.body().at("/controls/1/frameworks").toString()).isEqualTo("[\"SOC2\"]");
        assertThat(forbidden.status()).isEqualTo(403);
    }

    @Test
    void shouldWriteEveryDetailPostureVerifyEvidenceAndCheckpointsAccessToTheTrail() throws Exception {
        String own = "it-access-new-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        new HandBuiltTrail().indexInto(es, own);
        ApiKeys k = new ApiKeys(List.of());
        String auditor = k.mint(ACME, Set.of(Role.AUDITOR), "it auditor").key();
        try (AuditApiServer s = AuditApiServer.start(
                TestConfigs.onSharedServers(
                        new AuditApiConfig(SharedServers.elasticsearch().httpUrl(), own, "127.0.0.1", 0, 500, "1m"),
                        own),
                k)) {
            ApiClient c = new ApiClient(s.baseUrl());
            assertThat(c.get(RecordDetail.PATH + "?chain=acme/github.com/acme/shop&seq=1", auditor)
                            .status())
                    .isEqualTo(200);
            assertThat(c.get(RecordDetail.PATH + "?chain=globex/github.com/acme/shop&seq=1", auditor)
                            .status())
                    .isEqualTo(404);
            assertThat(c.get(PostureSearch.PATH, auditor).status()).isEqualTo(200);
            assertThat(c.get("/v1/audit/checkpoints", auditor).status()).isEqualTo(200);
            assertThat(c.get("/v1/audit/verify?scope=ids-sensor-eu", auditor).status())
                    .isEqualTo(200);
            assertThat(c.get("/v1/evidence/" + "ab".repeat(32), auditor).status())
                    .isEqualTo(404);
        }

        List<PipelineEvent> events = readAll(Topics.withPrefix(own).pipelineEvents(), 6);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getKind()).isEqualTo(PipelineEventKind.TRAIL_ACCESSED);
            assertThat(e.getTenant()).isEqualTo(ACME);
        });
        assertThat(events.stream().map(e -> e.getAttributes().get(Attributes.ACCESS_ACTION)))
                .containsExactly("detail", "detail", "posture", "checkpoints", "verify", "evidence");
        assertThat(events.get(0).getAttributes())
                .containsEntry(Attributes.ACCESS_REQUEST, "GET " + RecordDetail.PATH)
                .containsEntry("access.result", "found");
        assertThat(events.get(1).getAttributes()).containsEntry("access.result", "not-found");
        assertThat(events.get(3).getAttributes()).containsEntry("access.results", "3");
    }

    private static <V> List<V> readAll(Topic<String, V> topic, int expected) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedServers.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(
                props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && values.size() < expected) {
                consumer.poll(Duration.ofMillis(200)).forEach(rec -> values.add(rec.value()));
            }
            consumer.poll(Duration.ofMillis(500)).forEach(rec -> values.add(rec.value()));
        }
        return values;
    }
}
