package dev.vigil.cli.drills;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.AuditIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drills on real servers (docs/drills.md): the audit trail must come out of crashes, restarts
 * and outages with every input exactly once, in order, in gapless chains whose hashes recompute,
 * and Elasticsearch must hold exactly the Kafka trail. The broker and Elasticsearch run in child
 * JVMs on fixed ports and data directories under this class's temp dir (restartable), and
 * {@code vigil streams} runs in a third child JVM that is SIGKILLed and restarted.
 *
 * <p>Sizes (system properties; the defaults keep the three drills at a few minutes): {@code vigil.drill.inputs} (10 000,
 * crash drill; {@code 100000} for the full drill), {@code vigil.drill.load-inputs} (outage and
 * broker drills, 6 000), {@code vigil.drill.subjects} (300), {@code vigil.drill.rate} (inputs/s
 * of the outage and broker drills, 150), {@code vigil.drill.outage-seconds} (20),
 * {@code vigil.drill.seed}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrailDrillsIT {

    private static final int INPUTS = Integer.getInteger("vigil.drill.inputs", 10_000);
    private static final int LOAD_INPUTS = Integer.getInteger("vigil.drill.load-inputs", 6_000);
    private static final int SUBJECTS = Integer.getInteger("vigil.drill.subjects", 300);
    private static final int RATE = Integer.getInteger("vigil.drill.rate", 150);
    private static final long SEED = Long.getLong("vigil.drill.seed", 20_261_124L);
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("vigil.drill.outage-seconds", 20));
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    @TempDir
    static Path root;

    private DrillRig rig;

    @BeforeAll
    void startServers() {
        rig = new DrillRig(root);
        rig.startKafka();
        rig.startElasticsearch();
    }

    @AfterAll
    void stopServers() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void shouldKeepEveryInputExactlyOnceAndInOrderWhenTheStreamsJvmIsKilledThreeTimes() throws Exception {
        Drill drill = new Drill("crash", INPUTS);
        Random random = new Random(SEED);
        List<Integer> killPoints = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            killPoints.add((int) (INPUTS * (0.1 + 0.75 * random.nextDouble())));
        }
        killPoints.sort(null);
        DrillRig.log(
                "crash drill: %d inputs, %d subjects, seed %d, SIGKILL at %s INPUT records",
                INPUTS, SUBJECTS, SEED, killPoints);

        List<Long> killedAt = new ArrayList<>();
        try (DrillRig.StreamsChild streams = drill.startStreams();
                TrailLedger ledger = drill.ledger();
                Feeder feeder = new Feeder(rig.bootstrapServers(), drill.inputs, 0)) {
            long t0 = System.nanoTime();
            feeder.start();
            for (int point : killPoints) {
                ledger.readUntil(() -> ledger.inputs() >= point, TIMEOUT, point + " INPUT records");
                streams.kill();
                killedAt.add(ledger.inputs());
                streams.note("SIGKILLed at " + ledger.inputs() + " INPUT records read");
                streams.start();
            }
            feeder.finish();
            drill.finish(ledger, t0);
        }
        assertThat(killedAt).as("the kills hit the drill mid-stream").allSatisfy(n -> assertThat(n)
                .isBetween(1L, INPUTS - 1L));
    }

    @Test
    void shouldDrainTheBacklogIntoElasticsearchAfterItWasKilledUnderLoad() throws Exception {
        Drill drill = new Drill("outage", LOAD_INPUTS);
        DrillRig.log("outage drill: %d inputs at %d/s, Elasticsearch down for %s", LOAD_INPUTS, RATE, OUTAGE);
        try (DrillRig.StreamsChild streams = drill.startStreams();
                TrailLedger ledger = drill.ledger();
                Feeder feeder = new Feeder(rig.bootstrapServers(), drill.inputs, RATE)) {
            long t0 = System.nanoTime();
            feeder.start();
            awaitMidStream(ledger, feeder);
            rig.killElasticsearch();
            long before = ledger.inputs();
            ledger.poll(OUTAGE);
            long during = ledger.inputs() - before;
            DrillRig.log("%d INPUT records reached the trail while Elasticsearch was down", during);
            rig.startElasticsearch();
            feeder.finish();
            drill.finish(ledger, t0);

            assertThat(during).as("the trail kept growing during the outage").isPositive();
            String log = streams.log();
            assertThat(log).as("the indexer backed off").contains("retrying the same records");
            assertThat(log).as("and recovered").containsPattern("indexing into \\S+ recovered after \\d+ failed");
        }
    }

    @Test
    void shouldLoseNothingWhenTheBrokerRestartsUnderLoad() throws Exception {
        Drill drill = new Drill("broker", LOAD_INPUTS);
        DrillRig.log("broker drill: %d inputs at %d/s, broker down for %s", LOAD_INPUTS, RATE, OUTAGE);
        try (DrillRig.StreamsChild streams = drill.startStreams();
                TrailLedger ledger = drill.ledger();
                Feeder feeder = new Feeder(rig.bootstrapServers(), drill.inputs, RATE)) {
            long t0 = System.nanoTime();
            feeder.start();
            awaitMidStream(ledger, feeder);
            int sentAtStop = feeder.sent();
            long inTrailAtStop = ledger.inputs();
            rig.stopKafka();
            int sentBefore = feeder.sent();
            Thread.sleep(OUTAGE.toMillis());
            int sentDuring = feeder.sent() - sentBefore;
            rig.startKafka();
            DrillRig.log(
                    "broker stopped with %d inputs produced and %d in the trail; %d more handed to the producer while"
                            + " it was down",
                    sentAtStop, inTrailAtStop, sentDuring);
            feeder.finish();
            drill.finish(ledger, t0);

            assertThat(inTrailAtStop)
                    .as("inputs were still on their way through the pipeline when the broker stopped")
                    .isLessThan(sentAtStop);
            assertThat(streams.isAlive())
                    .as("vigil streams survived the broker restart")
                    .isTrue();
        }
    }

    /**
     * Until a third of the inputs is produced and some are in the trail: the outage then hits the
     * streams app, the indexer and the producer all mid-work, and inputs keep coming through it.
     */
    private static void awaitMidStream(TrailLedger ledger, Feeder feeder) {
        ledger.readUntil(
                () -> feeder.sent() >= LOAD_INPUTS / 3 && ledger.inputs() >= LOAD_INPUTS / 20,
                TIMEOUT,
                "a third of the inputs produced");
    }

    /** One drill's names (topics, index, groups), inputs and final verdict. */
    private final class Drill {

        final String name;
        final Topics topics;
        final AuditIndex index;
        final List<DrillInputs.Input> inputs;
        final Map<String, String> settings = new LinkedHashMap<>();

        Drill(String name, int count) {
            this.name = name;
            this.topics = Topics.withPrefix("drill-" + name + "-");
            this.index = new AuditIndex("drill-" + name + "-");
            this.inputs = DrillInputs.generate(topics, count, SUBJECTS, SEED);
            settings.put("vigil.topic-prefix", topics.prefix());
            settings.put("vigil.index-prefix", "drill-" + name + "-");
            settings.put("vigil.streams.application-id", "drill-" + name);
            settings.put("vigil.indexer.group-id", "drill-" + name + "-indexer");
            // A SIGKILLed member is dropped from the group after this, not the 45 s default.
            settings.put("vigil.kafka.streams.session.timeout.ms", "6000");
            // Wall-clock evaluations would keep extending the trail after the last input; the drill
            // compares a trail that has stopped growing.
            settings.put(
                    "vigil.streams.punctuation-interval-ms",
                    Long.toString(Duration.ofHours(1).toMillis()));
            rig.ensureTopics(topics);
        }

        DrillRig.StreamsChild startStreams() {
            DrillRig.StreamsChild streams = rig.streams("streams-" + name, settings);
            streams.start();
            return streams;
        }

        TrailLedger ledger() {
            return new TrailLedger(rig.bootstrapServers(), topics.auditTrail());
        }

        void finish(TrailLedger ledger, long t0) throws Exception {
            ledger.readUntil(() -> ledger.inputs() >= inputs.size(), TIMEOUT, "every input in the trail");
            ledger.readToEnd(TIMEOUT);
            List<TrailLedger.Link> links = ledger.links();
            DrillRig.log(
                    "%s drill: %d inputs → %d trail records in the Kafka trail after %.1f s",
                    name, inputs.size(), links.size(), (System.nanoTime() - t0) / 1e9);
            TrailCheck.assertKafkaTrail(inputs, links);
            TrailCheck.assertElasticsearchMatches(rig.elasticsearchUrl(), index.alias(), links, TIMEOUT);
            DrillRig.log(
                    "%s drill: Elasticsearch holds exactly the Kafka trail after %.1f s",
                    name, (System.nanoTime() - t0) / 1e9);
        }
    }
}
