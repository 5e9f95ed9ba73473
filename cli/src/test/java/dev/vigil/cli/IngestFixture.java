package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.config.Config;
import dev.vigil.embedded.SharedServers;
import dev.vigil.ingest.IngestConfig;
import dev.vigil.ingest.IngestServer;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** The real ingest service on the shared embedded broker, under a topic prefix of its own. */
final class IngestFixture implements AutoCloseable {

    final String bootstrap = SharedServers.kafka().bootstrapServers();
    final String prefix;
    final Topics topics;
    final ApiKeys keys = new ApiKeys(List.of());
    final String publisherKey = keys.mint("acme", Set.of(Role.PUBLISHER), "ci").key();
    final String otherTenantKey =
            keys.mint("globex", Set.of(Role.PUBLISHER), "ci").key();
    final IngestServer server;

    IngestFixture(String name) {
        prefix = "it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        topics = Topics.withPrefix(prefix);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, topics, (short) 1);
        }
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

    String url() {
        return server.baseUrl();
    }

    /** The --set options that point a command at this fixture's broker and topics. */
    String[] kafkaOptions() {
        return new String[] {
            "--set", "vigil.kafka.bootstrap-servers=" + bootstrap, "--set", "vigil.topic-prefix=" + prefix
        };
    }

    /** Every record of the topic up to its current end offsets (ingest answers only after Kafka acked). */
    <V> List<ConsumerRecord<String, V>> readAll(Topic<String, V> topic) {
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

    @Override
    public void close() {
        server.close();
    }
}
