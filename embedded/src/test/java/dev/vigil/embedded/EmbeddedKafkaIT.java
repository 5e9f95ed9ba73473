package dev.vigil.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaIT {

    @TempDir
    static Path tempDir;

    private EmbeddedKafka kafka;

    @BeforeAll
    void startBroker() {
        kafka = EmbeddedKafka.start(tempDir.resolve("shared-broker"), 0);
    }

    @AfterAll
    void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldProduceAndConsumeARecord() throws Exception {
        String topic = "embedded-kafka-it.produce-consume";
        createTopic(kafka, topic);

        try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
            producer.send(new ProducerRecord<>(topic, "subject-1", "hello")).get();
        }

        assertThat(consumeAll(kafka, topic, "read_uncommitted", 1))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.key()).isEqualTo("subject-1");
                    assertThat(r.value()).isEqualTo("hello");
                });
    }

    @Test
    void shouldCommitTransactionsWithTheSingleNodeSettings() throws Exception {
        String topic = "embedded-kafka-it.transactions";
        createTopic(kafka, topic);

        try (KafkaProducer<String, String> producer = producer(
                kafka, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-it-" + UUID.randomUUID()))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed"));
            producer.commitTransaction();
        }

        assertThat(consumeAll(kafka, topic, "read_committed", 1))
                .extracting(ConsumerRecord::value)
                .containsExactly("committed");
    }

    @Test
    void shouldNotCreateTopicsImplicitly() throws Exception {
        try (Admin admin = admin(kafka)) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            var config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
            assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
            assertThat(config.get("transaction.state.log.replication.factor").value())
                    .isEqualTo("1");
            assertThat(config.get("transaction.state.log.min.isr").value()).isEqualTo("1");
        }
    }

    @Test
    void shouldKeepDataAndClusterIdAcrossARestartOnTheSameDirectory() throws Exception {
        Path dir = tempDir.resolve("restart");
        String topic = "embedded-kafka-it.restart";
        String clusterId;
        try (EmbeddedKafka first = EmbeddedKafka.start(dir, 0)) {
            createTopic(first, topic);
            try (KafkaProducer<String, String> producer = producer(first, Map.of())) {
                producer.send(new ProducerRecord<>(topic, "k", "before restart"))
                        .get();
            }
            clusterId = clusterId(first);
        }

        try (EmbeddedKafka second = EmbeddedKafka.start(dir, 0)) {
            assertThat(clusterId(second)).isEqualTo(clusterId);
            assertThat(consumeAll(second, topic, "read_uncommitted", 1))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("before restart");
        }
    }

    @Test
    void shouldNameTheTakenPort() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafka.start(tempDir.resolve("taken-port"), port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Kafka")
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    void shouldRefuseADataDirectoryAnotherServerUses() {
        assertThatThrownBy(() -> EmbeddedKafka.start(kafka.dataDir(), 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(kafka.dataDir().toString())
                .hasMessageContaining("another Kafka server");
    }

    @Test
    void shouldNameADataDirectoryThatIsAFile() throws IOException {
        Path file = Files.writeString(tempDir.resolve("not-a-directory"), "x");

        assertThatThrownBy(() -> EmbeddedKafka.start(file, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
    }

    static void createTopic(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    static String clusterId(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = admin(kafka)) {
            return admin.describeCluster().clusterId().get();
        }
    }

    static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    static KafkaProducer<String, String> producer(EmbeddedKafka kafka, Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.putAll(extra);
        return new KafkaProducer<>(props);
    }

    static List<ConsumerRecord<String, String>> consumeAll(
            EmbeddedKafka kafka, String topic, String isolation, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "embedded-kafka-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // one more short poll: more records than expected would be a failure too
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
