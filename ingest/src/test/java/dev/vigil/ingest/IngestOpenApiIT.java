package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.config.Config;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.ingest.cdevents.Samples;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document checked against the real server: what it lists is what the server
 * accepts, and every status the server answers is one the document promises.
 */
class IngestOpenApiIT {

    static final long MAX_BODY = 64 * 1024;

    @TempDir
    static Path data;

    static IngestServer server;
    static String key;
    static JsonNode doc;

    @BeforeAll
    static void start() throws Exception {
        String bootstrap = SharedServers.kafka().bootstrapServers();
        String prefix = "it-openapi-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, Topics.withPrefix(prefix), (short) 1);
        }
        ApiKeys keys = new ApiKeys(List.of());
        key = keys.mint("acme", Set.of(Role.PUBLISHER), "ci").key();
        server = IngestServer.start(
                IngestConfig.from(Config.resolve(
                        IngestConfig.FIELDS,
                        null,
                        Map.of(),
                        Map.of(
                                "vigil.kafka.bootstrap-servers",
                                bootstrap,
                                "vigil.topic-prefix",
                                prefix,
                                "vigil.ingest.port",
                                "0",
                                "vigil.ingest.max-body-bytes",
                                String.valueOf(MAX_BODY),
                                "vigil.data-dir",
                                data.toString()))),
                keys);
        HttpResponse<String> answer = send("GET", "/openapi.json", null, null, true);
        assertThat(answer.statusCode()).isEqualTo(200);
        doc = Json.mapper().readTree(answer.body());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<String> send(String method, String path, String contentType, byte[] body, boolean withKey)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
        b.method(
                method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (withKey) {
            b.header("Authorization", "Bearer " + key);
        }
        // A connection per request: this test checks statuses against the document, and a request the server
        // refuses before reading its body (413) must not decide the fate of the next one on a shared connection
        // (HttpServiceTest covers that closing).
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    static Set<String> documentedStatuses(String path, String method) {
        Set<String> statuses = new LinkedHashSet<>();
        doc.at("/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method + "/responses")
                .fieldNames()
                .forEachRemaining(statuses::add);
        assertThat(statuses).as("documented responses of %s %s", method, path).isNotEmpty();
        return statuses;
    }

    static void assertDocumented(String path, String method, HttpResponse<String> response) throws Exception {
        assertThat(documentedStatuses(path, method))
                .as("%s %s answered %d: %s", method, path, response.statusCode(), response.body())
                .contains(String.valueOf(response.statusCode()));
        if (response.statusCode() >= 400) {
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = Json.mapper().readTree(response.body());
            assertThat(problem.get("type").asText()).startsWith("https://vigil.dev/problems/");
            assertThat(problem.get("status").asInt()).isEqualTo(response.statusCode());
        }
    }

    @Test
    void shouldDocumentExactlyTheMediaTypesTheServerAccepts() throws Exception {
        HttpResponse<String> refused =
                send("POST", "/v1/events", "text/csv", "a,b\n".getBytes(StandardCharsets.UTF_8), true);

        assertThat(refused.statusCode()).isEqualTo(415);
        Set<String> accepted = new LinkedHashSet<>(Arrays.asList(
                refused.headers().firstValue("Accept-Post").orElseThrow().split(",\\s*")));
        List<String> documented = new ArrayList<>();
        doc.at("/paths/~1v1~1events/post/requestBody/content").fieldNames().forEachRemaining(documented::add);
        assertThat(documented).containsExactlyInAnyOrderElementsOf(accepted);
    }

    @Test
    void shouldDocumentExactlyTheFormatsACallerMayName() throws Exception {
        HttpResponse<String> refused = send(
                "POST", "/v1/events?format=nessus", "application/json", "{}".getBytes(StandardCharsets.UTF_8), true);

        String detail = Json.mapper().readTree(refused.body()).get("detail").asText();
        List<String> known = Arrays.asList(detail.substring(detail.indexOf("name one of: ") + 13, detail.length() - 1)
                .split(",\\s*"));
        List<String> documented = new ArrayList<>();
        JsonNode format = null;
        for (JsonNode p : doc.at("/paths/~1v1~1events/post/parameters")) {
            if (p.get("name").asText().equals("format")) {
                format = p;
            }
        }
        assertThat(format).isNotNull();
        format.at("/schema/enum").forEach(v -> documented.add(v.asText()));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(known);
    }

    @Test
    void shouldAnswerEveryDocumentedOperationOnlyWithDocumentedStatuses() throws Exception {
        List<String> operations = new ArrayList<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue()
                .fieldNames()
                .forEachRemaining(method -> operations.add(method + " " + path.getKey())));
        assertThat(operations)
                .containsExactlyInAnyOrder(
                        "post /v1/events",
                        "post /v1/webhooks/github/{source}",
                        "post /v1/webhooks/gitlab/{source}",
                        "get /healthz",
                        "get /openapi.json");

        ObjectNode cdevent = Samples.cdevent("change_merged.json");
        cdevent.withObjectProperty("context").put("id", UUID.randomUUID().toString());
        byte[] event = Samples.json(Samples.cloudEvent(cdevent));
        assertDocumented("/v1/events", "post", send("POST", "/v1/events", "application/cloudevents+json", event, true));
        assertDocumented("/v1/events", "post", send("POST", "/v1/events", "application/cloudevents+json", event, true));
        assertDocumented(
                "/v1/events", "post", send("POST", "/v1/events", "application/cloudevents+json", event, false));
        assertDocumented(
                "/v1/events",
                "post",
                send("POST", "/v1/events", "application/cloudevents+json", "{".getBytes(StandardCharsets.UTF_8), true));
        assertDocumented(
                "/v1/events",
                "post",
                send("POST", "/v1/events", "application/cloudevents+json", new byte[(int) MAX_BODY + 1], true));
        assertDocumented(
                "/v1/events",
                "post",
                send(
                        "POST",
                        "/v1/events?format=sarif",
                        "application/json",
                        "{\"version\":\"2.1.0\",\"runs\":[]}".getBytes(StandardCharsets.UTF_8),
                        true));
        for (String kind : List.of("github", "gitlab")) {
            assertDocumented(
                    "/v1/webhooks/" + kind + "/{source}",
                    "post",
                    send("POST", "/v1/webhooks/" + kind + "/nope", "application/json", event, false));
        }
        assertDocumented("/healthz", "get", send("GET", "/healthz", null, null, false));
        assertDocumented("/openapi.json", "get", send("GET", "/openapi.json", null, null, false));
    }
}
