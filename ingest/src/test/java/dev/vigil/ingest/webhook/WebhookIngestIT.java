package dev.vigil.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.config.Config;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.ingest.IngestConfig;
import dev.vigil.ingest.IngestServer;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.RejectedInput;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GitHub and GitLab webhooks over real HTTP into the real embedded broker. Answers come only
 * after Kafka acknowledged (or after nothing was sent at all), so reading the topics to their end
 * offsets right after a response is a definite check of what was, and was not, written.
 */
class WebhookIngestIT {

    static String bootstrap;
    static Topics topics;
    static IngestServer server;
    static WebhookSources.Source github;
    static WebhookSources.Source gitlab;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        bootstrap = SharedServers.kafka().bootstrapServers();
        String prefix = "it-webhooks-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        topics = Topics.withPrefix(prefix);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, topics, (short) 1);
        }
        Path dir = Files.createTempDirectory("webhook-it");
        Path file = dir.resolve("webhook-sources.json");
        github = WebhookSources.newSource(WebhookSources.Kind.GITHUB, "acme", "shop-github");
        gitlab = WebhookSources.newSource(WebhookSources.Kind.GITLAB, "globex", "infra-gitlab");
        WebhookSources.empty().with(github).with(gitlab).save(file);
        IngestConfig config = IngestConfig.from(Config.resolve(
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
                        "vigil.ingest.webhook-sources-file",
                        file.toString())));
        // No API keys at all: webhooks must not need one.
        server = IngestServer.start(config, new ApiKeys(List.of()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<String> post(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postGitHub(String event, String delivery, byte[] body, String signature)
            throws Exception {
        List<String> headers = new ArrayList<>(List.of("X-GitHub-Event", event, "X-GitHub-Delivery", delivery));
        if (signature != null) {
            headers.addAll(List.of("X-Hub-Signature-256", signature));
        }
        return post(github.path(), body, headers.toArray(String[]::new));
    }

    static HttpResponse<String> postGitLab(String path, String event, String uuid, byte[] body, String token)
            throws Exception {
        List<String> headers = new ArrayList<>(List.of("X-Gitlab-Event", event, "X-Gitlab-Event-UUID", uuid));
        if (token != null) {
            headers.addAll(List.of("X-Gitlab-Token", token));
        }
        return post(path, body, headers.toArray(String[]::new));
    }

    static String sign(byte[] body) {
        return WebhookSignatures.gitHubSignature(github.secret(), body);
    }

    /** Every record of the topic up to its current end offsets. */
    static <V> List<ConsumerRecord<String, V>> readAll(Topic<String, V> topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(
                props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime())
                        .as("reading %s to its end", topic.name())
                        .isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    static List<ConsumerRecord<String, PipelineEvent>> eventsWithSourceId(String sourceEventId) {
        return readAll(topics.pipelineEvents()).stream()
                .filter(r -> r.value().getSourceEventId().equals(sourceEventId))
                .toList();
    }

    /** How many records the three ingest topics hold: unchanged means nothing was written anywhere. */
    static int writtenSoFar() {
        return readAll(topics.pipelineEvents()).size()
                + readAll(topics.scanResults()).size()
                + readAll(topics.ingestRejected()).size();
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    static byte[] withMarker(ObjectNode root, String marker) {
        root.put("vigil_test_marker", marker);
        return WebhookSamples.write(root);
    }

    @Test
    void shouldPublishASignedGitHubMergeUnderTheTenantOfItsSource() throws Exception {
        String delivery = UUID.randomUUID().toString();
        // Derived: the upstream closed example is unmerged; see WebhookSamples.mergedPullRequest.
        byte[] body = WebhookSamples.write(WebhookSamples.mergedPullRequest());

        HttpResponse<String> response = postGitHub("pull_request", delivery, body, sign(body));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = json(response);
        assertThat(answer.get("tenant").asText()).isEqualTo("acme");
        assertThat(answer.get("kind").asText()).isEqualTo("CHANGE_MERGED");
        assertThat(eventsWithSourceId(delivery)).satisfiesExactly(r -> {
            assertThat(r.key()).isEqualTo("acme/github.com/Codertocat/Hello-World");
            assertThat(r.value().getId()).isEqualTo(answer.get("id").asText());
            assertThat(r.value().getKind()).isEqualTo(PipelineEventKind.CHANGE_MERGED);
            assertThat(r.value().getSubject().getCommitSha()).isEqualTo("c4295bd74fb0f4fda03689c3df3f2803b658fd85");
            assertThat(r.value().getEvidenceSha256())
                    .isEqualTo(answer.get("evidenceSha256").asText());
        });
    }

    @Test
    void shouldAcceptAFormEncodedDeliverySignedOverTheRawFormBody() throws Exception {
        String delivery = UUID.randomUUID().toString();
        String json = new String(WebhookSamples.bytes("github/workflow_run_completed.json"), StandardCharsets.UTF_8);
        byte[] form = ("payload=" + java.net.URLEncoder.encode(json, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + github.path()))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-GitHub-Event", "workflow_run")
                        .header("X-GitHub-Delivery", delivery)
                        .header("X-Hub-Signature-256", sign(form))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(eventsWithSourceId(delivery)).satisfiesExactly(r -> {
            assertThat(r.key()).isEqualTo("acme/github.com/octo-org/octo-repo");
            assertThat(r.value().getKind()).isEqualTo(PipelineEventKind.PIPELINE_RUN_FINISHED);
            assertThat(r.value().getSubject().getPipelineRunId()).isEqualTo("289782451");
        });
    }

    @Test
    void shouldAnswerARedeliveryDuplicateWithTheOriginalIdAndWriteItOnce() throws Exception {
        String delivery = UUID.randomUUID().toString();
        byte[] body = WebhookSamples.bytes("github/deployment_status.json");

        HttpResponse<String> first = postGitHub("deployment_status", delivery, body, sign(body));
        int before = writtenSoFar();
        HttpResponse<String> again = postGitHub("deployment_status", delivery, body, sign(body));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json(again).get("duplicate").asBoolean()).isTrue();
        assertThat(json(again).at("/records/0/id").asText())
                .isEqualTo(json(first).get("id").asText());
        assertThat(writtenSoFar()).isEqualTo(before);
        assertThat(eventsWithSourceId(delivery)).hasSize(1);
    }

    @Test
    void shouldPublishAGitLabMergeRequestWithTheRightTokenAndDeduplicateItsRedelivery() throws Exception {
        String uuid = UUID.randomUUID().toString();
        byte[] body = WebhookSamples.bytes("gitlab/merge_request.json");

        HttpResponse<String> first = postGitLab(gitlab.path(), "Merge Request Hook", uuid, body, gitlab.secret());
        HttpResponse<String> again = postGitLab(gitlab.path(), "Merge Request Hook", uuid, body, gitlab.secret());

        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).get("duplicate").asBoolean()).isTrue();
        assertThat(eventsWithSourceId(uuid)).satisfiesExactly(r -> {
            assertThat(r.key()).isEqualTo("globex/example.com/gitlabhq/gitlab-test");
            assertThat(r.value().getKind()).isEqualTo(PipelineEventKind.CHANGE_CREATED);
            assertThat(r.value().getSubject().getChangeId()).isEqualTo("1");
        });
    }

    @Test
    void shouldAnswer401AndWriteNothingForEveryUnverifiedGitHubDelivery() throws Exception {
        String marker = UUID.randomUUID().toString();
        byte[] body = withMarker(WebhookSamples.json("github/deployment.json"), marker);
        byte[] tampered = new String(body, StandardCharsets.UTF_8)
                .replace("\"production\"", "\"staging\"")
                .getBytes(StandardCharsets.UTF_8);
        String wrongSecret = WebhookSignatures.gitHubSignature("not-the-secret-of-this-source", body);
        String delivery = UUID.randomUUID().toString();
        int before = writtenSoFar();

        List<HttpResponse<String>> responses = List.of(
                postGitHub("deployment", delivery, body, null),
                postGitHub("deployment", delivery, body, wrongSecret),
                postGitHub("deployment", delivery, tampered, sign(body)),
                // Only the legacy SHA-1 header, correct or not, is never enough.
                post(github.path(), body, "X-GitHub-Event", "deployment", "X-Hub-Signature", "sha1=00"),
                post(
                        "/v1/webhooks/github/no-such-source",
                        body,
                        "X-GitHub-Event",
                        "deployment",
                        "X-Hub-Signature-256",
                        sign(body)),
                // A GitHub source's secret on the GitLab route: the source is of the other kind.
                postGitLab("/v1/webhooks/gitlab/" + github.id(), "Push Hook", delivery, body, github.secret()));

        assertThat(responses).allSatisfy(r -> {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(json(r).get("type").asText()).endsWith("/webhook-unauthorized");
            assertThat(r.body()).doesNotContain(github.secret());
        });
        assertThat(writtenSoFar()).isEqualTo(before);
        assertThat(readAll(topics.ingestRejected()))
                .noneMatch(r -> new String(bytes(r.value().getBody()), StandardCharsets.UTF_8).contains(marker));
        assertThat(eventsWithSourceId(delivery)).isEmpty();
    }

    @Test
    void shouldAnswer401AndWriteNothingForAWrongOrMissingGitLabToken() throws Exception {
        String uuid = UUID.randomUUID().toString();
        byte[] body = WebhookSamples.bytes("gitlab/pipeline.json");
        int before = writtenSoFar();

        HttpResponse<String> wrong = postGitLab(gitlab.path(), "Pipeline Hook", uuid, body, gitlab.secret() + "x");
        HttpResponse<String> missing = postGitLab(gitlab.path(), "Pipeline Hook", uuid, body, null);

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(writtenSoFar()).isEqualTo(before);
    }

    @Test
    void shouldAnswerGitHubsPingWithoutWriting() throws Exception {
        byte[] body = "{\"zen\":\"Design for failure.\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8);
        int before = writtenSoFar();

        HttpResponse<String> response = postGitHub("ping", UUID.randomUUID().toString(), body, sign(body));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get("source").asText()).isEqualTo("shop-github");
        assertThat(writtenSoFar()).isEqualTo(before);
    }

    @Test
    void shouldKeepAnAuthenticButMalformedDeliveryOnIngestRejectedForTheSourcesTenant() throws Exception {
        String marker = UUID.randomUUID().toString();
        byte[] body =
                ("{\"action\": \"created\", \"deployment\": \"" + marker + "\"}").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response =
                postGitHub("deployment", UUID.randomUUID().toString(), body, sign(body));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).at("/errors/0/pointer").asText()).isEqualTo("/deployment");
        List<RejectedInput> kept = readAll(topics.ingestRejected()).stream()
                .map(ConsumerRecord::value)
                .filter(r -> new String(bytes(r.getBody()), StandardCharsets.UTF_8).contains(marker))
                .toList();
        assertThat(kept).satisfiesExactly(r -> {
            assertThat(r.getTenant()).isEqualTo("acme");
            assertThat(bytes(r.getBody())).isEqualTo(body);
            assertThat(r.getPath()).isEqualTo(github.path());
            assertThat(r.getStatus()).isEqualTo(400);
            // The signature is a credential-like header: it must not be kept in clear.
            assertThat(r.getHeaders().toString()).doesNotContain(sign(body).substring(7));
        });
    }

    @Test
    void shouldKeepAnAuthenticGitLabRefusalWithoutItsToken() throws Exception {
        String marker = UUID.randomUUID().toString();
        byte[] body = ("{\"marker\": \"" + marker + "\"}").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response =
                postGitLab(gitlab.path(), "Pipeline Hook", UUID.randomUUID().toString(), body, gitlab.secret());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).at("/errors/0/pointer").asText()).isEqualTo("/object_kind");
        assertThat(readAll(topics.ingestRejected()).stream()
                        .map(ConsumerRecord::value)
                        .filter(r -> new String(bytes(r.getBody()), StandardCharsets.UTF_8).contains(marker)))
                .satisfiesExactly(r -> {
                    assertThat(r.getTenant()).isEqualTo("globex");
                    assertThat(r.getHeaders()).containsKey("x-gitlab-event");
                    assertThat(r.getHeaders().toString()).doesNotContain(gitlab.secret());
                });
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
