package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.RejectedInput;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil replay-rejected} against the real ingest and broker: something ingest refused is
 * listed, exported, fixed and replayed onto vigil.pipeline-events.
 */
class ReplayRejectedIT {

    static final String SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";

    static IngestFixture ingest;

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() {
        ingest = new IngestFixture("replay");
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    int replayRejected(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        Collections.addAll(all, ingest.kafkaOptions());
        return new ReplayRejectedCommand(
                        CliArgs.parse(all.toArray(String[]::new)),
                        new PublishCommand.Env(env, Clock.systemUTC(), d -> {}, () -> "x"),
                        PublishClient.defaultHttpClient(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run();
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A deployment whose customData.commitSha is a short SHA, which ingest refuses. */
    static ObjectNode deploymentWithCommit(String eventId, String commit) {
        String[] flags = {"--env", "production", "--repository", "github.com/acme/shop", "--run", "77"};
        ObjectNode event = PublishEvents.build(
                "deployment",
                CliArgs.parse(flags),
                CiEnvironment.NONE.withOverrides(CliArgs.parse(flags)),
                Instant.now(),
                eventId);
        ((ObjectNode) event.get("data").get("customData")).put("commitSha", commit);
        return event;
    }

    /** POSTs the body to the real ingest as a CI would; answers the id ingest kept the refusal under. */
    String postRefused(byte[] body, String marker) throws Exception {
        HttpResponse<String> response = PublishClient.defaultHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.url() + "/v1/events?scope=github.com%2Facme%2Fshop"))
                                .header("Content-Type", "application/cloudevents+json")
                                .header("Authorization", "Bearer " + ingest.publisherKey)
                                .header("X-Request-Id", "req-" + marker)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        List<RejectedInput> kept = ingest.readAll(ingest.topics.ingestRejected()).stream()
                .map(ConsumerRecord::value)
                .filter(r -> new String(bytes(r.getBody()), StandardCharsets.UTF_8).contains(marker))
                .toList();
        assertThat(kept).hasSize(1);
        return kept.get(0).getId();
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] b = new byte[copy.remaining()];
        copy.get(b);
        return b;
    }

    static byte[] json(JsonNode node) throws Exception {
        return Json.mapper().writeValueAsBytes(node);
    }

    @Test
    void shouldListExportFixAndReplayARefusedDeploymentOntoThePipelineEvents() throws Exception {
        String eventId = UUID.randomUUID().toString();
        byte[] original = json(deploymentWithCommit(eventId, "abc123"));
        String rejectedId = postRefused(original, eventId);

        // list
        assertThat(replayRejected(Map.of(), "list", "--tenant", "acme", "--status", "400"))
                .isZero();
        assertThat(stdout().lines().toList())
                .first()
                .asString()
                .startsWith("ID")
                .contains("TIME", "TENANT", "STATUS", "TYPE", "REASON", "POINTER");
        assertThat(stdout().lines().filter(l -> l.startsWith(rejectedId)))
                .singleElement()
                .asString()
                .contains(" acme ", " 400 ", " invalid-field ", "/data/customData/commitSha");

        // export
        out.reset();
        assertThat(replayRejected(Map.of(), "export", "--id", rejectedId, "--export", dir.toString()))
                .isZero();
        Path bodyFile = dir.resolve(rejectedId + ".body.json");
        assertThat(bodyFile).hasBinaryContent(original);
        JsonNode meta =
                Json.mapper().readTree(dir.resolve(rejectedId + ".meta.json").toFile());
        assertThat(meta.get("tenant").asText()).isEqualTo("acme");
        assertThat(meta.get("pointer").asText()).isEqualTo("/data/customData/commitSha");
        assertThat(meta.get("path").asText()).isEqualTo("/v1/events?scope=github.com%2Facme%2Fshop");
        assertThat(meta.get("contentType").asText()).isEqualTo("application/cloudevents+json");
        assertThat(meta.get("bodySize").asInt()).isEqualTo(original.length);
        assertThat(meta.get("headers").has("authorization")).isFalse();

        // fix and replay
        ObjectNode fixed = (ObjectNode) Json.mapper().readTree(bodyFile.toFile());
        ((ObjectNode) fixed.at("/data/customData")).put("commitSha", SHA);
        Files.write(bodyFile, json(fixed));
        out.reset();
        int code = replayRejected(
                Map.of("VIGIL_API_KEY", ingest.publisherKey),
                "replay",
                "--id",
                rejectedId,
                "--body",
                bodyFile.toString(),
                "--tenant",
                "acme",
                "--url",
                ingest.url());

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<PipelineEvent> stored = ingest.readAll(ingest.topics.pipelineEvents()).stream()
                .filter(r -> r.value().getSourceEventId().equals(eventId))
                .map(r -> {
                    assertThat(r.key()).isEqualTo("acme/github.com/acme/shop");
                    return r.value();
                })
                .toList();
        assertThat(stored).singleElement().satisfies(e -> {
            assertThat(e.getKind()).isEqualTo(PipelineEventKind.SERVICE_DEPLOYED);
            assertThat(e.getSubject().getCommitSha()).isEqualTo(SHA);
            assertThat(e.getTenant()).isEqualTo("acme");
            assertThat(stdout()).isEqualTo("replayed  " + rejectedId + "  202  records " + e.getId() + "\n");
        });
        assertThat(stdout() + err.toString(StandardCharsets.UTF_8)).doesNotContain(ingest.publisherKey);
    }

    @Test
    void shouldReplayTheOriginalRequestWithItsPathContentTypeAndHeadersButTheTenantsOwnKey() throws Exception {
        String eventId = UUID.randomUUID().toString();
        byte[] original = json(deploymentWithCommit(eventId, "abc123"));
        String rejectedId = postRefused(original, eventId);
        Path keys = Files.writeString(dir.resolve("keys.properties"), "acme=" + ingest.otherTenantKey + "\n");

        try (TestHttpServer server = new TestHttpServer(TestHttpServer.accepted("rec-9"))) {
            int code = replayRejected(
                    Map.of(), "replay", "--id", rejectedId, "--keys", keys.toString(), "--url", server.url());

            assertThat(code).isZero();
            assertThat(server.received).singleElement().satisfies(r -> {
                assertThat(r.path()).isEqualTo("/v1/events");
                assertThat(r.rawQuery()).isEqualTo("scope=github.com%2Facme%2Fshop");
                assertThat(r.header("Content-Type")).isEqualTo("application/cloudevents+json");
                assertThat(r.header("X-Request-Id")).isEqualTo("req-" + eventId);
                assertThat(r.header("X-Vigil-Replay-Of")).isEqualTo(rejectedId);
                assertThat(r.header("Authorization")).isEqualTo("Bearer " + ingest.otherTenantKey);
                assertThat(r.body()).isEqualTo(original);
            });
        }
    }

    @Test
    void shouldSendNothingOnADryRunAndSkipTenantsWithoutAKey() throws Exception {
        String eventId = UUID.randomUUID().toString();
        String rejectedId = postRefused(json(deploymentWithCommit(eventId, "abc123")), eventId);
        Map<String, String> env = new HashMap<>();
        env.put("VIGIL_API_KEY", ingest.otherTenantKey);

        try (TestHttpServer server = new TestHttpServer(TestHttpServer.accepted("never"))) {
            int dry = replayRejected(
                    env, "replay", "--id", rejectedId, "--dry-run", "--tenant", "acme", "--url", server.url());
            assertThat(dry).isZero();
            assertThat(stdout())
                    .startsWith("would replay " + rejectedId + "  POST " + server.url()
                            + "/v1/events?scope=github.com%2Facme%2Fshop  application/cloudevents+json");

            out.reset();
            Path keys = Files.writeString(dir.resolve("keys.properties"), "globex=" + ingest.otherTenantKey + "\n");
            int skipped = replayRejected(
                    Map.of(), "replay", "--id", rejectedId, "--keys", keys.toString(), "--url", server.url());
            assertThat(skipped).isEqualTo(1);
            assertThat(stdout()).startsWith("skipped   " + rejectedId + "  no publisher key for tenant 'acme'");

            assertThat(server.received).isEmpty();
        }
    }
}
