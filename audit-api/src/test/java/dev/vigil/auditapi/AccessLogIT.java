package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.http.Problem;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * Every search is itself written to the trail: a TRAIL_ACCESSED input (who, what, when) on the
 * real broker, with its payload kept as evidence; and a search whose access cannot be recorded is
 * not answered.
 */
class AccessLogIT {

    @Test
    void shouldWriteEverySearchToTheTrailBeforeAnswering() throws Exception {
        String prefix =
                "it-access-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT) + "-";
        ApiKeys keys = new ApiKeys(List.of());
        ApiKeys.Minted auditor = keys.mint("acme", Set.of(Role.AUDITOR), "it auditor");
        AuditApiConfig config = TestConfigs.onSharedServers(
                new AuditApiConfig(SharedServers.elasticsearch().httpUrl(), prefix, "127.0.0.1", 0, 500, "1m"), prefix);
        try (AuditApiServer server = AuditApiServer.start(config, keys)) {
            ApiClient.Reply r = new ApiClient(server.baseUrl())
                    .records(auditor.key(), ApiClient.params("scope", "github.com/acme/shop", "q", "deploy"));
            assertThat(r.status()).isEqualTo(200);
        }

        Topics topics = Topics.withPrefix(prefix);
        List<PipelineEvent> events = readAll(topics.pipelineEvents(), 1);
        assertThat(events).hasSize(1);
        PipelineEvent access = events.get(0);
        assertThat(access.getKind()).isEqualTo(PipelineEventKind.TRAIL_ACCESSED);
        assertThat(access.getTenant()).isEqualTo("acme");
        assertThat(access.getScope()).isEqualTo(AccessLog.SCOPE);
        assertThat(access.getActor().getId()).isEqualTo("key:" + auditor.entry().id());
        assertThat(access.getAttributes())
                .containsEntry(Attributes.ACCESS_ACTION, "search")
                .containsEntry(Attributes.ACCESS_REQUEST, "GET " + AuditApiServer.RECORDS_PATH)
                .containsEntry(Attributes.ACCESS_QUERY, "scope=github.com%2Facme%2Fshop&q=deploy")
                .containsEntry(Attributes.ACCESS_KEY_ID, auditor.entry().id())
                .containsEntry("access.results", "0");
        assertThat(access.getAttributes().values()).noneMatch(v -> v.contains(auditor.key()));

        List<EvidenceChunk> evidence = readAll(topics.evidence(), 1);
        assertThat(evidence).hasSize(1);
        byte[] payload = new byte[evidence.get(0).getData().remaining()];
        evidence.get(0).getData().get(payload);
        assertThat(EvidenceChunks.sha256(payload)).isEqualTo(access.getEvidenceSha256());
        assertThat(new String(payload, java.nio.charset.StandardCharsets.UTF_8)).contains("\"search\"");
    }

    @Test
    void shouldRefuseToAnswerASearchItCannotRecord() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String prefix = "it-access-down-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        ApiKeys keys = new ApiKeys(List.of());
        String auditor = keys.mint("acme", Set.of(Role.AUDITOR), "it auditor").key();
        AuditApiConfig config = new AuditApiConfig(
                        SharedServers.elasticsearch().httpUrl(), prefix, "127.0.0.1", 0, 500, "1m")
                .withKafka("127.0.0.1:" + closedPort, prefix);
        try (AuditApiServer server = AuditApiServer.start(config, keys)) {
            ApiClient.Reply r = new ApiClient(server.baseUrl()).records(auditor, Map.of());

            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body().get("type").asText()).isEqualTo(Problem.TYPE_BASE + "unavailable");
            assertThat(r.body().has("records")).isFalse();
        }
    }

    private static <V> List<V> readAll(Topic<String, V> topic, int expected) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedServers.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(
                props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && values.size() < expected) {
                consumer.poll(Duration.ofMillis(200)).forEach(rec -> values.add(rec.value()));
            }
            // One more poll: anything beyond the expected count would show here.
            consumer.poll(Duration.ofMillis(500)).forEach(rec -> values.add(rec.value()));
        }
        return values;
    }
}
