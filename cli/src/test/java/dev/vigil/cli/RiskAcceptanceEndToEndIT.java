package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.auditapi.AuditApiConfig;
import dev.vigil.auditapi.AuditApiServer;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.ingest.IngestConfig;
import dev.vigil.ingest.IngestServer;
import dev.vigil.streams.StreamsApp;
import dev.vigil.streams.StreamsAppConfig;
import dev.vigil.streams.indexer.AuditIndexer;
import dev.vigil.trail.checkpoint.SigningKeyConfig;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An officer accepts the risk of a real violation through the audit API, and the whole pipeline
 * acts on it: a merge without review opens CM-01 through ingest and the streams app; the
 * acceptance (a RISK_ACCEPTED input) moves it to RISK_ACCEPTED; at expiry the streams app's timer
 * moves it to RISK_EXPIRED and REOPENED. The changes are read from the violation stream (SSE on
 * vigil.violations), the acceptance itself from the trail.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RiskAcceptanceEndToEndIT {

    /** The README's "Try it" merge: alice merges into main with nobody's approval. */
    private static final String MERGE = """
            {"specversion": "1.0", "id": "%1$s", "source": "https://ci.example.com/acme/risk",
             "type": "dev.cdevents.change.merged.0.3.0", "time": "%2$s", "datacontenttype": "application/json",
             "data": {"context": {"specversion": "0.5.0", "id": "%1$s", "source": "https://ci.example.com/acme/risk",
                                  "type": "dev.cdevents.change.merged.0.3.0", "timestamp": "%2$s"},
                      "subject": {"id": "pull/42", "content": {"repository": {"id": "acme/risk", "source": "https://github.com"}}},
                      "customData": {"change.author": "alice", "change.target-branch": "main",
                                     "change.head-sha": "0123456789abcdef0123456789abcdef01234567",
                                     "change.merge-sha": "89abcdef0123456789abcdef0123456789abcdef"}}}
            """;

    private static final String SCOPE = "github.com/acme/risk";

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldAcceptARiskThroughTheApiAndSeeItExpireAndReopen() throws Exception {
        String prefix = "e2e-risk-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        ApiKeys keys = new ApiKeys(List.of());
        String publisher = keys.mint("acme", Set.of(Role.PUBLISHER), "ci").key();
        String officer = keys.mint("acme", Set.of(Role.OFFICER), "ciso").key();
        SigningKeys.rotate(SigningKeyConfig.signingKeyFile("", data), SigningKeyConfig.publicKeysDir("", data));
        Map<String, String> wiring = Map.ofEntries(
                Map.entry("vigil.kafka.bootstrap-servers", SharedServers.kafka().bootstrapServers()),
                Map.entry(
                        "vigil.elasticsearch.url", SharedServers.elasticsearch().httpUrl()),
                Map.entry("vigil.topic-prefix", prefix),
                Map.entry("vigil.index-prefix", prefix),
                Map.entry("vigil.data-dir", data.toString()),
                Map.entry("vigil.streams.application-id", prefix + "streams"),
                Map.entry("vigil.indexer.group-id", prefix + "indexer"),
                // The expiry is seconds away: the timer that notices it must look often.
                Map.entry("vigil.streams.punctuation-interval-ms", "500"),
                Map.entry("vigil.ingest.port", "0"),
                Map.entry("vigil.audit-api.port", "0"));
        StreamsApp streams = StreamsApp.start(StreamsAppConfig.from(config(StreamsAppConfig.FIELDS, wiring)));
        try (streams;
                AuditIndexer indexer =
                        AuditIndexer.start(StreamsAppConfig.from(config(StreamsAppConfig.FIELDS, wiring)));
                IngestServer ingest = IngestServer.start(IngestConfig.from(config(IngestConfig.FIELDS, wiring)), keys);
                AuditApiServer api =
                        AuditApiServer.start(AuditApiConfig.from(config(AuditApiConfig.FIELDS, wiring)), keys)) {
            streams.waitUntilRunning(Duration.ofSeconds(120));
            String api0 = api.baseUrl();

            HttpResponse<InputStream> sse = http.send(
                    HttpRequest.newBuilder(URI.create(api0 + "/v1/violations/stream?control=CM-01"))
                            .header("Authorization", "Bearer " + officer)
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(sse.statusCode()).isEqualTo(200);
            try (BufferedReader events =
                    new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
                awaitLine(events, ": connected");

                String eventId = UUID.randomUUID().toString();
                HttpResponse<String> posted = http.send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/v1/events"))
                                .header("Authorization", "Bearer " + publisher)
                                .header("Content-Type", "application/cloudevents+json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        MERGE.formatted(eventId, Instant.now().toString())))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);

                JsonNode opened = nextViolation(events);
                assertThat(opened.get("change").asText()).isEqualTo("OPENED");
                assertThat(opened.get("scope").asText()).isEqualTo(SCOPE);
                String violationId = opened.get("violation_id").asText();

                // The list reads the trail, which the indexer fills a moment after the stream saw it.
                JsonNode listed = await(
                        () -> get(api0, "/v1/violations?control=CM-01", officer),
                        l -> l.get("violations").size() == 1);
                assertThat(listed.at("/violations/0/violation_id").asText()).isEqualTo(violationId);
                assertThat(listed.at("/violations/0/state").asText()).isEqualTo("OPENED");
                assertThat(listed.at("/violations/0/chain/id").asText()).isEqualTo("acme/" + SCOPE);
                assertThat(listed.at("/violations/0/requirements").toString()).contains("SOC2:CC8.1");

                HttpResponse<String> unknown = accept(
                        api0,
                        officer,
                        "no-such-violation",
                        "{\"justification\":\"j\"," + "\"expires_at\":\""
                                + Instant.now().plusSeconds(60) + "\"}");
                assertThat(unknown.statusCode()).isEqualTo(404);

                Instant expires = Instant.now().plusSeconds(15);
                HttpResponse<String> accepted = accept(
                        api0,
                        officer,
                        violationId,
                        "{\"justification\":\"hotfix reviewed after the fact\",\"expires_at\":\"" + expires + "\"}");
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                String acceptanceId =
                        Json.mapper().readTree(accepted.body()).get("event_id").asText();

                List<String> changes = new ArrayList<>();
                while (changes.size() < 3) {
                    JsonNode v = nextViolation(events);
                    assertThat(v.get("violation_id").asText()).isEqualTo(violationId);
                    changes.add(v.get("change").asText());
                    if (v.get("change").asText().equals("RISK_ACCEPTED")) {
                        assertThat(v.get("reason").asText()).contains("hotfix reviewed after the fact");
                    }
                }
                assertThat(changes).containsExactly("RISK_ACCEPTED", "RISK_EXPIRED", "REOPENED");

                JsonNode trail = await(
                        () -> get(
                                api0,
                                "/v1/audit/records?kind=RISK_ACCEPTANCE&scope="
                                        + URLEncoder.encode(SCOPE, StandardCharsets.UTF_8),
                                officer),
                        r -> r.get("records").size() == 1);
                assertThat(trail.at("/records/0/event/id").asText()).isEqualTo(acceptanceId);
                // The officer (actor "key:<id>") is stored by pseudonym, the cleartext only encrypted
                // (docs/erasure.md).
                assertThat(trail.at("/records/0/user/id").asText()).startsWith("p:");
                assertThat(trail.at("/records/0/labels/actor.id").asText()).startsWith("enc:v1:");
                assertThat(trail.at("/records/0/labels").toString())
                        .contains(violationId)
                        .contains("hotfix reviewed after the fact");

                JsonNode reopened = await(
                        () -> get(api0, "/v1/violations?control=CM-01", officer),
                        l -> l.at("/violations/0/state").asText().equals("REOPENED"));
                assertThat(reopened.at("/violations/0/state").asText()).isEqualTo("REOPENED");
            }
        }
    }

    private static Config config(List<ConfigField<?>> fields, Map<String, String> wiring) {
        return Config.resolve(fields, null, Map.of(), wiring);
    }

    private HttpResponse<String> accept(String base, String key, String violationId, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/violations/"
                                + URLEncoder.encode(violationId, StandardCharsets.UTF_8) + "/risk-acceptance"))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String base, String path, String key) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + key)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    interface Probe {
        JsonNode get() throws Exception;
    }

    private static JsonNode await(Probe probe, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(300);
            value = probe.get();
        }
        return value;
    }

    private static void awaitLine(BufferedReader r, String expected) throws Exception {
        String line;
        while ((line = r.readLine()) != null) {
            if (line.equals(expected)) {
                return;
            }
        }
        throw new AssertionError("stream ended before " + expected);
    }

    private static JsonNode nextViolation(BufferedReader r) throws Exception {
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return Json.mapper().readTree(line.substring(6));
            }
        }
        throw new AssertionError("stream ended");
    }
}
