package dev.vigil.streams.bench;

import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.streams.Inputs;
import dev.vigil.streams.StreamsApp;
import dev.vigil.streams.StreamsAppConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Not a test: throughput of the full topology with the control engine (exactly-once) against a
 * plain exactly-once copy loop (read_committed consumer + transactional producer) over the same
 * generated input records, in the same run, on the shared embedded broker. Usage (see
 * streams/README.md): {@code EvaluationBench [records] [subjects]}.
 *
 * <p>Both clocks start when the reader first has records (group join and task assignment are
 * excluded) and stop when the last output is committed: for the topology, when its committed input
 * offsets (which commit atomically with its outputs) account for every input.
 */
public final class EvaluationBench {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private EvaluationBench() {}

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int subjects = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String bootstrap = SharedServers.kafka().bootstrapServers();
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = Topics.withPrefix(run + "-");
        String copyTopic = run + "-copy";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, topics, (short) 1);
            admin.createTopics(List.of(new NewTopic(copyTopic, Topics.DEFAULT_PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
        produce(bootstrap, topics.pipelineEvents(), records, subjects);
        System.out.printf(
                Locale.ROOT,
                "generated %d pipeline events over %d subjects on %s%n",
                records,
                subjects,
                topics.pipelineEvents().name());

        double copy = copyLoop(bootstrap, topics.pipelineEvents().name(), copyTopic, records, run);
        double topology = topology(bootstrap, topics, records, run);

        System.out.printf(Locale.ROOT, "exactly-once copy loop : %,10.0f events/s%n", copy);
        System.out.printf(Locale.ROOT, "topology with engine   : %,10.0f events/s%n", topology);
        System.out.printf(Locale.ROOT, "ratio topology/copy    : %10.2f%n", topology / copy);
        System.exit(0);
    }

    private static void produce(String bootstrap, Topic<String, PipelineEvent> topic, int records, int subjects) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        20,
                        // The generator only needs order per partition; one request in flight keeps it without
                        // the idempotent producer's sequence bookkeeping on freshly created partitions.
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        false,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        1),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                String scope = "github.com/bench/svc-" + (i % subjects);
                // A new commit every third event of a subject: state grows, violations open and resolve.
                int perSubject = i / subjects;
                String sha = String.format(Locale.ROOT, "%040x", (long) (i % subjects) << 32 | (perSubject / 3));
                PipelineEvent event = Inputs.mergedCommit(scope, "bench-" + i, sha, perSubject % 3 == 2);
                producer.send(new ProducerRecord<>(
                        topic.name(),
                        SubjectKey.of(Inputs.TENANT, scope),
                        topic.valueSerde().serializer().serialize(topic.name(), event)));
            }
            producer.flush();
        }
    }

    private static double copyLoop(String bootstrap, String from, String to, int records, String run) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.GROUP_ID_CONFIG,
                                run + "-copy",
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false,
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        new ByteArrayDeserializer());
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                                run + "-copy",
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                true),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            producer.initTransactions();
            consumer.subscribe(List.of(from));
            long started = 0;
            int copied = 0;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (copied < records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("copy loop stuck at " + copied + " of " + records);
                }
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(100));
                if (batch.isEmpty()) {
                    continue;
                }
                if (started == 0) {
                    started = System.nanoTime();
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new java.util.HashMap<>();
                for (ConsumerRecord<String, byte[]> r : batch) {
                    producer.send(new ProducerRecord<>(to, r.key(), r.value()));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
                copied += batch.count();
            }
            return records / seconds(started);
        }
    }

    private static double topology(String bootstrap, Topics topics, int records, String run) throws Exception {
        Path data = Files.createTempDirectory(run);
        StreamsAppConfig cfg = StreamsAppConfig.of(Map.of(
                "vigil.kafka.bootstrap-servers",
                bootstrap,
                "vigil.topic-prefix",
                topics.prefix(),
                "vigil.data-dir",
                data.toString(),
                "vigil.streams.application-id",
                run + "-streams",
                "vigil.trail.signing-key-file",
                dev.vigil.streams.TestSigningKey.file().toString()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                StreamsApp app = StreamsApp.start(cfg, StreamsApp.engineFor(cfg))) {
            app.waitUntilRunning(TIMEOUT);
            long started = System.nanoTime();
            long deadline = started + TIMEOUT.toNanos();
            // Under exactly-once the input offsets commit in the same transaction as the outputs, and the input
            // topic holds no transaction markers: committed offsets summing to `records` means all is out.
            while (committed(admin, cfg.applicationId(), topics.pipelineEvents().name()) < records) {
                if (System.nanoTime() > deadline || app.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("topology did not finish: " + app.state());
                }
                Thread.sleep(20);
            }
            return records / seconds(started);
        }
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
