package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.ViolationState;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.AuditChain;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
 * Two streams instances share the input partitions; one (a separate JVM) is SIGKILLed while
 * inputs flow, and the survivor takes its partitions over from the changelogs. Exactly-once must
 * hold across the takeover: every verdict once, no violation opened twice, every chain gapless.
 */
class ScaleOutIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final int SUBJECTS = 12;
    private static final int COMMITS_PER_SUBJECT = 3;

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
        String id = "scaleout-" + UUID.randomUUID().toString().substring(0, 8);
        topics = Topics.withPrefix("it-" + id + "-");
        config = new LinkedHashMap<>();
        config.put("vigil.kafka.bootstrap-servers", bootstrap);
        config.put("vigil.topic-prefix", topics.prefix());
        config.put("vigil.trail.signing-key-file", TestSigningKey.file().toString());
        config.put("vigil.streams.application-id", "it-streams-" + id);
        // A killed member is noticed after this, not the 45 s default.
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
    void shouldLoseAndDuplicateNothingWhenOneOfTwoInstancesIsKilledMidStream() throws Exception {
        StreamsApp survivor = startInProcess();
        Process doomed = startChild();
        awaitShared(survivor);

        List<String> scopes = IntStream.range(0, SUBJECTS)
                .mapToObj(i -> "github.com/acme/svc-" + i)
                .toList();
        List<String> eventIds = new ArrayList<>();
        // Per commit: an unreviewed merge opens the review violation, a second one must not open it again
        // (it needs the state from before the kill), an approved one resolves it.
        List<Runnable> sends = new ArrayList<>();
        for (int c = 0; c < COMMITS_PER_SUBJECT; c++) {
            for (int round = 0; round < 3; round++) {
                for (String scope : scopes) {
                    String sha = String.format(Locale.ROOT, "%040x", (long) scopes.indexOf(scope) << 16 | c);
                    String id = "ev-" + scope.substring(scope.lastIndexOf('/') + 1) + "-" + c + "-" + round;
                    boolean approved = round == 2;
                    eventIds.add(id);
                    sends.add(
                            () -> send(topics.pipelineEvents(), scope, Inputs.mergedCommit(scope, id, sha, approved)));
                }
            }
        }
        Thread feeder = Thread.ofPlatform().name("scaleout-feeder").start(() -> {
            for (Runnable send : sends) {
                send.run();
                producer.flush();
                sleep(15);
            }
        });

        TrailReader<ControlVerdict> verdicts = reader(topics.controlVerdicts());
        // Kill once the doomed instance is surely mid-work: a third of the verdicts are committed.
        verdicts.readUntil(seen -> seen.size() >= eventIds.size() / 3, TIMEOUT);
        doomed.destroyForcibly().waitFor();
        feeder.join();

        verdicts.readUntil(seen -> seen.size() >= eventIds.size(), TIMEOUT);
        List<ConsumerRecord<String, ControlVerdict>> allVerdicts = verdicts.readToEnd(TIMEOUT);
        assertThat(allVerdicts)
                .extracting(r -> r.value().getId())
                .containsExactlyInAnyOrderElementsOf(eventIds.stream()
                        .map(id -> id + ":" + TestEngine.REVIEW)
                        .toList());

        int commits = SUBJECTS * COMMITS_PER_SUBJECT;
        TrailReader<Violation> violations = reader(topics.violations());
        violations.readUntil(seen -> seen.size() >= 2 * commits, TIMEOUT);
        List<Violation> changes = violations.readToEnd(TIMEOUT).stream()
                .map(ConsumerRecord::value)
                .toList();
        Map<String, List<ViolationState>> lifecycles = changes.stream()
                .collect(Collectors.groupingBy(
                        v -> v.getControlId() + "|" + v.getScope() + "|" + v.getSubjectKey(),
                        Collectors.mapping(Violation::getState, Collectors.toList())));
        assertThat(lifecycles).hasSize(commits);
        assertThat(lifecycles.values()).allSatisfy(states -> assertThat(states)
                .containsExactly(ViolationState.OPENED, ViolationState.RESOLVED));

        // Every input and every violation change is in its subject's chain exactly once, without gaps.
        TrailReader<AuditRecord> trail = reader(topics.auditTrail());
        trail.readUntil(seen -> seen.size() >= eventIds.size() + changes.size(), TIMEOUT);
        List<AuditRecord> links =
                trail.readToEnd(TIMEOUT).stream().map(ConsumerRecord::value).toList();
        assertThat(links).hasSize(eventIds.size() + changes.size());
        links.stream()
                .collect(Collectors.groupingBy(
                        r -> SubjectKey.of(r.getTenant(), r.getScope()), LinkedHashMap::new, Collectors.toList()))
                .forEach((chain, records) -> {
                    String prev = AuditChain.GENESIS_HASH;
                    for (int i = 0; i < records.size(); i++) {
                        AuditRecord r = records.get(i);
                        assertThat(r.getSeq())
                                .as("seq of link %d of %s", i, chain)
                                .isEqualTo(i + 1L);
                        assertThat(r.getPrevHash())
                                .as("prevHash of %s:%d", chain, r.getSeq())
                                .isEqualTo(prev);
                        prev = r.getHash();
                    }
                });
        assertThat(links.stream().collect(Collectors.groupingBy(AuditRecord::getRecordId, Collectors.counting())))
                .allSatisfy((id, n) -> assertThat(n).as("copies of %s", id).isEqualTo(1L));
    }

    private StreamsApp startInProcess() {
        Map<String, String> own = new LinkedHashMap<>(config);
        own.put("vigil.data-dir", dataDir.resolve("survivor").toString());
        StreamsApp app = StreamsApp.start(StreamsAppConfig.of(own), new TestEngine());
        open.add(app);
        app.waitUntilRunning(TIMEOUT);
        return app;
    }

    private Process startChild() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                StreamsAppChild.class.getName(),
                StreamsAppChild.TEST_ENGINE));
        Map<String, String> own = new LinkedHashMap<>(config);
        own.put("vigil.data-dir", dataDir.resolve("doomed").toString());
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
            sleep(100);
        }
        return child;
    }

    /** Waits until the in-process instance runs with only part of the partitions: the child has the rest. */
    private static void awaitShared(StreamsApp survivor) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!(survivor.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING
                && !survivor.activeTasks().isEmpty()
                && survivor.activeTasks().size() < Topics.DEFAULT_PARTITIONS)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "the two instances never shared the partitions: survivor has " + survivor.activeTasks());
            }
            sleep(100);
        }
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
