package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.config.Config;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.ingest.cdevents.Samples;
import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.RejectedInput;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ingest service against the real embedded broker. A 202 (or a refusal) is answered only
 * after Kafka acknowledged the record, so each test reads the topics up to their end offsets
 * right after the response: no waiting, and "nothing was written" is a definite check.
 */
class IngestServerIT {

    static final long MAX_BODY = 64 * 1024;

    static String bootstrap;
    static Topics topics;
    static ApiKeys keys = new ApiKeys(List.of());
    static String publisherKey;
    static String auditorKey;
    static IngestServer server;
    static HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        bootstrap = SharedServers.kafka().bootstrapServers();
        String prefix = "it-ingest-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        topics = Topics.withPrefix(prefix);
        try (Admin admin = admin()) {
            TopicAdmin.ensureTopics(admin, topics, (short) 1);
        }
        publisherKey = keys.mint("acme", Set.of(Role.PUBLISHER), "ci").key();
        auditorKey = keys.mint("acme", Set.of(Role.AUDITOR), "auditor").key();
        server = IngestServer.start(config(prefix, Map.of()), keys);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static IngestConfig config(String prefix, Map<String, String> more) {
        Map<String, String> overrides = new HashMap<>(more);
        overrides.put("vigil.kafka.bootstrap-servers", bootstrap);
        overrides.put("vigil.topic-prefix", prefix);
        overrides.put("vigil.ingest.port", "0");
        overrides.put("vigil.ingest.max-body-bytes", String.valueOf(MAX_BODY));
        return IngestConfig.from(Config.resolve(IngestConfig.FIELDS, null, Map.of(), overrides));
    }

    static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    static HttpResponse<String> post(
            IngestServer target, String pathAndQuery, String contentType, byte[] body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postStructured(byte[] body, String key) throws Exception {
        return key == null
                ? post(server, "/v1/events", "application/cloudevents+json", body)
                : post(server, "/v1/events", "application/cloudevents+json", body, "Authorization", "Bearer " + key);
    }

    /** A sample wrapped as a structured CloudEvent with a fresh event id, so tests never see each other's records. */
    static byte[] freshCloudEvent(String sample, String id) {
        ObjectNode cdevent = Samples.cdevent(sample);
        cdevent.withObjectProperty("context").put("id", id);
        return Samples.json(Samples.cloudEvent(cdevent));
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

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    static List<RejectedInput> rejectedContaining(String marker) {
        return readAll(topics.ingestRejected()).stream()
                .map(ConsumerRecord::value)
                .filter(r -> new String(bytes(r.getBody()), StandardCharsets.UTF_8).contains(marker))
                .toList();
    }

    static List<PipelineEvent> eventsWithSourceId(Topics in, String sourceEventId) {
        return readAll(in.pipelineEvents()).stream()
                .map(ConsumerRecord::value)
                .filter(e -> e.getSourceEventId().equals(sourceEventId))
                .toList();
    }

    @Test
    void shouldAcceptAStructuredCloudEventAndPublishItKeyedByTenantAndScope() throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] body = freshCloudEvent("change_merged.json", id);

        HttpResponse<String> response = postStructured(body, publisherKey);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = json(response);
        assertThat(answer.get("tenant").asText()).isEqualTo("acme");
        assertThat(answer.get("scope").asText()).isEqualTo("example.org/TestRepo/TestOrg");
        assertThat(answer.get("kind").asText()).isEqualTo("CHANGE_MERGED");
        assertThat(answer.get("evidenceSha256").asText()).isEqualTo(sha256(body));

        List<ConsumerRecord<String, PipelineEvent>> records = readAll(topics.pipelineEvents()).stream()
                .filter(r -> r.value().getSourceEventId().equals(id))
                .toList();
        assertThat(records).satisfiesExactly(r -> {
            assertThat(r.key()).isEqualTo("acme/example.org/TestRepo/TestOrg");
            PipelineEvent event = r.value();
            assertThat(event.getId()).isEqualTo(answer.get("id").asText());
            assertThat(event.getKind()).isEqualTo(PipelineEventKind.CHANGE_MERGED);
            assertThat(event.getTenant()).isEqualTo("acme");
            assertThat(event.getSource()).isEqualTo("/event/source/123");
            assertThat(event.getSubject().getChangeId()).isEqualTo("mySubject123");
            assertThat(event.getEvidenceSha256()).isEqualTo(sha256(body));
            assertThat(event.getEvidenceSize()).isEqualTo(body.length);
        });
    }

