package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.AuditChain;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The streams app on the real broker, exactly-once, across graceful, hard and SIGKILL restarts. */
class StreamsAppIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final List<String> SUBJECTS =
            List.of("github.com/acme/shop", "github.com/acme/billing", "payments-gateway");

    @TempDir
    Path dataDir;

    private String bootstrap;
    private String prefix;
    private Topics topics;
    private Map<String, String> config;
    private KafkaProducer<String, byte[]> producer;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp(TestInfo test) {
        bootstrap = SharedServers.kafka().bootstrapServers();
        String id = test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        prefix = "it-" + id + "-";
        topics = Topics.withPrefix(prefix);
        config = new LinkedHashMap<>();
        config.put("vigil.kafka.bootstrap-servers", bootstrap);
        config.put("vigil.topic-prefix", prefix);
        config.put("vigil.data-dir", dataDir.toString());
        config.put("vigil.trail.signing-key-file", TestSigningKey.file().toString());
        config.put("vigil.streams.application-id", "it-streams-" + id);
        // A killed member is noticed after this, not the 45 s default: keeps the SIGKILL phase short.
        config.put("vigil.kafka.streams.session.timeout.ms", "10000");
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        producer.close();
    }

    private StreamsApp startApp() {
        StreamsApp app = StreamsApp.start(StreamsAppConfig.of(config));
        open.add(app);
        app.waitUntilRunning(TIMEOUT);
        return app;
    }

    private TrailReader<AuditRecord> trailReader() {
        TrailReader<AuditRecord> reader = TrailReader.trail(bootstrap, topics.auditTrail());
        open.add(reader);
        return reader;
    }

    @Test
    void shouldWriteOneGaplessChainPerSubjectWithEveryInputExactlyOnce() {
        startApp();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String scope = SUBJECTS.get(i % SUBJECTS.size());
            String id = "in-" + i;
            if (i % 5 == 4) {
                send(topics.scanResults(), scope, Inputs.sast(scope, id));
            } else {
                send(topics.pipelineEvents(), scope, Inputs.merged(scope, id));
            }
            expected.add(id);
        }
        // An undecodable input between valid ones: dead-lettered inside the same transaction, the rest flows on.
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topics.pipelineEvents().name(), key(SUBJECTS.get(0)), garbage));
        send(topics.pipelineEvents(), SUBJECTS.get(0), Inputs.merged(SUBJECTS.get(0), "after-garbage"));
        expected.add("after-garbage");
        producer.flush();

        TrailReader<AuditRecord> reader = trailReader();
        reader.readUntil(seen -> inputs(seen) >= expected.size(), TIMEOUT);
        List<ConsumerRecord<String, AuditRecord>> trail = reader.readToEnd(TIMEOUT);

        assertExactlyOnceInGaplessChains(trail, expected);
        try (TrailReader<byte[]> dlq = new TrailReader<>(bootstrap, deadLetterTopic())) {
            assertThat(dlq.readUntil(seen -> !seen.isEmpty(), TIMEOUT))
                    .singleElement()
                    .satisfies(d -> assertThat(d.value()).isEqualTo(garbage));
        }
    }

    @Test
    void shouldContinueEveryChainWithoutGapOrDuplicateAcrossGracefulHardAndKilledRestarts() throws Exception {
        List<String> expected = new ArrayList<>();

        // 1. graceful close while inputs are still arriving
        StreamsApp first = startApp();
        TrailReader<AuditRecord> reader = trailReader();
        Feeder feed = feed(0, 100, expected);
        reader.readUntil(seen -> inputs(seen) >= 30, TIMEOUT);
        first.close();
        feed.await();

        // 2. hard stop: close(ZERO) returns at once, the threads stop in the background mid-work
        StreamsApp second = startApp();
        feed = feed(100, 100, expected);
        reader.readUntil(seen -> inputs(seen) >= 130, TIMEOUT);
        second.close(Duration.ZERO);
        awaitState(second, KafkaStreams.State.NOT_RUNNING);
        feed.await();

        // 3. SIGKILL of a separate JVM: its open transaction is left hanging and must be aborted, not half-seen
        Process child = startChild();
        feed = feed(200, 100, expected);
        reader.readUntil(seen -> inputs(seen) >= 230, TIMEOUT);
        child.destroyForcibly().waitFor();
        feed.await();

        // 4. a new instance with the same application id and state folder finishes the work
        startApp();
        feed = feed(300, 100, expected);
        feed.await();

        reader.readUntil(seen -> inputs(seen) >= expected.size(), TIMEOUT);
        List<ConsumerRecord<String, AuditRecord>> trail = reader.readToEnd(TIMEOUT);
        assertExactlyOnceInGaplessChains(trail, expected);
    }

    /** Input records seen so far; the built-in controls add violation changes to the same chains. */
    private static long inputs(List<ConsumerRecord<String, AuditRecord>> seen) {
        return seen.stream()
                .filter(r -> r.value().getKind() == AuditRecordKind.INPUT)
                .count();
    }

    /**
     * Every chain is seq 1..n with linked, recomputable hashes, and holds each of its inputs exactly
     * once, in order; the violation changes the built-in controls produce are links of the same
     * chains and are checked with them.
     */
    private void assertExactlyOnceInGaplessChains(List<ConsumerRecord<String, AuditRecord>> trail, List<String> ids) {
        List<ConsumerRecord<String, AuditRecord>> inputRecords = trail.stream()
                .filter(r -> r.value().getKind() == AuditRecordKind.INPUT)
                .toList();
        assertThat(inputRecords).hasSize(ids.size());
        assertThat(inputRecords).extracting(r -> r.value().getRecordId()).containsExactlyInAnyOrderElementsOf(ids);
        // Each violation change once: a replayed input must not repeat the changes it caused.
        assertThat(trail.stream()
                        .filter(r -> r.value().getKind() != AuditRecordKind.INPUT)
                        .map(r -> r.value().getRecordId()))
                .doesNotHaveDuplicates();
        Map<String, List<AuditRecord>> chains = trail.stream()
                .collect(Collectors.groupingBy(
                        ConsumerRecord::key,
                        LinkedHashMap::new,
                        Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
        assertThat(chains)
                .containsOnlyKeys(SUBJECTS.stream().map(StreamsAppIT::key).toList());
        chains.forEach((chain, records) -> {
            String prev = AuditChain.GENESIS_HASH;
            for (int i = 0; i < records.size(); i++) {
                AuditRecord r = records.get(i);
                assertThat(r.getSeq()).as("seq of link %d of %s", i, chain).isEqualTo(i + 1L);
                assertThat(r.getPrevHash())
                        .as("prevHash of %s:%d", chain, r.getSeq())
                        .isEqualTo(prev);
                assertThat(r.getHash()).as("hash of %s:%d", chain, r.getSeq()).isEqualTo(AuditChain.computeHash(r));
                assertThat(SubjectKey.of(r.getTenant(), r.getScope())).isEqualTo(chain);
                prev = r.getHash();
            }
        });
        // Within one input topic a subject's inputs keep their order in its chain.
        Map<String, List<String>> pipelineOrder = trail.stream()
                .map(ConsumerRecord::value)
                .filter(r -> r.getKind() == AuditRecordKind.INPUT)
                .filter(r -> r.getInputTopic().equals(topics.pipelineEvents().name()))
                .collect(Collectors.groupingBy(
                        AuditRecord::getScope, Collectors.mapping(AuditRecord::getRecordId, Collectors.toList())));
        pipelineOrder.forEach((scope, order) -> assertThat(order)
                .as("order of %s", scope)
                .isSortedAccordingTo(Comparator.comparingInt(StreamsAppIT::ordinal)));
    }

    private static int ordinal(String id) {
        return id.startsWith("in-") ? Integer.parseInt(id.substring(3)) : Integer.MAX_VALUE;
    }

    private Feeder feed(int from, int count, List<String> expected) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            ids.add("in-" + i);
        }
        expected.addAll(ids);
        Thread thread = Thread.ofPlatform().name("feeder-" + from).start(() -> {
            for (String id : ids) {
                String scope = SUBJECTS.get(ordinal(id) % SUBJECTS.size());
                send(topics.pipelineEvents(), scope, Inputs.merged(scope, id));
                producer.flush();
                sleep(5);
            }
        });
        return new Feeder(thread);
    }

    private record Feeder(Thread thread) {
        void await() throws InterruptedException {
            thread.join();
        }
    }

    private <V> void send(Topic<String, V> topic, String scope, V value) {
        producer.send(new ProducerRecord<>(
                topic.name(), key(scope), topic.valueSerde().serializer().serialize(topic.name(), value)));
    }

    private static String key(String scope) {
        return SubjectKey.of(Inputs.TENANT, scope);
    }

    private Topic<String, byte[]> deadLetterTopic() {
        return new Topic<>(DeadLetterQueue.topicName(topics), Serdes.String(), Serdes.ByteArray(), 1, Map.of());
    }

    private Process startChild() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                StreamsAppChild.class.getName()));
        config.forEach((k, v) -> command.add(k + "=" + v));
        File log = Files.createTempFile(dataDir, "child-", ".log").toFile();
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        open.add(() -> child.destroyForcibly().waitFor());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.readString(log.toPath()).contains("VIGIL-STREAMS-RUNNING")) {
            if (!child.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("child streams app did not start:\n" + Files.readString(log.toPath()));
            }
            sleep(100);
        }
        return child;
    }

    private static void awaitState(StreamsApp app, KafkaStreams.State state) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (app.state() != state) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("streams app still " + app.state() + ", expected " + state);
            }
            sleep(50);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
