package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.VerdictSummary;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.AuditChain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComplianceTopologyTest {

    private static final String SHOP = "github.com/acme/shop";
    private static final String BILLING = "github.com/acme/billing";
    private static final Instant INGESTED = Instant.parse("2026-03-01T10:15:31.250Z");

    private final Topics topics = Topics.withPrefix("test-");
    private final Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dataDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, PipelineEvent> events;
    private TestInputTopic<String, ScanResult> scans;
    private TestOutputTopic<String, AuditRecord> trail;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void start(Topology topology) {
        StreamsAppConfig cfg = StreamsAppConfig.of(
                Map.of("vigil.topic-prefix", topics.prefix(), "vigil.data-dir", dataDir.toString()));
        // The app's real configuration (explicit-naming check, the three error handlers) but at-least-once: under
        // EOS the driver's MockProducer.clear() drops records sent outside process(), such as a deserialization
        // handler's dead letters, before their transaction commits. The driver commits after every record, so
        // EOS would change nothing else here; StreamsAppIT covers exactly-once on the real broker.
        Properties props = StreamsApp.properties(cfg, topics);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        driver = new TopologyTestDriver(topology, props);
        events = driver.createInputTopic(
                topics.pipelineEvents().name(),
                topics.pipelineEvents().keySerde().serializer(),
                topics.pipelineEvents().valueSerde().serializer());
        scans = driver.createInputTopic(
                topics.scanResults().name(),
                topics.scanResults().keySerde().serializer(),
                topics.scanResults().valueSerde().serializer());
        trail = driver.createOutputTopic(
                topics.auditTrail().name(),
                topics.auditTrail().keySerde().deserializer(),
                topics.auditTrail().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(
                DeadLetterQueue.topicName(topics), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void start() {
        start(ComplianceTopology.build(topics, clock, ControlEvaluator.none()));
    }

    private static String key(String scope) {
        return SubjectKey.of(Inputs.TENANT, scope);
    }

    private void send(PipelineEvent event) {
        events.pipeInput(key(event.getScope()), event, INGESTED);
    }

    @Test
    void shouldChainTwoEventsOfOneSubjectWithGaplessSeqAndLinkedHashes() {
        start();
        send(Inputs.merged(SHOP, "e1"));
        send(Inputs.merged(SHOP, "e2"));

        List<TestRecord<String, AuditRecord>> out = trail.readRecordsToList();

        assertThat(out).extracting(TestRecord::key).containsExactly(key(SHOP), key(SHOP));
        AuditRecord first = out.get(0).value();
        AuditRecord second = out.get(1).value();
        assertThat(first.getSeq()).isEqualTo(1);
        assertThat(first.getPrevHash()).isEqualTo(AuditChain.GENESIS_HASH);
        assertThat(second.getSeq()).isEqualTo(2);
        assertThat(second.getPrevHash()).isEqualTo(first.getHash());
        assertThat(first.getHash()).isNotEqualTo(second.getHash()).hasSize(64);
        // The hash is the trail module's, recomputed from the record as it was read back from the topic.
        assertThat(out).allSatisfy(r -> assertThat(r.value().getHash()).isEqualTo(AuditChain.computeHash(r.value())));
        assertThat(out).allSatisfy(r -> assertThat(r.value().getHash())
                .isEqualTo(AuditChain.recomputeHash(AuditChain.document(r.value()))));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepIndependentChainsForDifferentSubjects() {
        start();
        send(Inputs.merged(SHOP, "s1"));
        send(Inputs.merged(BILLING, "b1"));
        send(Inputs.merged(SHOP, "s2"));
        send(Inputs.merged(BILLING, "b2"));
        send(Inputs.merged(BILLING, "b3"));

        Map<String, List<AuditRecord>> chains = trail.readRecordsToList().stream()
                .collect(Collectors.groupingBy(
                        TestRecord::key, Collectors.mapping(TestRecord::value, Collectors.toList())));

        assertThat(chains.get(key(SHOP)))
                .satisfiesExactly(r -> assertThat(r.getRecordId()).isEqualTo("s1"), r -> assertThat(r.getRecordId())
                        .isEqualTo("s2"));
        assertThat(chains.get(key(BILLING)))
                .extracting(AuditRecord::getRecordId)
                .containsExactly("b1", "b2", "b3");
        chains.values().forEach(ComplianceTopologyTest::assertGaplessChain);
    }

    @Test
    void shouldKeepChainHeadInStoreAsSeqAndHash() {
        start();
        send(Inputs.merged(SHOP, "e1"));
        send(Inputs.merged(SHOP, "e2"));
        send(Inputs.merged(BILLING, "b1"));
        List<AuditRecord> out = trail.readValuesToList();

        KeyValueStore<String, ChainHead> heads = driver.getKeyValueStore(AuditChainProcessorSupplier.STORE_NAME);

        assertThat(heads.get(key(SHOP))).isEqualTo(new ChainHead(2, out.get(1).getHash()));
        assertThat(heads.get(key(BILLING)))
                .isEqualTo(new ChainHead(1, out.get(2).getHash()));
        try (var all = heads.all()) {
            assertThat(all).toIterable().extracting(kv -> kv.key).containsExactlyInAnyOrder(key(SHOP), key(BILLING));
        }
    }

    @Test
    void shouldChainScanResultsAndPipelineEventsOfOneSubjectTogether() {
        start();
        send(Inputs.merged(SHOP, "e1"));
        scans.pipeInput(key(SHOP), Inputs.sast(SHOP, "scan1"), INGESTED);
        send(Inputs.merged(SHOP, "e2"));

        List<AuditRecord> out = trail.readValuesToList();

        assertThat(out)
                .extracting(AuditRecord::getEventType)
                .containsExactly("pipeline.CHANGE_MERGED", "scan.SAST", "pipeline.CHANGE_MERGED");
        assertGaplessChain(out);
    }

    @Test
    void shouldDraftPipelineEventAsInputRecordWithItsSourcePosition() {
        start();
        send(Inputs.merged(SHOP, "e1"));

        AuditRecord r = trail.readValue();

        assertThat(r.getKind()).isEqualTo(AuditRecordKind.INPUT);
        assertThat(r.getTenant()).isEqualTo(Inputs.TENANT);
        assertThat(r.getScope()).isEqualTo(SHOP);
        assertThat(r.getRecordId()).isEqualTo("e1");
        assertThat(r.getEventType()).isEqualTo("pipeline.CHANGE_MERGED");
        assertThat(r.getSourceType()).isEqualTo("dev.cdevents.change.merged.0.3.0");
        assertThat(r.getSource()).isEqualTo("https://github.com/" + SHOP);
        assertThat(r.getSourceEventId()).isEqualTo("src-e1");
        assertThat(r.getEventTime()).isEqualTo(Inputs.EVENT_TIME);
        assertThat(r.getRecordedAt()).isEqualTo(INGESTED);
        assertThat(r.getSubject().getCommitSha()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
        assertThat(r.getActorId()).isEqualTo("alice");
        assertThat(r.getSummary())
                .isEqualTo("Change merged: github.com/acme/shop change 42 commit 0123456789ab on main (success)");
        assertThat(r.getOutcome()).isEqualTo("SUCCESS");
        assertThat(r.getAttributes())
                .containsExactlyInAnyOrderEntriesOf(Map.of("reviewer", "bob", "review_state", "approved"));
        assertThat(r.getEvidenceSha256()).isEqualTo("ab".repeat(32));
        assertThat(r.getInputTopic()).isEqualTo(topics.pipelineEvents().name());
        assertThat(r.getInputPartition()).isZero();
        assertThat(r.getInputOffset()).isZero();
        assertThat(r.getCanonicalVersion()).isEqualTo(AuditChain.CANONICAL_VERSION);
        assertThat(r.getVerdicts()).isEmpty();
        assertThat(r.getCatalogVersion()).isNull();
    }

    @Test
    void shouldDraftScanResultWithCategoryTypeAndFindingCounts() {
        start();
        send(Inputs.merged(SHOP, "e1"));
        scans.pipeInput(key(SHOP), Inputs.sast(SHOP, "scan1"), INGESTED);

        AuditRecord r = trail.readValuesToList().get(1);

        assertThat(r.getEventType()).isEqualTo("scan.SAST");
        assertThat(r.getRecordId()).isEqualTo("scan1");
        assertThat(r.getSourceType()).isEqualTo("sarif:semgrep");
        assertThat(r.getSourceEventId()).isEqualTo("run-scan1");
        assertThat(r.getOutcome()).isEqualTo("SUCCESS");
        assertThat(r.getSummary())
                .isEqualTo("SAST scan by semgrep 1.90.0: github.com/acme/shop commit 0123456789ab, 3 findings"
                        + " (1 critical, 2 high)");
        assertThat(r.getAttributes())
                .containsEntry("tool_name", "semgrep")
                .containsEntry("finding_count", "3")
                .containsEntry("findings_critical", "1")
                .containsEntry("findings_high", "2");
        assertThat(r.getInputTopic()).isEqualTo(topics.scanResults().name());
        assertThat(r.getInputOffset()).isZero();
        assertThat(r.getSeq()).isEqualTo(2);
    }

    @Test
    void shouldCarryTheEvaluatorsVerdictsInTheHashedRecord() {
        VerdictSummary verdict = VerdictSummary.newBuilder()
                .setControlId("CHG-001")
                .setVerdict(VerdictResult.PASS)
                .setSeverity(Severity.HIGH)
                .setRequirements(List.of("SOC2:CC8.1"))
                .setReason("approved by a reviewer who is not the author")
                .build();
        ControlEvaluator oneVerdict = new ControlEvaluator() {
            @Override
            public Evaluation evaluate(PipelineEvent event) {
                return new Evaluation("2026.1", List.of(verdict));
            }

            @Override
            public Evaluation evaluate(ScanResult scan) {
                return Evaluation.NONE;
            }
        };
        start(ComplianceTopology.build(topics, clock, oneVerdict));
        send(Inputs.merged(SHOP, "e1"));

        AuditRecord r = trail.readValue();

        assertThat(r.getVerdicts()).containsExactly(verdict);
        assertThat(r.getCatalogVersion()).isEqualTo("2026.1");
        assertThat(AuditChain.document(r).verdicts()).singleElement().satisfies(v -> assertThat(v.controlId())
                .isEqualTo("CHG-001"));
        assertThat(r.getHash()).isEqualTo(AuditChain.computeHash(r));
    }

    @Test
    void shouldSendUndecodableInputToDeadLetterTopicAndKeepProcessing() {
        start();
        send(Inputs.merged(SHOP, "e1"));
        TestInputTopic<String, byte[]> raw = driver.createInputTopic(
                topics.pipelineEvents().name(), new StringSerializer(), new ByteArraySerializer());
        byte[] garbage = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
        raw.pipeInput(key(SHOP), garbage, INGESTED);
        send(Inputs.merged(SHOP, "e2"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.value()).isEqualTo(garbage);
            assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo(key(SHOP));
            assertThat(DeadLetterQueue.header(d.headers(), DeadLetterQueue.HEADER_STAGE))
                    .isEqualTo("deserialization");
            assertThat(DeadLetterQueue.header(d.headers(), DeadLetterQueue.HEADER_TOPIC))
                    .isEqualTo(topics.pipelineEvents().name());
            assertThat(DeadLetterQueue.header(d.headers(), DeadLetterQueue.HEADER_OFFSET))
                    .isEqualTo("1");
            assertThat(DeadLetterQueue.header(d.headers(), DeadLetterQueue.HEADER_EXCEPTION))
                    .isEqualTo("org.apache.kafka.common.errors.SerializationException");
        });
        // The chain skips the bad input without a gap: e2 is seq 2, right after e1.
        assertThat(trail.readValuesToList())
                .extracting(AuditRecord::getRecordId, AuditRecord::getSeq)
                .containsExactly(tuple("e1", 1L), tuple("e2", 2L));
    }

    @Test
    void shouldDeadLetterInputKeyedByAnotherSubjectWithoutMovingAnyHead() {
        start();
        send(Inputs.merged(SHOP, "e1"));
        PipelineEvent misKeyed = Inputs.merged(SHOP, "e-wrong-key");
        events.pipeInput(key(BILLING), misKeyed, INGESTED);
        send(Inputs.merged(SHOP, "e2"));

        assertThat(deadLetters.readRecordsToList()).singleElement().satisfies(d -> {
            assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo(key(BILLING));
            assertThat(d.value())
                    .isEqualTo(topics.pipelineEvents().valueSerde().serializer().serialize(null, misKeyed));
            assertThat(DeadLetterQueue.header(d.headers(), DeadLetterQueue.HEADER_STAGE))
                    .isEqualTo("processing");
            assertThat(DeadLetterQueue.header(d.headers(), DeadLetterQueue.HEADER_PROCESSOR))
                    .isEqualTo(ComplianceTopology.CHAIN_AUDIT_RECORD);
            assertThat(DeadLetterQueue.header(d.headers(), DeadLetterQueue.HEADER_MESSAGE))
                    .contains("e-wrong-key");
        });
        assertThat(trail.readValuesToList()).extracting(AuditRecord::getSeq).containsExactly(1L, 2L);
        KeyValueStore<String, ChainHead> heads = driver.getKeyValueStore(AuditChainProcessorSupplier.STORE_NAME);
        assertThat(heads.get(key(BILLING))).isNull();
    }

    @Test
    void shouldDeadLetterInputWhoseLinkWouldBeTooLargeBeforeMovingTheHead() {
        start(ComplianceTopology.build(topics, clock, ControlEvaluator.none(), 4_096));
        send(Inputs.merged(SHOP, "e1"));
        PipelineEvent huge = PipelineEvent.newBuilder(Inputs.merged(SHOP, "e-huge"))
                .setAttributes(Map.of("log", "x".repeat(5_000)))
                .build();
        send(huge);
        send(Inputs.merged(SHOP, "e2"));

        assertThat(deadLetters.readRecordsToList()).singleElement().satisfies(d -> assertThat(
                        DeadLetterQueue.header(d.headers(), DeadLetterQueue.HEADER_EXCEPTION))
                .isEqualTo("org.apache.kafka.common.errors.RecordTooLargeException"));
        assertThat(trail.readValuesToList())
                .extracting(AuditRecord::getRecordId)
                .containsExactly("e1", "e2");
        KeyValueStore<String, ChainHead> heads = driver.getKeyValueStore(AuditChainProcessorSupplier.STORE_NAME);
        assertThat(heads.get(key(SHOP)).seq()).isEqualTo(2);
    }

    @Test
    void shouldNameEveryProcessorAndStoreExplicitly() {
        Topology topology = ComplianceTopology.build(topics, clock, ControlEvaluator.none());
        TopologyDescription description = topology.describe();

        List<String> nodes = description.subtopologies().stream()
                .flatMap(s -> s.nodes().stream())
                .map(TopologyDescription.Node::name)
                .sorted()
                .toList();
        assertThat(nodes)
                .containsExactly(
                        "chain_audit_record",
                        "pipeline_event_to_audit_record",
                        "scan_result_to_audit_record",
                        "sink_audit_trail",
                        "source_pipeline_events",
                        "source_scan_results");
        assertThat(description.subtopologies()).singleElement();
        assertThat(description.subtopologies().iterator().next().nodes().stream()
                        .filter(n -> n instanceof TopologyDescription.Processor)
                        .flatMap(n -> ((TopologyDescription.Processor) n).stores().stream())
                        .distinct())
                .containsExactly("audit-chain-heads");
        // With ensure.explicit.internal.resource.naming set, an unnamed store or topic would fail here.
        start(topology);
        assertThat(driver.producedTopicNames()).isEmpty();
    }

    private static void assertGaplessChain(List<AuditRecord> chain) {
        String prev = AuditChain.GENESIS_HASH;
        for (int i = 0; i < chain.size(); i++) {
            AuditRecord r = chain.get(i);
            assertThat(r.getSeq()).isEqualTo(i + 1L);
            assertThat(r.getPrevHash()).isEqualTo(prev);
            assertThat(r.getHash()).isEqualTo(AuditChain.computeHash(r));
            prev = r.getHash();
        }
    }
}
