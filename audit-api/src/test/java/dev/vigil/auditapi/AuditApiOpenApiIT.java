package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.auditapi.admin.AdminEndpoints;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.http.HttpService;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document checked against the real server: every route the server answers is
 * documented, every documented operation that is routed answers only documented statuses and
 * content types (problem+json for errors), and no error body reveals internals.
 */
class AuditApiOpenApiIT {

    /**
     * Operations of the contract (BRIEF6) documented ahead of their implementation on this branch.
     * At merge, delete each one whose route arrived: the test fails while the list and the server disagree.
     */
    static final Set<String> PENDING = Set.of();

    @TempDir
    static Path data;

    static AuditApiServer server;
    static JsonNode doc;
    static Map<Role, String> keyFor;
    static String publisherKey;

    @BeforeAll
    static void start() throws Exception {
        String prefix = "it-openapi-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        ApiKeys keys = new ApiKeys(List.of());
        publisherKey = keys.mint("acme", Set.of(Role.PUBLISHER), "ci").key();
        keyFor = Map.of(
                Role.AUDITOR, keys.mint("acme", Set.of(Role.AUDITOR), "auditor").key(),
                Role.OFFICER, keys.mint("acme", Set.of(Role.OFFICER), "officer").key(),
                // A platform admin: allowed every admin operation, so each can be seen succeeding.
                Role.ADMIN,
                        keys.mint(AdminEndpoints.PLATFORM_TENANT, Set.of(Role.ADMIN), "admin")
                                .key());
        server = AuditApiServer.start(
                TestConfigs.onSharedServers(
                        new AuditApiConfig(SharedServers.elasticsearch().httpUrl(), prefix, "127.0.0.1", 0, 500, "1m")
                                .withDataDir(data),
                        prefix),
                keys);
        Answer answer = send(server, "GET", "/openapi.json", null, null, null);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        doc = Json.mapper().readTree(answer.body());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Operations as "method path-template", e.g. "delete /v1/admin/keys/{id}". */
    static List<String> documentedOperations() {
        List<String> ops = new ArrayList<>();
        doc.get("paths").properties().forEach(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (!m.equals("parameters")) {
                ops.add(m + " " + p.getKey());
            }
        }));
        return ops;
    }

    /** The route pattern a documented path is served by: from its first template on, a prefix route. */
    static String routePattern(String documentedPath) {
        int brace = documentedPath.indexOf('{');
        return brace < 0 ? documentedPath : documentedPath.substring(0, brace) + "*";
    }

    static boolean routed(String operation) {
        String method = operation.substring(0, operation.indexOf(' '));
        String path = operation.substring(operation.indexOf(' ') + 1);
        return server.routes().stream()
                .anyMatch(r -> r.method().toLowerCase(Locale.ROOT).equals(method)
                        && r.path().equals(routePattern(path)));
    }

    /** A concrete request path for a documented path template. */
    static String concrete(String documentedPath) {
        return documentedPath
                .replace("{sha256}", "0".repeat(64))
                .replace("{id}", "abcdefghijkl")
                .replace("{violation_id}", "v-0")
                .replace("{path}", "index.html");
    }

    static Answer send(AuditApiServer target, String method, String path, String key, String contentType, byte[] body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.baseUrl() + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        // A connection per request: a request refused before its body is read must not affect the next.
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<java.io.InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = r.body()) {
                // An event stream never ends: its status and headers are what is checked here.
                boolean eventStream =
                        r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
                String text = eventStream ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                return new Answer(r.statusCode(), r.headers(), text);
            }
        }
    }

    /** What a request got: status, headers and the body as text ("" for an event stream). */
    record Answer(int statusCode, java.net.http.HttpHeaders headers, String body) {}

    static JsonNode operation(String op) {
        String method = op.substring(0, op.indexOf(' '));
        String path = op.substring(op.indexOf(' ') + 1);
        return doc.get("paths").get(path).get(method);
    }

    static void assertDocumented(String op, Answer response) throws Exception {
        JsonNode responses = operation(op).get("responses");
        String status = String.valueOf(response.statusCode());
        assertThat(responses.has(status))
                .as("%s answered %s, undocumented: %s", op, status, response.body())
                .isTrue();
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        if (response.statusCode() >= 400) {
            assertThat(contentType).as("%s %s", op, status).isEqualTo("application/problem+json");
            if (op.startsWith("head ")) {
                return; // headers only
            }
            JsonNode problem = Json.mapper().readTree(response.body());
            assertThat(problem.get("type").asText()).startsWith("https://vigil.dev/problems/");
            assertThat(problem.get("status").asInt()).isEqualTo(response.statusCode());
        }
        JsonNode content = responses.get(status).get("content");
        if (content != null && contentType != null) {
            String media = contentType.split(";")[0].trim();
            assertThat(content.has(media) || content.has("*/*"))
                    .as("%s %s answered %s, documented %s", op, status, media, content.fieldNames())
                    .isTrue();
        }
    }

    @Test
    void shouldDocumentEveryRouteOfTheRunningServer() {
        List<String> documented = documentedOperations();
        for (HttpService.Route route : server.routes()) {
            String method = route.method().toLowerCase(Locale.ROOT);
            assertThat(documented)
                    .as("route %s %s is documented in openapi.json", route.method(), route.path())
                    .anyMatch(op -> op.startsWith(method + " ")
                            && routePattern(op.substring(method.length() + 1)).equals(route.path()));
        }
    }

    @Test
    void shouldListAsPendingExactlyTheDocumentedOperationsNotRoutedYet() {
        Set<String> unrouted = new TreeSet<>();
        documentedOperations().stream().filter(op -> !routed(op)).forEach(unrouted::add);

        assertThat(unrouted).containsExactlyInAnyOrderElementsOf(PENDING);
    }

    @Test
    void shouldDeclareSecurityOnEveryOperationButThePublicOnes() {
        for (String op : documentedOperations()) {
            JsonNode security = operation(op).get("security");
            boolean publicRoute = server.routes().stream()
                    .anyMatch(r -> r.role() == null
                            && (r.method().toLowerCase(Locale.ROOT) + " " + r.path())
                                    .equals(op.substring(0, op.indexOf(' ') + 1)
                                            + routePattern(op.substring(op.indexOf(' ') + 1))));
            if (publicRoute) {
                assertThat(security).as("%s is public", op).isNotNull();
                assertThat(security.isEmpty()).as("%s is public", op).isTrue();
            } else if (routed(op)) {
                assertThat(security == null || !security.isEmpty())
                        .as("%s needs a key: it inherits the document's security", op)
                        .isTrue();
            }
        }
        assertThat(doc.get("security"))
                .extracting(JsonNode::toString)
                .asString()
                .contains("bearer", "session");
    }

    @Test
    void shouldAnswerEveryRoutedOperationOnlyWithDocumentedStatuses() throws Exception {
        int checked = 0;
        for (String op : documentedOperations()) {
            if (!routed(op)) {
                continue;
            }
            String method = op.substring(0, op.indexOf(' ')).toUpperCase(Locale.ROOT);
            String path = concrete(op.substring(op.indexOf(' ') + 1));
            Role role = server.routes().stream()
                    .filter(r -> r.method().equals(method)
                            && r.path().equals(routePattern(op.substring(op.indexOf(' ') + 1))))
                    .findFirst()
                    .orElseThrow()
                    .role();
            boolean hasBody = operation(op).has("requestBody");
            byte[] body = hasBody ? validBody(path).getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
            String type = hasBody ? "application/json" : null;
            String key = role == null ? null : keyFor.get(role);

            assertDocumented(op, send(server, method, path, key, type, body));
            if (role != null) {
                assertDocumented(op, send(server, method, path, null, type, body));
                assertDocumented(op, send(server, method, path, "vgl_000000000000_" + "x".repeat(43), type, body));
                assertDocumented(op, send(server, method, path, publisherKey, type, body));
                assertDocumented(op, send(server, method, path + "?size=0&from=yesterday&cursor=%25", key, type, body));
            }
            if (hasBody) {
                assertDocumented(op, send(server, method, path, key, type, "{".getBytes()));
                assertDocumented(op, send(server, method, path, key, "text/plain", "x".getBytes()));
                assertDocumented(op, send(server, method, path, key, type, new byte[64 * 1024 + 1]));
            }
            checked++;
        }
        assertThat(checked).isEqualTo(documentedOperations().size() - PENDING.size());
    }

    @Test
    void shouldNeverRevealInternalsInAnErrorBody() throws Exception {
        int esPort;
        int kafkaPort;
        try (ServerSocket a = new ServerSocket(0);
                ServerSocket b = new ServerSocket(0)) {
            esPort = a.getLocalPort();
            kafkaPort = b.getLocalPort();
        }
        String esUrl = "http://127.0.0.1:" + esPort;
        ApiKeys keys = new ApiKeys(List.of());
        String auditor = keys.mint("acme", Set.of(Role.OFFICER), "auditor").key();
        String admin = keys.mint(AdminEndpoints.PLATFORM_TENANT, Set.of(Role.ADMIN), "admin")
                .key();
        List<String> forbidden = List.of(
                "dev.vigil",
                "Exception",
                "\tat ",
                "127.0.0.1:" + esPort,
                "127.0.0.1:" + kafkaPort,
                SharedServers.elasticsearch().httpUrl().replaceFirst("^https?://", ""),
                SharedServers.kafka().bootstrapServers());
        // Both a healthy server (4xx) and one whose Elasticsearch and Kafka are down (5xx).
        try (AuditApiServer down = AuditApiServer.start(
                new AuditApiConfig(esUrl, "leak-", "127.0.0.1", 0, 500, "1m")
                        .withKafka("127.0.0.1:" + kafkaPort, "leak-")
                        .withDataDir(data),
                keys)) {
            int errors = 0;
            for (AuditApiServer target : List.of(server, down)) {
                String good = target == server ? keyFor.get(Role.OFFICER) : auditor;
                String platform = target == server ? keyFor.get(Role.ADMIN) : admin;
                for (HttpService.Route route : target.routes()) {
                    String path = concrete(route.path().replace("*", "{sha256}"));
                    String key = route.role() == Role.ADMIN ? platform : good;
                    List<Answer> answers = List.of(
                            send(target, route.method(), path, null, null, null),
                            send(target, route.method(), path, "vgl_000000000000_" + "x".repeat(43), null, null),
                            send(target, route.method(), path, publisherKey, null, null),
                            send(
                                    target,
                                    route.method(),
                                    path + "?size=-1&from=x&to=y&scope=&cursor=%25%25",
                                    key,
                                    null,
                                    null),
                            send(target, route.method(), path, key, "application/json", "{\"roles\":[1]".getBytes()),
                            send(
                                    target,
                                    route.method(),
                                    path,
                                    key,
                                    "application/json",
                                    "{\"roles\":[\"admin\"],\"tenant\":\"nope\"}".getBytes()),
                            send(target, route.method(), path, key, null, null),
                            send(target, "PATCH", path, key, null, null));
                    for (Answer r : answers) {
                        if (r.statusCode() >= 400) {
                            errors++;
                            assertThat(r.body())
                                    .as("%s %s answered %d", route.method(), path, r.statusCode())
                                    .doesNotContain(forbidden);
                        }
                    }
                }
                assertThat(send(target, "GET", "/v1/no/such/route", good, null, null)
                                .body())
                        .doesNotContain(forbidden);
            }
            assertThat(errors).isGreaterThan(4 * server.routes().size());
        }
    }

    static String validBody(String path) {
        if (path.startsWith(AdminEndpoints.TENANTS_PATH)) {
            return "{\"tenant\":\"t-" + UUID.randomUUID().toString().substring(0, 8) + "\"}";
        }
        if (path.startsWith(AdminEndpoints.KEYS_PATH)) {
            return "{\"roles\":[\"admin\"],\"description\":\"openapi\"}";
        }
        return "{}";
    }
}
