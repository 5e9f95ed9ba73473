package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.json.Json;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
 * {@code vigil publish} end to end: events into the real ingest and broker; scanner reports
 * (whose adapters live elsewhere) against a local HTTP server that records what was sent.
 */
class PublishCommandIT {

    static final String SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    static final String DIGEST = "sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427";

    static IngestFixture ingest;

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final List<Duration> slept = new ArrayList<>();

    @BeforeAll
    static void start() {
        ingest = new IngestFixture("publish");
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    int publish(Map<String, String> env, String eventId, String... args) {
        return new PublishCommand(
                        CliArgs.parse(args),
                        new PublishCommand.Env(
                                env,
                                Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"), ZoneOffset.UTC),
                                slept::add,
                                () -> eventId),
                        PublishClient.defaultHttpClient(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run();
    }

    static Map<String, String> githubActions(String url, String key) {
        Map<String, String> env = new HashMap<>();
        env.put("GITHUB_ACTIONS", "true");
        env.put("GITHUB_SERVER_URL", "https://github.com");
        env.put("GITHUB_REPOSITORY", "acme/shop");
        env.put("GITHUB_SHA", SHA);
        env.put("GITHUB_REF_NAME", "main");
        env.put("GITHUB_RUN_ID", "8123456789");
        env.put("GITHUB_RUN_ATTEMPT", "1");
        env.put("GITHUB_ACTOR", "release-bot");
        env.put("VIGIL_URL", url);
        env.put("VIGIL_API_KEY", key);
        return env;
    }

    List<PipelineEvent> eventsWithSourceId(String sourceEventId) {
        return ingest.readAll(ingest.topics.pipelineEvents()).stream()
                .map(ConsumerRecord::value)
                .filter(e -> e.getSourceEventId().equals(sourceEventId))
                .toList();
    }

    @Test
    void shouldStoreAnEmergencyProductionDeploymentFromAGitHubActionsStep() throws Exception {
        String eventId = UUID.randomUUID().toString();

        int code = publish(
                githubActions(ingest.url(), ingest.publisherKey),
                eventId,
                "event",
                "deployment",
                "--env",
                "production",
                "--digest",
                DIGEST,
                "--emergency");

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String recordId = out.toString(StandardCharsets.UTF_8).strip();
        List<ConsumerRecord<String, PipelineEvent>> records = ingest.readAll(ingest.topics.pipelineEvents()).stream()
                .filter(r -> r.value().getSourceEventId().equals(eventId))
                .toList();
        assertThat(records).satisfiesExactly(r -> {
            assertThat(r.key()).isEqualTo("acme/github.com/acme/shop");
            PipelineEvent e = r.value();
            assertThat(e.getId()).isEqualTo(recordId);
            assertThat(e.getKind()).isEqualTo(PipelineEventKind.SERVICE_DEPLOYED);
            assertThat(e.getSourceType()).isEqualTo("dev.cdevents.service.deployed.0.3.0");
            assertThat(e.getSubject().getCommitSha()).isEqualTo(SHA);
            assertThat(e.getSubject().getBranch()).isEqualTo("main");
            assertThat(e.getSubject().getEnvironment()).isEqualTo("production");
            assertThat(e.getSubject().getArtifactDigest()).isEqualTo(DIGEST);
            assertThat(e.getActor().getId()).isEqualTo("release-bot");
            JsonNode custom = Json.mapper().readTree(e.getCustomData());
            assertThat(custom.get(Attributes.DEPLOY_TIER).asText()).isEqualTo("production");
            assertThat(custom.get(Attributes.DEPLOY_EMERGENCY).asText()).isEqualTo("true");
        });
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("event deployment stored as 1 record(s) for github.com/acme/shop")
                .doesNotContain(ingest.publisherKey);
    }

    @Test
    void shouldGetTheSameRecordIdWhenTheSameEventIsPublishedAgain() {
        String eventId = UUID.randomUUID().toString();
        Map<String, String> env = githubActions(ingest.url(), ingest.publisherKey);

        assertThat(publish(env, eventId, "event", "test", "--outcome", "success", "--event-id", eventId))
                .isZero();
        assertThat(publish(env, "ignored", "event", "test", "--outcome", "success", "--event-id", eventId))
                .isZero();

        List<String> ids = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(ids).hasSize(2);
        assertThat(ids.get(1)).isEqualTo(ids.get(0));
        // The second delivery is answered 200 duplicate: stored once.
        assertThat(eventsWithSourceId(eventId)).singleElement().satisfies(e -> assertThat(e.getId())
                .isEqualTo(ids.get(0)));
    }

    @Test
    void shouldExitOneWithoutRetryingWhenIngestRefusesTheKey() {
        String eventId = UUID.randomUUID().toString();
        String forged = ingest.publisherKey.substring(0, ingest.publisherKey.length() - 4) + "AAAA";

        int code = publish(githubActions(ingest.url(), forged), eventId, "event", "build", "--outcome", "failure");

        assertThat(code).isEqualTo(PublishCommand.REFUSED);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("vigil publish: event build refused: 401 unauthorized: ")
                .doesNotContain(forged);
        assertThat(slept).isEmpty();
        assertThat(eventsWithSourceId(eventId)).isEmpty();
    }

    @Test
    void shouldSendAScannerReportsExactBytesWithItsGitLabContextAfterRetrying503() throws Exception {
        Path report = dir.resolve("trivy.json");
        try (InputStream in = getClass().getResourceAsStream("/samples/trivy/alpine-39-image.json")) {
            Files.write(report, in.readAllBytes());
        }
        Map<String, String> gitlab = new HashMap<>();
        gitlab.put("GITLAB_CI", "true");
        gitlab.put("CI_SERVER_HOST", "gitlab.example.com");
        gitlab.put("CI_PROJECT_PATH", "group/shop");
        gitlab.put("CI_COMMIT_SHA", SHA);
        gitlab.put("CI_COMMIT_REF_NAME", "main");
        gitlab.put("CI_PIPELINE_ID", "4711");
        gitlab.put("CI_ENVIRONMENT_NAME", "production");
        gitlab.put("VIGIL_API_KEY", ingest.publisherKey);
        try (TestHttpServer server = new TestHttpServer(
                TestHttpServer.unavailable(),
                TestHttpServer.unavailable(),
                TestHttpServer.accepted("scan-a", "scan-b"))) {
            int code = publish(
                    gitlab, "unused", "trivy", report.toString(), "--url", server.url() + "/", "--digest", DIGEST);

            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly("scan-a", "scan-b");
            assertThat(server.received).hasSize(3).allSatisfy(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.path()).isEqualTo("/v1/events");
                assertThat(r.rawQuery())
                        .isEqualTo("format=trivy&repository=gitlab.example.com%2Fgroup%2Fshop&commit=" + SHA
                                + "&branch=main&digest=sha256%3A0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817"
                                + "db93427&environment=production&run=4711");
                assertThat(r.header("Content-Type")).isEqualTo("application/json");
                assertThat(r.body()).isEqualTo(Files.readAllBytes(report));
            });
            assertThat(slept).hasSize(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("(after 3 attempts)");
        }
    }
}