    @Test
    void shouldKeepTheRawPayloadOnceAsEvidenceAddressedByItsSha256() throws Exception {
        byte[] body = freshCloudEvent("service_deployed.json", UUID.randomUUID().toString());
        String sha = sha256(body);

        HttpResponse<String> response = postStructured(body, publisherKey);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        List<ConsumerRecord<String, EvidenceChunk>> chunks = readAll(topics.evidence()).stream()
                .filter(r -> r.value().getSha256().equals(sha))
                .toList();
        List<ConsumerRecord<String, byte[]>> keys = readAll(topics.evidenceKeys()).stream()
                .filter(r -> r.key().equals("acme/" + sha))
                .toList();
        assertThat(keys).singleElement().satisfies(k -> assertThat(k.value()).hasSize(32));
        byte[] dataKey = keys.get(0).value();
        assertThat(chunks).satisfiesExactly(r -> {
            assertThat(r.key()).isEqualTo("acme/" + sha + "/0");
            assertThat(r.value().getCount()).isEqualTo(1);
            assertThat(r.value().getSize()).isEqualTo(body.length);
            assertThat(r.value().getMediaType()).isEqualTo("application/cloudevents+json");
            assertThat(r.value().getEncryption()).isEqualTo(EvidenceChunks.AES_256_GCM_V1);
            // Ciphertext on the topic; the payload's own key opens it back to the bytes of the address.
            assertThat(bytes(r.value().getData())).isNotEqualTo(body);
            assertThat(EvidenceChunks.decrypt(
                            dataKey, "acme", sha, 0, 1, bytes(r.value().getData())))
                    .isEqualTo(body);
        });
    }

