package dev.vigil.auditapi.violations;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.auditapi.AuditApiConfig;
import dev.vigil.auditapi.AuditApiServer;
import dev.vigil.auditapi.TestConfigs;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The violations list folds the trail's violation changes into current state, per tenant; a risk
 * acceptance looks the violation up there and writes a RISK_ACCEPTED input to Kafka.
 */
class ViolationsEndpointIT {

    private static final String SHOP = "github.com/acme/shop";
    private static final String API = "github.com/acme/api";
    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    private static String prefix;
    private static ElasticsearchClient es;
    private static AuditApiServer server;
    private static String auditor;
    private static String officer;
    private static String globexOfficer;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void setUp() throws Exception {
        prefix = "it-violations-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String url = SharedServers.elasticsearch().httpUrl();
        es = ElasticsearchClients.create(url);
        ApiKeys keys = new ApiKeys(List.of());
        auditor = keys.mint("acme", Set.of(Role.AUDITOR), "it auditor").key();
        officer = keys.mint("acme", Set.of(Role.OFFICER), "it officer").key();
        globexOfficer = keys.mint("globex", Set.of(Role.OFFICER), "it officer").key();
        server = AuditApiServer.start(
                TestConfigs.onSharedServers(new AuditApiConfig(url, prefix, "127.0.0.1", 0, 500, "1m"), prefix), keys);
        List<AuditDocument> docs = List.of(
                change("acme", SHOP, 1, "v-a", "CM-04", "HIGH", "SOC2:CC8.1", "OPENED", 1, 1),
                change("acme", SHOP, 2, "v-b", "CM-04", "HIGH", "SOC2:CC8.1", "OPENED", 1, 2),
                change("acme", SHOP, 3, "v-a", "CM-04", "HIGH", "SOC2:CC8.1", "RESOLVED", 2, 3),
                change("acme", SHOP, 4, "v-c", "DP-02", "LOW", "GDPR:Art.32", "OPENED", 1, 4),
                change("acme", API, 1, "v-d", "CM-04", "HIGH", "SOC2:CC8.1", "OPENED", 1, 5),
                change("globex", SHOP, 1, "v-g", "CM-04", "HIGH", "SOC2:CC8.1", "OPENED", 1, 6));
        AuditIndex index = new AuditIndex(prefix);
        index.install(es);
        var bulk = es.bulk(b -> {
            b.refresh(Refresh.True);
            docs.forEach(d -> b.operations(op ->
                    op.create(c -> c.index(index.indexFor(d)).id(d.documentId()).document(d))));
            return b;
        });
        assertThat(bulk.errors()).isFalse();
    }

    @AfterAll
    static void tearDown() {
        server.close();
        ElasticsearchClients.close(es);
    }

