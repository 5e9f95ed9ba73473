package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.checkpoint.CheckpointSignatures;
import dev.vigil.trail.checkpoint.SigningKey;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chains that moved just before a crash still get their checkpoint. The set of chains that moved
 * since the last checkpoint lives in memory only; a streams app killed with SIGKILL before its
 * checkpoint interval elapsed loses it, and the restarted app must find those chains by comparing
 * every head with its last checkpoint. Otherwise their newest links would stay uncovered until the
 * chain moves again, which may be never.
 */
class CheckpointRestartIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final int SCOPES = 8;
    private static final int EVENTS_PER_SCOPE = 5;

    @TempDir
    Path dataDir;

    private String bootstrap;
    private Topics topics;
    private Map<String, String> config;
    private KafkaProducer<String, byte[]> producer;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() {
        bootstrap = SharedServers.kafka().bootstrapServers();
        String id = "ckpt-restart-" + UUID.randomUUID().toString().substring(0, 8);
        topics = Topics.withPrefix("it-" + id + "-");
        config = new LinkedHashMap<>();
        config.put("vigil.kafka.bootstrap-servers", bootstrap);
        config.put("vigil.topic-prefix", topics.prefix());
        config.put("vigil.trail.signing-key-file", TestSigningKey.file().toString());
        config.put("vigil.streams.application-id", "it-streams-" + id);
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

    @Test
    void shouldCheckpointEveryChainThatMovedBeforeTheCrashOnceRestarted() throws Exception {
        // First life: checkpoints only after an hour or 1000 links, so none is signed before the kill.
        Process doomed = startChild(
                Map.of("vigil.trail.checkpoint-interval-ms", "3600000", "vigil.trail.checkpoint-every", "1000"));
        for (int s = 0; s < SCOPES; s++) {
            String scope = "github.com/acme/ckpt-" + s;
            for (int e = 0; e < EVENTS_PER_SCOPE; e++) {
                send(topics.pipelineEvents(), scope, Inputs.merged(scope, "ev-" + s + "-" + e));
            }
        }
        producer.flush();
        TrailReader<AuditRecord> trail = reader(topics.auditTrail());
        List<ConsumerRecord<String, AuditRecord>> links =
                trail.readUntil(seen -> inputLinks(seen) >= SCOPES * EVENTS_PER_SCOPE, TIMEOUT);
        assertThat(reader(topics.auditCheckpoints()).readToEnd(TIMEOUT))
                .as("checkpoints signed before the kill")
                .isEmpty();

        doomed.destroyForcibly().waitFor();

        // Second life: a short interval; no new input arrives, so only the restart scan can find the chains.
        Map<String, String> restarted = new LinkedHashMap<>(config);
        restarted.put("vigil.data-dir", dataDir.resolve("second").toString());
        restarted.put("vigil.trail.checkpoint-interval-ms", "500");
        StreamsApp app = StreamsApp.start(StreamsAppConfig.of(restarted), new TestEngine());
        open.add(app);
        app.waitUntilRunning(TIMEOUT);

        Map<String, AuditRecord> heads = trail.readToEnd(TIMEOUT).stream()
                .map(ConsumerRecord::value)
                .collect(Collectors.toMap(
                        r -> r.getTenant() + "/" + r.getScope(),
                        Function.identity(),
                        (a, b) -> a.getSeq() > b.getSeq() ? a : b));
        assertThat(heads).hasSize(SCOPES);
        TrailReader<Checkpoint> checkpoints = reader(topics.auditCheckpoints());
        List<Checkpoint> signed = checkpoints.readUntil(seen -> coveredChains(seen, heads) == SCOPES, TIMEOUT).stream()
                .map(ConsumerRecord::value)
                .toList();

        SigningKey key = SigningKeys.load(TestSigningKey.file());
        for (AuditRecord head : heads.values()) {
            String chain = head.getTenant() + "/" + head.getScope();
            List<Checkpoint> ofChain = signed.stream()
                    .filter(c -> (c.getTenant() + "/" + c.getScope()).equals(chain))
                    .toList();
            assertThat(ofChain).as("checkpoints of %s", chain).hasSize(1);
            Checkpoint c = ofChain.get(0);
            assertThat(c.getSeq()).as("checkpointed seq of %s", chain).isEqualTo(head.getSeq());
            assertThat(c.getHash()).as("checkpointed hash of %s", chain).isEqualTo(head.getHash());
            assertThat(CheckpointSignatures.verify(c, key.publicKey()))
                    .as("signature of %s", chain)
                    .isTrue();
        }
        assertThat(links).isNotEmpty();
    }

    private static long inputLinks(List<ConsumerRecord<String, AuditRecord>> seen) {
        return seen.stream()
                .filter(r -> r.value().getKind() == dev.vigil.schemas.AuditRecordKind.INPUT)
                .count();
    }

    private static long coveredChains(List<ConsumerRecord<String, Checkpoint>> seen, Map<String, AuditRecord> heads) {
        return heads.values().stream()
                .filter(h -> seen.stream()
                        .map(ConsumerRecord::value)
                        .anyMatch(c -> c.getTenant().equals(h.getTenant())
                                && c.getScope().equals(h.getScope())
                                && c.getSeq() == h.getSeq()))
                .count();
    }

    private Process startChild(Map<String, String> extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                StreamsAppChild.class.getName(),
                StreamsAppChild.TEST_ENGINE));
        Map<String, String> own = new LinkedHashMap<>(config);
        own.put("vigil.data-dir", dataDir.resolve("first").toString());
        own.putAll(extra);
        own.forEach((k, v) -> command.add(k + "=" + v));
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
            Thread.sleep(100);
        }
        return child;
    }

    private <V> TrailReader<V> reader(Topic<String, V> topic) {
        TrailReader<V> reader = new TrailReader<>(bootstrap, topic);
        open.add(reader);
        return reader;
    }

    private <V> void send(Topic<String, V> topic, String scope, V value) {
        producer.send(new ProducerRecord<>(
                topic.name(),
                SubjectKey.of(Inputs.TENANT, scope),
                topic.valueSerde().serializer().serialize(topic.name(), value)));
    }
}
