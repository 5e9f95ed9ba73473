package dev.vigil.ingest.cdevents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CDEvents over real HTTP in the three CloudEvents modes into the real embedded broker. Ingest
 * answers only after Kafka acknowledged, so the topics are read to their end right after.
 */
class CloudEventsIngestIT {

    static String bootstrap;
    static Topics topics;
    static String publisherKey;
    static IngestServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        bootstrap = SharedServers.kafka().bootstrapServers();
        String prefix = "it-cloudevents-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        topics = Topics.withPrefix(prefix);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, topics, (short) 1);
        }
        ApiKeys keys = new ApiKeys(List.of());
        publisherKey = keys.mint("acme", Set.of(Role.PUBLISHER), "ci").key();
        server = IngestServer.start(
                IngestConfig.from(Config.resolve(
                        IngestConfig.FIELDS,
                        null,
                        Map.of(),
                        Map.of(
                                "vigil.kafka.bootstrap-servers", bootstrap,
                                "vigil.topic-prefix", prefix,
                                "vigil.ingest.port", "0"))),
                keys);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<String> post(String contentType, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
                .header("Content-Type", contentType)
                .header("Authorization", "Bearer " + publisherKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static ObjectNode cdevent(String sample, String id) {
        ObjectNode cdevent = Samples.cdevent(sample);
        cdevent.withObjectProperty("context").put("id", id);
        return cdevent;
    }

    static <V> List<V> readAll(Topic<String, V> topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<V> values = new ArrayList<>();
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
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }

    static List<PipelineEvent> eventsWithSourceIdStartingWith(String prefix) {
        return readAll(topics.pipelineEvents()).stream()
                .filter(e -> e.getSourceEventId().startsWith(prefix))
                .toList();
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    @Test
    void shouldPublishAStructuredCloudEvent() throws Exception {
        String id = "structured-" + UUID.randomUUID();
        byte[] body = Samples.json(Samples.cloudEvent(cdevent("service_deployed.json", id)));

        HttpResponse<String> response = post(CDEventsAdapter.STRUCTURED, body, Map.of());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(eventsWithSourceIdStartingWith(id)).satisfiesExactly(e -> {
            assertThat(e.getId())
                    .isEqualTo(Json.mapper().readTree(response.body()).get("id").asText());
            assertThat(e.getKind()).isEqualTo(PipelineEventKind.SERVICE_DEPLOYED);
            assertThat(e.getSubject().getEnvironment()).isEqualTo("test123");
        });
    }

    @Test
    void shouldPublishABinaryCloudEventWithPercentEncodedHeaders() throws Exception {
        String id = "binary " + UUID.randomUUID();
        ObjectNode cdevent = cdevent("pipelinerun_finished.json", id);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        Samples.binaryHeaders(cdevent).forEach((k, v) -> {
            if (!k.equalsIgnoreCase("Content-Type")) {
                headers.put(k, v.get(0));
            }
        });
        assertThat(headers.get("ce-id")).startsWith("binary%20");

        HttpResponse<String> response = post("application/json", Samples.json(cdevent), headers);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(eventsWithSourceIdStartingWith(id)).satisfiesExactly(e -> {
            assertThat(e.getKind()).isEqualTo(PipelineEventKind.PIPELINE_RUN_FINISHED);
            assertThat(e.getSubject().getPipelineRunId()).isEqualTo("mySubject123");
        });
    }

    @Test
    void shouldPublishEveryEventOfABatchAndAnswerTheirIds() throws Exception {
        String prefix = "batch-" + UUID.randomUUID() + "-";
        List<ObjectNode> cloudEvents = new ArrayList<>();
        for (int i = 0; i < Samples.ALL.size(); i++) {
            cloudEvents.add(Samples.cloudEvent(cdevent(Samples.ALL.get(i), prefix + i)));
        }
        byte[] body = Samples.batch(cloudEvents.toArray(ObjectNode[]::new)).body();

        HttpResponse<String> response = post(CDEventsAdapter.BATCH, body, Map.of());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answered = Json.mapper().readTree(response.body()).get("records");
        List<String> answeredIds = new ArrayList<>();
        answered.forEach(r -> answeredIds.add(r.get("id").asText()));
        List<PipelineEvent> published = eventsWithSourceIdStartingWith(prefix);
        assertThat(published).hasSize(Samples.ALL.size());
        assertThat(published).extracting(PipelineEvent::getId).containsExactlyInAnyOrderElementsOf(answeredIds);
        assertThat(published)
                .extracting(PipelineEvent::getSourceEventId)
                .containsExactlyInAnyOrder(
                        cloudEvents.stream().map(ce -> ce.get("id").asText()).toArray(String[]::new));
    }

    @Test
    void shouldPublishNothingOfABatchWithOneBadEventAndKeepTheInputAsRejected() throws Exception {
        String prefix = "bad-batch-" + UUID.randomUUID() + "-";
        List<ObjectNode> cloudEvents = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cloudEvents.add(Samples.cloudEvent(cdevent(Samples.ALL.get(i), prefix + i)));
        }
        cloudEvents
                .get(3)
                .withObjectProperty("data")
                .withObjectProperty("subject")
                .remove("content");
        byte[] body = Samples.batch(cloudEvents.toArray(ObjectNode[]::new)).body();

        HttpResponse<String> response = post(CDEventsAdapter.BATCH, body, Map.of());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(Json.mapper()
                        .readTree(response.body())
                        .at("/errors/0/pointer")
                        .asText())
                .isEqualTo("/3/data/subject/content");
        assertThat(eventsWithSourceIdStartingWith(prefix)).isEmpty();
        List<RejectedInput> rejected = readAll(topics.ingestRejected()).stream()
                .filter(r -> new String(bytes(r.getBody()), java.nio.charset.StandardCharsets.UTF_8).contains(prefix))
                .toList();
        assertThat(rejected).satisfiesExactly(r -> {
            assertThat(bytes(r.getBody())).isEqualTo(body);
            assertThat(r.getPointer()).isEqualTo("/3/data/subject/content");
            assertThat(r.getContentType()).startsWith(CDEventsAdapter.BATCH);
        });
    }
}