    static AuditDocument change(
            String tenant,
            String scope,
            long seq,
            String id,
            String control,
            String severity,
            String requirement,
            String state,
            int sequence,
            int minute) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("violation.id", id);
        labels.put("violation.control-id", control);
        labels.put("violation.subject-key", "branch:main");
        labels.put("violation.state", state);
        labels.put("violation.sequence", Integer.toString(sequence));
        labels.put("violation.severity", severity);
        labels.put("violation.opened-at", T0.toString());
        labels.put("violation.requirements", requirement);
        String at = T0.plus(Duration.ofMinutes(minute)).toString();
        return new AuditDocument(
                at,
                tenant,
                scope,
                new AuditDocument.Chain(tenant + "/" + scope, seq, "0".repeat(64), "1".repeat(64), 1),
                new AuditDocument.Event(
                        id + "#" + sequence,
                        "VIOLATION_CHANGE",
                        "violation." + state,
                        "vigil:controls",
                        "vigil",
                        id,
                        at,
                        state),
                null,
                null,
                "Violation " + state.toLowerCase(java.util.Locale.ROOT) + ": " + control + " on " + scope
                        + " branch:main (" + severity.toLowerCase(java.util.Locale.ROOT) + "): reason of " + id,
                null,
                "test",
                labels,
                null,
                null);
    }

    private static HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Authorization", "Bearer " + key);
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> ids(String query, String key) throws Exception {
        HttpResponse<String> r = call("GET", "/v1/violations" + query, key, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        Json.mapper()
                .readTree(r.body())
                .get("violations")
                .forEach(v -> out.add(v.get("violation_id").asText()));
        return out;
    }

    @Test
    void shouldListTheLatestStateOfEachOpenViolationNewestChangeFirst() throws Exception {
        assertThat(ids("", auditor)).containsExactly("v-d", "v-c", "v-b");
        assertThat(ids("?state=all", auditor)).containsExactly("v-d", "v-c", "v-a", "v-b");
        JsonNode page = Json.mapper()
                .readTree(call("GET", "/v1/violations?state=all", auditor, null).body());
        JsonNode a = page.get("violations").get(2);
        assertThat(a.get("state").asText()).isEqualTo("RESOLVED");
        assertThat(a.get("control_id").asText()).isEqualTo("CM-04");
        assertThat(a.get("subject_key").asText()).isEqualTo("branch:main");
        assertThat(a.get("opened_at").asText()).isEqualTo(T0.toString());
        assertThat(a.get("reason").asText()).isEqualTo("reason of v-a");
        assertThat(a.at("/chain/seq").asLong()).isEqualTo(3);
        assertThat(a.at("/chain/id").asText()).isEqualTo("acme/" + SHOP);
        assertThat(a.get("requirements").get(0).asText()).isEqualTo("SOC2:CC8.1");
    }

    @Test
    void shouldFilterByControlSeverityScopeAndFrameworkWithinTheCallersTenant() throws Exception {
        assertThat(ids("?framework=gdpr", auditor)).containsExactly("v-c");
        assertThat(ids("?control=DP-02", auditor)).containsExactly("v-c");
        assertThat(ids("?severity=low", auditor)).containsExactly("v-c");
        assertThat(ids("?scope=" + URLEncoder.encode(API, StandardCharsets.UTF_8), auditor))
                .containsExactly("v-d");
        assertThat(ids("?state=all", globexOfficer)).containsExactly("v-g");
        HttpResponse<String> bad = call("GET", "/v1/violations?state=closed", auditor, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(bad.body()).at("/errors/0/pointer").asText())
                .isEqualTo("/query/state");
    }

    @Test
    void shouldPageWithTheNextCursor() throws Exception {
        JsonNode first = Json.mapper()
                .readTree(call("GET", "/v1/violations?size=2", auditor, null).body());
        assertThat(first.get("violations"))
                .extracting(v -> v.get("violation_id").asText())
                .containsExactly("v-d", "v-c");
        String next = first.get("next").asText();
        JsonNode second = Json.mapper()
                .readTree(call("GET", "/v1/violations?size=2&cursor=" + next, auditor, null)
                        .body());
        assertThat(second.get("violations"))
                .extracting(v -> v.get("violation_id").asText())
                .containsExactly("v-b");
        assertThat(second.get("next").isNull()).isTrue();
    }

    @Test
    void shouldWriteARiskAcceptanceOnlyForAnOpenViolationOfTheCallersTenant() throws Exception {
        String expires = Instant.now().plus(Duration.ofDays(30)).toString();
        String body = "{\"justification\":\"compensating control: WAF\",\"expires_at\":\"" + expires + "\"}";
        assertThat(call("POST", "/v1/violations/v-b/risk-acceptance", auditor, body)
                        .statusCode())
                .isEqualTo(403);
        assertThat(call("POST", "/v1/violations/v-g/risk-acceptance", officer, body)
                        .statusCode())
                .isEqualTo(404);
        assertThat(call("POST", "/v1/violations/v-a/risk-acceptance", officer, body)
                        .statusCode())
                .isEqualTo(409);
        HttpResponse<String> past = call(
                "POST",
                "/v1/violations/v-b/risk-acceptance",
                officer,
                "{\"justification\":\"x\",\"expires_at\":\"2020-01-01T00:00:00Z\"}");
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(past.body()).at("/errors/0/pointer").asText())
                .isEqualTo("/expires_at");

        HttpResponse<String> ok = call("POST", "/v1/violations/v-b/risk-acceptance", officer, body);

        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        JsonNode answer = Json.mapper().readTree(ok.body());
        assertThat(answer.get("violation_id").asText()).isEqualTo("v-b");
        List<PipelineEvent> accepted = readAll(Topics.withPrefix(prefix).pipelineEvents()).stream()
                .filter(e -> e.getKind() == PipelineEventKind.RISK_ACCEPTED)
                .toList();
        assertThat(accepted).singleElement().satisfies(e -> {
            assertThat(e.getId()).isEqualTo(answer.get("event_id").asText());
            assertThat(e.getTenant()).isEqualTo("acme");
            assertThat(e.getScope()).isEqualTo(SHOP);
            assertThat(e.getAttributes())
                    .containsEntry(Attributes.RISK_VIOLATION_ID, "v-b")
                    .containsEntry(Attributes.RISK_CONTROL_ID, "CM-04")
                    .containsEntry(Attributes.RISK_SUBJECT_KEY, "branch:main")
                    .containsEntry(Attributes.RISK_EXPIRES_AT, expires)
                    .containsEntry(Attributes.RISK_JUSTIFICATION, "compensating control: WAF");
        });
    }

    private static <V> List<V> readAll(Topic<String, V> topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedServers.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(
                props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            int emptyAfterData = 0;
            while (System.nanoTime() < deadline && emptyAfterData < 3) {
                var records = consumer.poll(Duration.ofMillis(500));
                records.forEach(r -> values.add(r.value()));
                if (records.isEmpty() && !values.isEmpty()) {
                    emptyAfterData++;
                }
            }
        }
        return values;
    }
}
