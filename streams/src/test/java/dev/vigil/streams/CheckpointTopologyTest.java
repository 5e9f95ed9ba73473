package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.checkpoint.CheckpointSignatures;
import dev.vigil.trail.checkpoint.SigningKey;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTopologyTest {

    private static final String SHOP = "github.com/acme/shop";
    private static final String BILLING = "github.com/acme/billing";
    private static final String DOCS = "github.com/acme/docs";
    private static final Instant START = Instant.parse("2026-03-01T10:16:00Z");
    private static final Instant INGESTED = Instant.parse("2026-03-01T10:15:31.250Z");
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private final Topics topics = Topics.withPrefix("test-");
    private final MutableClock clock = new MutableClock(START);
    private final SigningKey key = SigningKeys.generate();

    @TempDir
    Path dataDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, dev.vigil.schemas.PipelineEvent> events;
    private TestOutputTopic<String, AuditRecord> trail;
    private TestOutputTopic<String, Checkpoint> checkpoints;
    private final Map<String, AuditRecord> lastLink = new LinkedHashMap<>();
    private final Map<Long, String> shopHashBySeq = new LinkedHashMap<>();

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void start(int every) {
        StreamsAppConfig cfg = StreamsAppConfig.of(
                Map.of("vigil.topic-prefix", topics.prefix(), "vigil.data-dir", dataDir.toString()));
        Properties props = StreamsApp.properties(cfg, topics);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        driver = new TopologyTestDriver(
                ComplianceTopology.build(
                        topics,
                        clock,
                        new TestEngine(),
                        ComplianceTopology.Settings.DEFAULT,
                        new Checkpointing(key, INTERVAL, every)),
                props,
                START);
        events = driver.createInputTopic(
                topics.pipelineEvents().name(),
                topics.pipelineEvents().keySerde().serializer(),
                topics.pipelineEvents().valueSerde().serializer());
        trail = driver.createOutputTopic(
                topics.auditTrail().name(),
                topics.auditTrail().keySerde().deserializer(),
                topics.auditTrail().valueSerde().deserializer());
        checkpoints = driver.createOutputTopic(
                topics.auditCheckpoints().name(),
                topics.auditCheckpoints().keySerde().deserializer(),
                topics.auditCheckpoints().valueSerde().deserializer());
    }

    private void send(String scope, String id) {
        events.pipeInput(SubjectKey.of(Inputs.TENANT, scope), Inputs.merged(scope, id), INGESTED);
        trail.readValuesToList().forEach(r -> {
            lastLink.put(SubjectKey.of(r.getTenant(), r.getScope()), r);
            if (r.getScope().equals(SHOP)) {
                shopHashBySeq.put(r.getSeq(), r.getHash());
            }
        });
    }

    private void tick() {
        clock.advance(INTERVAL);
        driver.advanceWallClockTime(INTERVAL);
    }

    @Test
    void shouldSignOneCheckpointPerChangedChainAfterTheIntervalMatchingItsHead() {
        start(1000);
        send(SHOP, "e1");
        send(SHOP, "e2");
        send(BILLING, "b1");

        assertThat(checkpoints.isEmpty()).as("nothing before the interval").isTrue();
        tick();
        List<TestRecord<String, Checkpoint>> first = checkpoints.readRecordsToList();

        assertThat(first)
                .extracting(TestRecord::key)
                .containsExactlyInAnyOrder(SubjectKey.of(Inputs.TENANT, SHOP), SubjectKey.of(Inputs.TENANT, BILLING));
        assertThat(first).allSatisfy(r -> {
            Checkpoint c = r.value();
            AuditRecord head = lastLink.get(r.key());
            assertThat(c.getTenant()).isEqualTo(Inputs.TENANT);
            assertThat(SubjectKey.of(c.getTenant(), c.getScope())).isEqualTo(r.key());
            assertThat(c.getSeq()).isEqualTo(head.getSeq());
            assertThat(c.getHash()).isEqualTo(head.getHash());
            assertThat(c.getKeyId()).isEqualTo(key.keyId());
            assertThat(c.getAlgorithm()).isEqualTo("Ed25519");
            assertThat(c.getCreatedAt()).isEqualTo(clock.instant());
            assertThat(CheckpointSignatures.verify(c, key.publicKey())).isTrue();
        });
        KeyValueStore<String, ChainHead> heads = driver.getKeyValueStore(AuditChainProcessorSupplier.STORE_NAME);
        assertThat(first).allSatisfy(r -> assertThat(r.value().getSeq())
                .isEqualTo(heads.get(r.key()).seq()));
        KeyValueStore<String, Long> done = driver.getKeyValueStore(AuditChainProcessorSupplier.CHECKPOINTED_STORE_NAME);
        assertThat(done.get(SubjectKey.of(Inputs.TENANT, SHOP)))
                .isEqualTo(heads.get(SubjectKey.of(Inputs.TENANT, SHOP)).seq());

        send(SHOP, "e3");
        send(DOCS, "d1");
        tick();
        List<Checkpoint> second = checkpoints.readValuesToList();

        assertThat(second)
                .extracting(Checkpoint::getScope, Checkpoint::getSeq, Checkpoint::getHash)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(
                                SHOP,
                                lastLink.get(SubjectKey.of(Inputs.TENANT, SHOP)).getSeq(),
                                lastLink.get(SubjectKey.of(Inputs.TENANT, SHOP)).getHash()),
                        org.assertj.core.groups.Tuple.tuple(
                                DOCS,
                                1L,
                                lastLink.get(SubjectKey.of(Inputs.TENANT, DOCS)).getHash()));
        assertThat(second).allSatisfy(c -> assertThat(CheckpointSignatures.verify(c, key.publicKey()))
                .isTrue());

        tick();
        assertThat(checkpoints.isEmpty()).as("no chain moved: no checkpoint").isTrue();
    }

    @Test
    void shouldCheckpointAtOnceEveryNLinksWithoutWaitingForTheInterval() {
        start(3);
        for (int i = 1; i <= 4; i++) {
            send(SHOP, "e" + i);
        }
        long headSeq = lastLink.get(SubjectKey.of(Inputs.TENANT, SHOP)).getSeq();

        List<Checkpoint> out = checkpoints.readValuesToList();

        // Every link of the chain was seen by the test; each checkpoint must match the link at its seq.
        assertThat(headSeq).isGreaterThanOrEqualTo(4);
        assertThat(out).extracting(Checkpoint::getSeq).isNotEmpty().allSatisfy(seq -> assertThat(seq % 3)
                .isZero());
        assertThat(out.get(out.size() - 1).getSeq()).isEqualTo(headSeq - headSeq % 3);
        assertThat(out).allSatisfy(c -> {
            assertThat(c.getHash()).isEqualTo(shopHashBySeq.get(c.getSeq()));
            assertThat(CheckpointSignatures.verify(c, key.publicKey())).isTrue();
        });

        tick();
        List<Checkpoint> afterInterval = checkpoints.readValuesToList();
        if (headSeq % 3 == 0) {
            assertThat(afterInterval).isEmpty();
        } else {
            assertThat(afterInterval).singleElement().satisfies(c -> assertThat(c.getSeq())
                    .isEqualTo(headSeq));
        }
    }
}
