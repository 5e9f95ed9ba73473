package dev.vigil.auditapi.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.auditapi.AuditApiConfig;
import dev.vigil.auditapi.AuditApiServer;
import dev.vigil.auditapi.TestConfigs;
import dev.vigil.auditapi.violations.ViolationsConfig;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.ViolationState;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks end to end on the real broker and Elasticsearch: a local receiver that checks the
 * signature itself, refuses the first two attempts with 503, and takes the third; the delivery log
 * shows all three. Violations go to partition 0 so the worker handles them in a known order.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebhookDeliveryIT {

    record Received(String path, String timestamp, String signature, String delivery, byte[] body, boolean valid) {}

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> hookSecret = new AtomicReference<>("");
    private final AtomicReference<String> slackSecret = new AtomicReference<>("");
    private HttpServer receiver;
    private KafkaProducer<String, Violation> producer;
    private Topic<String, Violation> topic;
    private String prefix;
    private ApiKeys keys;
    private String officer;
    private String globexOfficer;

    @TempDir
    Path dataDir;

    @BeforeEach
    void setUp() throws IOException {
        prefix = "it-hooks-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        keys = new ApiKeys(List.of());
        officer = keys.mint("acme", Set.of(Role.OFFICER), "it officer").key();
        globexOfficer = keys.mint("globex", Set.of(Role.OFFICER), "it officer").key();
        topic = Topics.withPrefix(prefix).violations();
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        SharedServers.kafka().bootstrapServers()),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer());
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> receive(ex, hookSecret.get(), true));
        receiver.createContext("/slack", ex -> receive(ex, slackSecret.get(), false));
        receiver.createContext("/down", ex -> {
            received.add(
                    new Received("/down", null, null, null, ex.getRequestBody().readAllBytes(), true));
            ex.getResponseHeaders().set("Retry-After", "0");
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterEach
    void tearDown() {
        receiver.stop(0);
        producer.close();
    }

    /** The receiver's side, as docs/subscriptions.md tells receivers to do it. */
    private void receive(HttpExchange ex, String secret, boolean failTwice) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String ts = ex.getRequestHeaders().getFirst("Vigil-Timestamp");
        String sig = ex.getRequestHeaders().getFirst("Vigil-Signature");
        boolean valid =
                WebhookSignature.verify(secret, ts, sig, body, Instant.now().getEpochSecond(), 300);
        received.add(new Received(
                ex.getRequestURI().getPath(), ts, sig, ex.getRequestHeaders().getFirst("Vigil-Delivery"), body, valid));
        long attempts = received.stream()
                .filter(r -> r.path().equals(ex.getRequestURI().getPath()))
                .count();
        int status = !valid ? 401 : failTwice && attempts <= 2 ? 503 : 200;
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    private AuditApiConfig config(boolean allowPrivate) {
        return TestConfigs.onSharedServers(
                        new AuditApiConfig(SharedServers.elasticsearch().httpUrl(), prefix, "127.0.0.1", 0, 500, "1m"),
                        prefix)
                .withDataDir(dataDir)
                .withViolations(ViolationsConfig.defaults()
                        .withAllowPrivateTargets(allowPrivate)
                        .withWebhookRetries(5, Duration.ofMillis(100), Duration.ofMillis(400)));
    }

    @Test
    void shouldRetryUntilDeliveredSignedAndLogEveryAttempt() throws Exception {
        try (AuditApiServer server = AuditApiServer.start(config(true), keys)) {
            String base = server.baseUrl();
            String hookUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            JsonNode created = call(
                            base,
                            "POST",
                            "/v1/subscriptions",
                            officer,
                            Map.of("url", hookUrl, "format", "vigil", "filters", Map.of("control", "CM-04")))
                    .body;
            String id = created.get("id").asText();
            hookSecret.set(created.get("secret").asText());
            assertThat(created.get("secret").asText()).startsWith("whsec_");
            JsonNode slack = call(
                            base,
                            "POST",
                            "/v1/subscriptions",
                            officer,
                            Map.of(
                                    "url",
                                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/slack",
                                    "format",
                                    "slack",
                                    "filters",
                                    Map.of("control", "CM-05", "framework", "soc2")))
                    .body;
            slackSecret.set(slack.get("secret").asText());

            Reply listed = call(base, "GET", "/v1/subscriptions", officer, null);
            assertThat(listed.body.get("subscriptions"))
                    .extracting(s -> s.get("id").asText())
                    .containsExactly(id, slack.get("id").asText());
            assertThat(listed.raw).doesNotContain(hookSecret.get()).doesNotContain("sealed");
            assertThat(call(base, "GET", "/v1/subscriptions", globexOfficer, null)
                            .body
                            .get("subscriptions"))
                    .isEmpty();

            send(violation("globex", "CM-04", "g-1"));
            send(violation("acme", "CM-06", "a-other"));
            send(violation("acme", "CM-04", "a-1"));
            send(violation("acme", "CM-05", "a-slack"));

            List<Received> hook = await(
                    () -> received.stream()
                            .filter(r -> r.path().equals("/hook"))
                            .toList(),
                    l -> l.size() >= 3);
            List<Received> slackGot = await(
                    () -> received.stream()
                            .filter(r -> r.path().equals("/slack"))
                            .toList(),
                    l -> !l.isEmpty());

            assertThat(hook).hasSize(3);
            assertThat(hook).allSatisfy(r -> assertThat(r.valid())
                    .as("signature verified by the receiver")
                    .isTrue());
            assertThat(hook)
                    .extracting(Received::delivery)
                    .containsOnly(hook.get(0).delivery());
            JsonNode delivered = Json.mapper().readTree(hook.get(2).body());
            assertThat(delivered.get("violation_id").asText()).isEqualTo("a-1");
            assertThat(delivered.get("control_id").asText()).isEqualTo("CM-04");
            assertThat(delivered.get("change").asText()).isEqualTo("OPENED");
            assertThat(delivered.get("tenant").asText()).isEqualTo("acme");

            // A captured request replayed later than the tolerance fails the receiver's check.
            Received last = hook.get(2);
            long ts = Long.parseLong(last.timestamp());
            assertThat(WebhookSignature.verify(
                            hookSecret.get(), last.timestamp(), last.signature(), last.body(), ts, 300))
                    .isTrue();
            assertThat(WebhookSignature.verify(
                            hookSecret.get(), last.timestamp(), last.signature(), last.body(), ts + 301, 300))
                    .isFalse();

            JsonNode slackBody = Json.mapper().readTree(slackGot.get(0).body());
            assertThat(slackGot.get(0).valid()).isTrue();
            assertThat(slackBody.get("text").asText()).contains("CM-05").contains("github.com/acme/shop");
            assertThat(slackBody.get("blocks"))
                    .extracting(b -> b.get("type").asText())
                    .containsExactly("header", "section", "context");
            assertThat(slackBody.at("/blocks/1/text/type").asText()).isEqualTo("mrkdwn");

            List<JsonNode> log = await(
                    () -> {
                        Reply r = call(base, "GET", "/v1/subscriptions/" + id + "/deliveries", officer, null);
                        return r.status == 200 ? list(r.body.get("deliveries")) : List.of();
                    },
                    l -> l.size() >= 3);
            assertThat(log).extracting(d -> d.get("attempt").asInt()).containsExactly(3, 2, 1);
            assertThat(log).extracting(d -> d.get("status_code").asInt()).containsExactly(200, 503, 503);
            assertThat(log)
                    .extracting(d -> d.get("outcome").asText())
                    .containsExactly("delivered", "retrying", "retrying");
            assertThat(log).extracting(d -> d.get("violation_id").asText()).containsOnly("a-1");
            assertThat(received).noneMatch(r -> new String(r.body(), StandardCharsets.UTF_8).contains("g-1"));
            assertThat(received).noneMatch(r -> new String(r.body(), StandardCharsets.UTF_8).contains("a-other"));

            assertThat(call(base, "GET", "/v1/subscriptions/" + id + "/deliveries", globexOfficer, null).status)
                    .isEqualTo(404);
            assertThat(call(base, "DELETE", "/v1/subscriptions/" + id, officer, null).status)
                    .isEqualTo(204);
            assertThat(call(base, "GET", "/v1/subscriptions", officer, null)
                            .body
                            .get("subscriptions"))
                    .extracting(s -> s.get("id").asText())
                    .containsExactly(slack.get("id").asText());

            // Another instance rebuilds the same set from vigil.subscriptions: the deletion included.
            try (AuditApiServer other = AuditApiServer.start(config(true), keys)) {
                JsonNode seen = await(
                        () -> call(other.baseUrl(), "GET", "/v1/subscriptions", officer, null).body,
                        b -> b.get("subscriptions").size() == 1);
                assertThat(seen.get("subscriptions"))
                        .extracting(s ->
                                s.get("id").asText() + " " + s.get("format").asText() + " "
                                        + s.at("/filters/control").asText() + " "
                                        + s.at("/filters/framework").asText())
                        .containsExactly(slack.get("id").asText() + " slack CM-05 SOC2");
            }
        }
    }

    @Test
    void shouldGiveUpAfterTheConfiguredAttemptsAndLogTheDeliveryAsFailed() throws Exception {
        try (AuditApiServer server = AuditApiServer.start(config(true), keys)) {
            String base = server.baseUrl();
            String id = call(
                            base,
                            "POST",
                            "/v1/subscriptions",
                            officer,
                            Map.of(
                                    "url",
                                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/down"))
                    .body
                    .get("id")
                    .asText();

            send(violation("acme", "CM-04", "down-1"));

            List<JsonNode> log = await(
                    () -> {
                        Reply r = call(base, "GET", "/v1/subscriptions/" + id + "/deliveries", officer, null);
                        return r.status == 200 ? list(r.body.get("deliveries")) : List.of();
                    },
                    l -> l.size() >= 5);
            assertThat(log).extracting(d -> d.get("attempt").asInt()).containsExactly(5, 4, 3, 2, 1);
            assertThat(log)
                    .extracting(d -> d.get("outcome").asText())
                    .containsExactly("failed", "retrying", "retrying", "retrying", "retrying");
            assertThat(log).extracting(d -> d.get("status_code").asInt()).containsOnly(503);
            assertThat(received.stream().filter(r -> r.path().equals("/down"))).hasSize(5);
        }
    }

    @Test
    void shouldRefuseLoopbackTargetsAndBadSubscriptions() throws Exception {
        try (AuditApiServer server = AuditApiServer.start(config(false), keys)) {
            String base = server.baseUrl();
            Reply loopback = call(base, "POST", "/v1/subscriptions", officer, Map.of("url", "http://127.0.0.1:9/hook"));
            assertThat(loopback.status).isEqualTo(400);
            assertThat(loopback.body.at("/errors/0/pointer").asText()).isEqualTo("/url");
            Reply format = call(
                    base,
                    "POST",
                    "/v1/subscriptions",
                    officer,
                    Map.of("url", "https://93.184.216.34/x", "format", "xml"));
            assertThat(format.body.at("/errors/0/pointer").asText()).isEqualTo("/format");
            Reply severity = call(
                    base,
                    "POST",
                    "/v1/subscriptions",
                    officer,
                    Map.of("url", "https://93.184.216.34/x", "filters", Map.of("severity", "urgent")));
            assertThat(severity.body.at("/errors/0/pointer").asText()).isEqualTo("/filters/severity");
            String auditor =
                    keys.mint("acme", Set.of(Role.AUDITOR), "it auditor").key();
            assertThat(call(base, "GET", "/v1/subscriptions", auditor, null).status)
                    .isEqualTo(403);
        }
    }

    record Reply(int status, JsonNode body, String raw) {}

    private Reply call(String base, String method, String path, String key, Object json) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key);
        if (json != null) {
            b.header("Content-Type", "application/json")
                    .method(
                            method,
                            HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(json)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(
                r.statusCode(), r.body().isEmpty() ? null : Json.mapper().readTree(r.body()), r.body());
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    private static <T> T await(Probe<T> probe, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            value = probe.get();
        }
        return value;
    }

    private void send(Violation v) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), 0, v.getTenant() + "/" + v.getScope(), v))
                .get(10, TimeUnit.SECONDS);
    }

    private static Violation violation(String tenant, String control, String id) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return Violation.newBuilder()
                .setId(id)
                .setTenant(tenant)
                .setScope("github.com/acme/shop")
                .setControlId(control)
                .setSubjectKey("branch:main")
                .setState(ViolationState.OPENED)
                .setSeverity(Severity.HIGH)
                .setRequirements(List.of("SOC2:CC8.1"))
                .setReason("force pushes allowed on main")
                .setCatalogVersion("test")
                .setOpenedAt(now)
                .setChangedAt(now)
                .build();
    }
}
