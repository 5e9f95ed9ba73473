package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.auditapi.AuditApiConfig;
import dev.vigil.auditapi.AuditApiServer;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import dev.vigil.common.json.Json;
import dev.vigil.ingest.IngestConfig;
import dev.vigil.ingest.IngestServer;
import dev.vigil.streams.StreamsApp;
import dev.vigil.streams.StreamsAppConfig;
import dev.vigil.streams.indexer.AuditIndexer;
import dev.vigil.streams.indexer.EvidenceIndexer;
import dev.vigil.trail.checkpoint.SigningKeyConfig;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The whole pipeline in one test JVM on given Kafka and Elasticsearch endpoints: streams app,
 * indexer, ingest and audit-api, each with a unique topic/index prefix and application id.
 */
final class PipelineHarness implements AutoCloseable {

    final String prefix = "e2e-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    final ApiKeys keys = new ApiKeys(List.of());
    final String publisherKey =
            keys.mint("acme", Set.of(Role.PUBLISHER), "test publisher").key();
    final String auditorKey =
            keys.mint("acme", Set.of(Role.AUDITOR), "test auditor").key();
    final String officerKey =
            keys.mint("acme", Set.of(Role.OFFICER), "test officer").key();
    final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> wiring;
    private StreamsApp streams;
    private AuditIndexer indexer;
    private EvidenceIndexer evidenceIndexer;
    private IngestServer ingest;
    private AuditApiServer auditApi;

    PipelineHarness(String bootstrapServers, String elasticsearchUrl, Path dataDir) {
        // The streams app refuses to start without a checkpoint signing key; vigil up generates one the same way.
        if (!java.nio.file.Files.exists(SigningKeyConfig.signingKeyFile("", dataDir))) {
            SigningKeys.rotate(
                    SigningKeyConfig.signingKeyFile("", dataDir), SigningKeyConfig.publicKeysDir("", dataDir));
        }
        this.wiring = Map.of(
                "vigil.kafka.bootstrap-servers",
                bootstrapServers,
                "vigil.elasticsearch.url",
                elasticsearchUrl,
                "vigil.topic-prefix",
                prefix,
                "vigil.index-prefix",
                prefix,
                "vigil.data-dir",
                dataDir.toString(),
                "vigil.streams.application-id",
                prefix + "streams",
                "vigil.indexer.group-id",
                prefix + "indexer",
                "vigil.ingest.port",
                "0",
                "vigil.audit-api.port",
                "0");
    }

    private Config config(List<ConfigField<?>> fields) {
        return Config.resolve(fields, null, Map.of(), wiring);
    }

    PipelineHarness start() {
        startStreams();
        indexer = AuditIndexer.start(StreamsAppConfig.from(config(StreamsAppConfig.FIELDS)));
        evidenceIndexer = EvidenceIndexer.start(StreamsAppConfig.from(config(StreamsAppConfig.FIELDS)));
        ingest = IngestServer.start(IngestConfig.from(config(IngestConfig.FIELDS)), keys);
        auditApi = AuditApiServer.start(AuditApiConfig.from(config(AuditApiConfig.FIELDS)), keys);
        return this;
    }

    String ingestUrl() {
        return ingest.baseUrl();
    }

    String auditApiUrl() {
        return auditApi.baseUrl();
    }

    void startStreams() {
        streams = StreamsApp.start(StreamsAppConfig.from(config(StreamsAppConfig.FIELDS)));
        streams.waitUntilRunning(Duration.ofSeconds(120));
    }

    void stopStreams() {
        streams.close();
        streams = null;
    }

    static ObjectNode sample(String name) {
        try (InputStream in = PipelineHarness.class.getResourceAsStream("/samples/" + name)) {
            return (ObjectNode) Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CDEvent wrapped as a CloudEvents 1.0 structured-mode event with a fresh id. */
    static ObjectNode cloudEvent(ObjectNode cdevent, String repository) {
        ObjectNode data = cdevent.deepCopy();
        String id = UUID.randomUUID().toString();
        ((ObjectNode) data.get("context")).put("id", id);
        if (repository != null) {
            ((ObjectNode) data.at("/subject/content")).putObject("repository").put("id", repository);
        }
        ObjectNode ce = Json.mapper().createObjectNode();
        ce.put("specversion", "1.0");
        ce.put("id", id);
        ce.put("source", data.at("/context/source").asText());
        ce.put("type", data.at("/context/type").asText());
        ce.put("time", Instant.now().toString());
        ce.put("datacontenttype", "application/json");
        ce.set("data", data);
        return ce;
    }

    HttpResponse<String> post(ObjectNode event, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/v1/events"))
                .header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(event)));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    String postAccepted(ObjectNode event) throws Exception {
        HttpResponse<String> response = post(event, publisherKey);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Json.mapper().readTree(response.body()).get("id").asText();
    }

    /** GET of an audit-api path (such as a record's evidence.url) as the auditor, body as bytes. */
    HttpResponse<byte[]> getAsAuditor(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(auditApi.baseUrl() + path))
                .header("Authorization", "Bearer " + auditorKey)
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> search(String query) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(auditApi.baseUrl() + "/v1/audit/records?" + query))
                .header("Authorization", "Bearer " + auditorKey)
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Every record of a scope, following the cursor through all pages. */
    List<JsonNode> allRecords(String scope) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        String cursor = null;
        do {
            String q = "scope=" + enc(scope) + "&size=100" + (cursor == null ? "" : "&cursor=" + enc(cursor));
            HttpResponse<String> response = search(q);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode page = Json.mapper().readTree(response.body());
            page.get("records").forEach(records::add);
            cursor = page.hasNonNull("next") ? page.get("next").asText() : null;
        } while (cursor != null);
        return records;
    }

    /** Polls the audit API until the scope's records satisfy the condition or the deadline passes. */
    List<JsonNode> awaitRecords(String scope, Predicate<List<JsonNode>> done, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> records = allRecords(scope);
        while (!done.test(records) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            records = allRecords(scope);
        }
        return records;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {auditApi, ingest, evidenceIndexer, indexer, streams}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // best effort in tests; the next test uses fresh prefixes
                }
            }
        }
    }
}
