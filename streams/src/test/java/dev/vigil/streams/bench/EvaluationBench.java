package dev.vigil.streams.bench;

import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.Tool;
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
 * streams/README.md): {@code EvaluationBench [records] [subjects] [merges|mixed]}.
 *
 * <p>{@code merges} (the default, comparable with the first figures): every input is a merge,
 * a new commit every third merge of a subject. {@code mixed}: per commit of a subject, its merge,
 * its build (with an artifact), a secret scan, a SAST scan with three findings and a production
 * deploy of the artifact, so the deploy controls, the scan controls and the subject's artifacts,
 * findings and deployments take part. System properties {@code vigil.*} pass into the streams
 * app's configuration (e.g. {@code -Dvigil.streams.commit-interval-ms=200},
 * {@code -Dvigil.kafka.streams.num.stream.threads=2}).
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
        boolean mixed = args.length > 2 && args[2].equals("mixed");
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
        if (mixed) {
            produceMixed(bootstrap, topics, records, subjects);
        } else {
            produce(bootstrap, topics.pipelineEvents(), records, subjects);
        }
        System.out.printf(
                Locale.ROOT,
                "generated %d %s over %d subjects on %s%n",
                records,
                mixed ? "inputs (merge, build, secret scan, SAST scan, deploy per commit)" : "merge events",
                subjects,
                topics.pipelineEvents().name()
                        + (mixed ? " and " + topics.scanResults().name() : ""));
        List<String> inputs = mixed
                ? List.of(topics.pipelineEvents().name(), topics.scanResults().name())
                : List.of(topics.pipelineEvents().name());

        Cpu copyCpu = new Cpu("main");
        double copy = copyLoop(bootstrap, inputs, copyTopic, records, run);
        copyCpu.print("copy loop", records);
        System.out.printf(Locale.ROOT, "exactly-once copy loop : %,10.0f events/s%n", copy);
        Cpu topologyCpu = new Cpu("StreamThread");
        double topology = topology(bootstrap, topics, inputs, records, run);
        topologyCpu.print("topology", records);

        System.out.printf(Locale.ROOT, "topology with engine   : %,10.0f events/s%n", topology);
        System.out.printf(Locale.ROOT, "ratio topology/copy    : %10.2f%n", topology / copy);
        System.exit(0);
    }

    private static KafkaProducer<String, byte[]> generator(String bootstrap) {
        return new KafkaProducer<>(
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
                new ByteArraySerializer());
    }

    private static void produce(String bootstrap, Topic<String, PipelineEvent> topic, int records, int subjects) {
        try (KafkaProducer<String, byte[]> producer = generator(bootstrap)) {
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

    /** Per commit of a subject: merge, build, secret scan, SAST scan, production deploy (round robin over subjects). */
    private static void produceMixed(String bootstrap, Topics topics, int records, int subjects) {
        Topic<String, PipelineEvent> events = topics.pipelineEvents();
        Topic<String, ScanResult> scans = topics.scanResults();
        try (KafkaProducer<String, byte[]> producer = generator(bootstrap)) {
            for (int i = 0; i < records; i++) {
                int subject = i % subjects;
                String scope = "github.com/bench/svc-" + subject;
                int perSubject = i / subjects;
                int commit = perSubject / 5;
                String sha = String.format(Locale.ROOT, "%040x", (long) subject << 32 | commit);
                String digest = "sha256:" + String.format(Locale.ROOT, "%064x", (long) subject << 32 | commit);
                String id = "bench-" + i;
                String key = SubjectKey.of(Inputs.TENANT, scope);
                switch (perSubject % 5) {
                    case 0 -> send(producer, events, key, Inputs.mergedCommit(scope, id, sha, commit % 3 != 2));
                    case 1 ->
                        send(
                                producer,
                                events,
                                key,
                                run(scope, id, sha, digest, PipelineEventKind.BUILD_FINISHED)
                                        .build());
                    case 2 ->
                        send(
                                producer,
                                scans,
                                key,
                                ScanResult.newBuilder(Inputs.sastOf(scope, id, sha))
                                        .setCategory(ScanCategory.SECRET)
                                        .setTool(Tool.newBuilder()
                                                .setName("gitleaks")
                                                .setVersion("8.21.0")
                                                .build())
                                        .setFindingCount(0)
                                        .setFindings(List.of())
                                        .build());
                    case 3 -> send(producer, scans, key, Inputs.sastOf(scope, id, sha));
                    default -> {
                        PipelineEvent.Builder deploy = run(scope, id, sha, digest, PipelineEventKind.SERVICE_DEPLOYED);
                        deploy.setSourceType("dev.cdevents.service.deployed.0.2.0")
                                .setSubject(Subject.newBuilder(deploy.getSubject())
                                        .setEnvironment("production")
                                        .setService("svc-" + subject)
                                        .build())
                                .setAttributes(Map.of("deploy.id", "deploy-" + id));
                        send(producer, events, key, deploy.build());
                    }
                }
            }
            producer.flush();
        }
    }

    private static PipelineEvent.Builder run(
            String scope, String id, String sha, String digest, PipelineEventKind kind) {
        PipelineEvent merged = Inputs.mergedCommit(scope, id, sha, true);
        return PipelineEvent.newBuilder(merged)
                .setKind(kind)
                .setSourceType("dev.cdevents.build.finished.0.2.0")
                .setSubject(Subject.newBuilder(merged.getSubject())
                        .setArtifactDigest(digest)
                        .setArtifactName("registry.example.com/" + scope + "@" + digest)
                        .setPipelineRunId("run-" + id)
                        .build())
                .setAttributes(Map.of());
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, Topic<String, V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(
                topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
    }

    private static double copyLoop(String bootstrap, List<String> from, String to, int records, String run) {
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
            consumer.subscribe(from);
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

    private static double topology(String bootstrap, Topics topics, List<String> inputs, int records, String run)
            throws Exception {
        Path data = Files.createTempDirectory(run);
        Map<String, String> values = new java.util.HashMap<>();
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("vigil.")) {
                values.put(k.toString(), v.toString());
            }
        });
        values.putAll(Map.of(
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
        StreamsAppConfig cfg = StreamsAppConfig.of(values);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                StreamsApp app = StreamsApp.start(cfg, StreamsApp.engineFor(cfg))) {
            app.waitUntilRunning(TIMEOUT);
            long started = System.nanoTime();
            long deadline = started + TIMEOUT.toNanos();
            // Under exactly-once the input offsets commit in the same transaction as the outputs, and the input
            // topic holds no transaction markers: committed offsets summing to `records` means all is out.
            while (committed(admin, cfg.applicationId(), inputs) < records) {
                if (System.nanoTime() > deadline || app.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("topology did not finish: " + app.state());
                }
                Thread.sleep(20);
            }
            double rate = records / seconds(started);
            lastWorkers = threadCpuNanos("StreamThread");
            return rate;
        }
    }

    /**
     * CPU time of the process and of the threads that do the work (the copy loop's main thread,
     * or the stream threads), from construction to {@link #print}: on a shared machine the CPU
     * an event costs says more than the wall-clock rate. The process figure includes the broker.
     */
    private static final class Cpu {
        private final String threads;
        private final long process;
        private final long workers;

        Cpu(String threads) {
            this.threads = threads;
            this.process = processCpuNanos();
            this.workers = threadCpuNanos(threads);
        }

        void print(String what, int records) {
            // Stream threads are gone after close: their time is read by print's caller before close (see topology).
            long w = lastWorkers >= 0 ? lastWorkers : threadCpuNanos(threads);
            lastWorkers = -1;
            System.out.printf(
                    Locale.ROOT,
                    "%-22s : %,8.1f µs CPU/event in %s thread(s), %,8.1f µs CPU/event in the process (broker"
                            + " included)%n",
                    what,
                    (w - workers) / 1e3 / records,
                    threads,
                    (processCpuNanos() - process) / 1e3 / records);
        }
    }

    /** Worker CPU read just before the streams app closes (its threads end with it). */
    private static long lastWorkers = -1;

    static long threadCpuNanos(String nameContains) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(nameContains)) {
                long t = mx.getThreadCpuTime(info.getThreadId());
                sum += Math.max(t, 0);
            }
        }
        return sum;
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long committed(Admin admin, String group, List<String> topics) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> topics.contains(e.getKey().topic()) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