    @Test
    void shouldAnswerARetriedEventAsADuplicateWithTheSameIdAndWriteItOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] body = freshCloudEvent("build_finished.json", id);

        HttpResponse<String> first = postStructured(body, publisherKey);
        HttpResponse<String> retry = postStructured(body, publisherKey);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(json(first).has("duplicate")).isFalse();
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(json(retry).get("duplicate").asBoolean()).isTrue();
        assertThat(json(retry).get("id").asText())
                .isEqualTo(json(first).get("id").asText());
        assertThat(json(retry).at("/records/0/id").asText())
                .isEqualTo(json(first).get("id").asText());
        assertThat(eventsWithSourceId(topics, id)).hasSize(1);
    }

    @Test
    void shouldAcceptABareCDEventUnderTheScopeTheCallerNames() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode cdevent = Samples.cdevent("pipelinerun_finished.json");
        cdevent.withObjectProperty("context").put("id", id);

        HttpResponse<String> response = post(
                server,
                "/v1/events?scope=github.com%2Facme%2Fshop",
                "application/json; charset=utf-8",
                Samples.json(cdevent),
                "Authorization",
                "Bearer " + publisherKey);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).get("scope").asText()).isEqualTo("github.com/acme/shop");
        List<ConsumerRecord<String, PipelineEvent>> records = readAll(topics.pipelineEvents()).stream()
                .filter(r -> r.value().getSourceEventId().equals(id))
                .toList();
        assertThat(records).satisfiesExactly(r -> {
            assertThat(r.key()).isEqualTo("acme/github.com/acme/shop");
            assertThat(r.value().getKind()).isEqualTo(PipelineEventKind.PIPELINE_RUN_FINISHED);
            assertThat(r.value().getOutcome()).isEqualTo(Outcome.FAILURE);
        });
    }

    @Test
    void shouldRefuseAnInvalidEventWithItsPointerAndKeepTheRawBytesWithoutCredentials() throws Exception {
        String marker = UUID.randomUUID().toString();
        ObjectNode ce = Samples.cloudEvent(Samples.cdevent("service_deployed.json"));
        ce.put("id", marker);
        ce.withObjectProperty("data")
                .withObjectProperty("context")
                .put("id", marker)
                .remove("type");
        byte[] body = Samples.json(ce);

        HttpResponse<String> response = post(
                server,
                "/v1/events",
                "application/cloudevents+json",
                body,
                "Authorization",
                "Bearer " + publisherKey,
                "X-Request-Id",
                "req-" + marker,
                "X-Hub-Signature-256",
                "sha256=deadbeef");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.get("type").asText()).isEqualTo("https://vigil.dev/problems/invalid-field");
        assertThat(problem.get("detail").asText()).contains("/data/context/type");
        assertThat(problem.at("/errors/0/pointer").asText()).isEqualTo("/data/context/type");

        assertThat(rejectedContaining(marker)).satisfiesExactly(r -> {
            assertThat(bytes(r.getBody())).isEqualTo(body);
            assertThat(r.getTenant()).isEqualTo("acme");
            assertThat(r.getStatus()).isEqualTo(400);
            assertThat(r.getProblemType()).isEqualTo("https://vigil.dev/problems/invalid-field");
            assertThat(r.getPointer()).isEqualTo("/data/context/type");
            assertThat(r.getReason()).isEqualTo(problem.get("detail").asText());
            assertThat(r.getMethod()).isEqualTo("POST");
            assertThat(r.getPath()).isEqualTo("/v1/events");
            assertThat(r.getContentType()).isEqualTo("application/cloudevents+json");
            assertThat(r.getHeaders())
                    .containsEntry("x-request-id", "req-" + marker)
                    .doesNotContainKeys("authorization", "x-hub-signature-256");
            assertThat(r.getHeaders().values()).noneMatch(v -> v.contains(publisherKey));
        });
        assertThat(eventsWithSourceId(topics, marker)).isEmpty();
    }

    @Test
    void shouldRefuseMalformedJsonAndKeepIt() throws Exception {
        String marker = UUID.randomUUID().toString();
        byte[] body = ("{\"context\": {\"id\": \"" + marker + "\",,").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response =
                post(server, "/v1/events", "application/json", body, "Authorization", "Bearer " + publisherKey);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("type").asText()).isEqualTo("https://vigil.dev/problems/malformed-json");
        assertThat(json(response).at("/errors/0/pointer").asText()).isEqualTo("/context/id");
        assertThat(rejectedContaining(marker)).satisfiesExactly(r -> {
            assertThat(bytes(r.getBody())).isEqualTo(body);
            assertThat(r.getProblemType()).isEqualTo("https://vigil.dev/problems/malformed-json");
        });
    }

    @Test
    void shouldAnswer415ListingTheAcceptedTypesAndKeepTheInput() throws Exception {
        String marker = UUID.randomUUID().toString();
        byte[] body = ("build " + marker + " finished").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response =
                post(server, "/v1/events", "text/plain", body, "Authorization", "Bearer " + publisherKey);

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(json(response).get("type").asText()).isEqualTo("https://vigil.dev/problems/unsupported-media-type");
        assertThat(json(response).get("detail").asText()).contains("application/cloudevents+json", "application/json");
        assertThat(response.headers().firstValue("Accept-Post")).hasValueSatisfying(v -> assertThat(v.split(", "))
                .contains("application/cloudevents+json", "application/cloudevents-batch+json", "application/json"));
        assertThat(rejectedContaining(marker)).satisfiesExactly(r -> {
            assertThat(r.getStatus()).isEqualTo(415);
            assertThat(r.getContentType()).isEqualTo("text/plain");
            assertThat(r.getPointer()).isNull();
        });
    }

    @Test
    void shouldRefuseAnEmptyScopeParameterAndKeepTheInput() throws Exception {
        String marker = UUID.randomUUID().toString();
        byte[] body = freshCloudEvent("change_merged.json", marker);

        HttpResponse<String> response = post(
                server,
                "/v1/events?scope=&access_token=abc",
                "application/cloudevents+json",
                body,
                "Authorization",
                "Bearer " + publisherKey);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("type").asText()).isEqualTo("https://vigil.dev/problems/invalid-parameter");
        assertThat(rejectedContaining(marker))
                .satisfiesExactly(r -> assertThat(r.getPath()).isEqualTo("/v1/events?scope="));
        assertThat(eventsWithSourceId(topics, marker)).isEmpty();
    }

    @Test
    void shouldAnswer401WithoutAKeyAndWriteNothing() throws Exception {
        String marker = UUID.randomUUID().toString();

        HttpResponse<String> response = postStructured(freshCloudEvent("change_merged.json", marker), null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).get("type").asText()).isEqualTo("https://vigil.dev/problems/unauthorized");
        assertThat(eventsWithSourceId(topics, marker)).isEmpty();
        assertThat(rejectedContaining(marker)).isEmpty();
    }

    @Test
    void shouldAnswer401ForAWrongKeyAndWriteNothing() throws Exception {
        String marker = UUID.randomUUID().toString();
        String forged = publisherKey.substring(0, publisherKey.length() - 4) + "AAAA";

        HttpResponse<String> response = postStructured(freshCloudEvent("change_merged.json", marker), forged);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(eventsWithSourceId(topics, marker)).isEmpty();
        assertThat(rejectedContaining(marker)).isEmpty();
    }

    @Test
    void shouldAnswer403ForAKeyWithoutThePublisherRoleAndWriteNothing() throws Exception {
        String marker = UUID.randomUUID().toString();

        HttpResponse<String> response = postStructured(freshCloudEvent("change_merged.json", marker), auditorKey);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(eventsWithSourceId(topics, marker)).isEmpty();
        assertThat(rejectedContaining(marker)).isEmpty();
    }

    @Test
    void shouldAnswer413ForABodyOverTheLimitAndWriteNothing() throws Exception {
        String marker = UUID.randomUUID().toString();
        ObjectNode cdevent = Samples.cdevent("change_merged.json");
        cdevent.withObjectProperty("context").put("id", marker);
        cdevent.putObject("customData").put("padding", "x".repeat((int) MAX_BODY));
        byte[] body = Samples.json(Samples.cloudEvent(cdevent));

        HttpResponse<String> response = postStructured(body, publisherKey);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(eventsWithSourceId(topics, marker)).isEmpty();
        assertThat(rejectedContaining(marker)).isEmpty();
    }

    @Test
    void shouldAnswerHealthWithoutAKey() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/healthz"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asText()).isEqualTo("ok");
    }

    /** Topics under a fresh prefix, the pipeline-events topic with the given configs. */
    static Topics freshTopics(String name, Map<String, String> pipelineEventsConfigs) throws Exception {
        Topics fresh = Topics.withPrefix(
                "it-ingest-" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + "-");
        try (Admin admin = admin()) {
            admin.createTopics(List.of(
                            new NewTopic(fresh.pipelineEvents().name(), 1, (short) 1).configs(pipelineEventsConfigs)))
                    .all()
                    .get();
            TopicAdmin.ensureTopics(admin, fresh, (short) 1);
        }
        return fresh;
    }

    /** Deletion completes in the controller first; wait until the broker's metadata no longer has the topic. */
    static void awaitTopicGone(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (admin.listTopics().names().get().contains(topic)) {
            assertThat(System.nanoTime()).as("topic %s deleted", topic).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void shouldAnswer503AndNever202WhenKafkaCannotStoreTheEvent() throws Exception {
        Topics gone = freshTopics("gone", Map.of());
        IngestConfig config = config(
                gone.prefix(),
                Map.of(
                        "vigil.kafka.producer.delivery.timeout.ms", "3000",
                        "vigil.kafka.producer.request.timeout.ms", "1000",
                        "vigil.kafka.producer.max.block.ms", "2000"));

        try (IngestServer failing = IngestServer.start(config, keys)) {
            // The broker does not auto-create topics: once this one is deleted, no write can succeed.
            try (Admin admin = admin()) {
                admin.deleteTopics(List.of(gone.pipelineEvents().name())).all().get();
                awaitTopicGone(admin, gone.pipelineEvents().name());
            }
            HttpResponse<String> response = post(
                    failing,
                    "/v1/events",
                    "application/cloudevents+json",
                    freshCloudEvent("change_merged.json", UUID.randomUUID().toString()),
                    "Authorization",
                    "Bearer " + publisherKey);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json(response).get("type").asText()).isEqualTo("https://vigil.dev/problems/unavailable");
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void shouldAnswer413AndKeepTheInputWhenTheBrokerRefusesTheRecordsSize() throws Exception {
        Topics tiny = freshTopics("tiny", Map.of("max.message.bytes", "100"));
        String id = UUID.randomUUID().toString();
        byte[] body = freshCloudEvent("change_merged.json", id);

        try (IngestServer limited = IngestServer.start(config(tiny.prefix(), Map.of()), keys)) {
            HttpResponse<String> response = post(
                    limited,
                    "/v1/events",
                    "application/cloudevents+json",
                    body,
                    "Authorization",
                    "Bearer " + publisherKey);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
            assertThat(json(response).get("type").asText()).isEqualTo("https://vigil.dev/problems/record-too-large");
        }
        assertThat(eventsWithSourceId(tiny, id)).isEmpty();
        assertThat(readAll(tiny.ingestRejected()))
                .satisfiesExactly(r -> assertThat(bytes(r.value().getBody())).isEqualTo(body));
    }

    @Test
    void shouldRefuseToStartWhenItsTopicsDoNotExist() {
        IngestConfig config = config("it-ingest-missing-" + UUID.randomUUID() + "-", Map.of());

        assertThatThrownBy(() -> IngestServer.start(config, keys))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing");
    }
}
