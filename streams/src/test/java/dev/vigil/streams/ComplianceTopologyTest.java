package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.VerdictSummary;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.ViolationState;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.AuditChain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComplianceTopologyTest {

    private static final String SHOP = "github.com/acme/shop";
    private static final String BILLING = "github.com/acme/billing";
    private static final Instant INGESTED = Instant.parse("2026-03-01T10:15:31.250Z");

    private final Topics topics = Topics.withPrefix("test-");
    private static final Instant START = Instant.parse("2026-03-01T10:16:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final TestEngine engine = new TestEngine();

    @TempDir
    Path dataDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, PipelineEvent> events;
    private TestInputTopic<String, ScanResult> scans;
    private TestOutputTopic<String, AuditRecord> trail;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private TestOutputTopic<String, ControlVerdict> verdicts;
    private TestOutputTopic<String, Violation> violations;

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
        driver = new TopologyTestDriver(topology, props, START);
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
        verdicts = driver.createOutputTopic(
                topics.controlVerdicts().name(),
                topics.controlVerdicts().keySerde().deserializer(),
                topics.controlVerdicts().valueSerde().deserializer());
        violations = driver.createOutputTopic(
                topics.violations().name(),
                topics.violations().keySerde().deserializer(),
                topics.violations().valueSerde().deserializer());
    }

    private void start() {
        start(ComplianceTopology.build(topics, clock, engine, SETTINGS));
    }

    private static final ComplianceTopology.Settings SETTINGS = ComplianceTopology.Settings.DEFAULT;

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
        // The actor is a pseudonym; its cleartext id and name are only in the record encrypted (docs/erasure.md).
        assertThat(r.getActorId()).matches("p:[0-9a-f]{32}");
        assertThat(r.getSummary())
                .isEqualTo("Change merged: github.com/acme/shop change 42 commit 0123456789ab on main (success)");
        assertThat(r.getOutcome()).isEqualTo("SUCCESS");
        assertThat(r.getAttributes())
                .containsEntry("reviewer", "bob")
                .containsEntry("review_state", "approved")
                .containsOnlyKeys("reviewer", "review_state", "actor.id", "actor.name");
        assertThat(r.getAttributes().get("actor.id")).startsWith("enc:v1:" + r.getActorId() + ":");
        assertThat(r.getEvidenceSha256()).isEqualTo("ab".repeat(32));
        assertThat(r.getInputTopic()).isEqualTo(topics.pipelineEvents().name());
        assertThat(r.getInputPartition()).isZero();
        assertThat(r.getInputOffset()).isZero();
        assertThat(r.getCanonicalVersion()).isEqualTo(AuditChain.CANONICAL_VERSION);
        assertThat(r.getVerdicts()).extracting(VerdictSummary::getControlId).containsExactly(TestEngine.REVIEW);
        assertThat(r.getCatalogVersion()).isEqualTo(TestEngine.VERSION);
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

    private static final String SHA_A = "a".repeat(40);
    private static final String SHA_B = "b".repeat(40);

    private static String violationId(String scope, String control, String sha) {
        return Inputs.TENANT + "/" + scope + "/" + control + "/commit:" + sha;
    }

    @Test
    void shouldSendEachVerdictToTheVerdictTopicAndCarryItsSummaryInTheInputsAuditRecord() {
        start();
        send(Inputs.merged(SHOP, "e1"));

        TestRecord<String, ControlVerdict> verdict = verdicts.readRecord();
        assertThat(verdict.key()).isEqualTo(key(SHOP));
        assertThat(verdict.value().getId()).isEqualTo("e1:" + TestEngine.REVIEW);
        assertThat(verdict.value().getVerdict()).isEqualTo(VerdictResult.PASS);
        assertThat(verdict.value().getInputId()).isEqualTo("e1");
        assertThat(verdict.value().getEvaluatedAt()).isEqualTo(START);
        assertThat(verdicts.isEmpty()).isTrue();
        assertThat(violations.isEmpty()).isTrue();
        AuditRecord r = trail.readValue();
        assertThat(r.getVerdicts())
                .containsExactly(VerdictSummary.newBuilder()
                        .setControlId(TestEngine.REVIEW)
                        .setVerdict(VerdictResult.PASS)
                        .setSeverity(Severity.HIGH)
                        .setRequirements(List.of("SOC2:CC8.1"))
                        .setReason("approved by bob, not the author")
                        .build());
        assertThat(r.getCatalogVersion()).isEqualTo(TestEngine.VERSION);
        assertThat(AuditChain.document(r).verdicts()).singleElement().satisfies(v -> assertThat(v.controlId())
                .isEqualTo(TestEngine.REVIEW));
        assertThat(r.getHash()).isEqualTo(AuditChain.computeHash(r));
    }

    @Test
    void shouldOpenViolationOnUnreviewedMergeAndResolveItWhenTheCommitIsApproved() {
        start();
        send(Inputs.mergedCommit(SHOP, "e1", SHA_A, false));
        send(Inputs.mergedCommit(SHOP, "e2", SHA_A, true));

        String id = violationId(SHOP, TestEngine.REVIEW, SHA_A);
        assertThat(violations.readRecordsToList())
                .satisfiesExactly(
                        opened -> {
                            assertThat(opened.key()).isEqualTo(key(SHOP));
                            assertThat(opened.value().getId()).isEqualTo(id);
                            assertThat(opened.value().getState()).isEqualTo(ViolationState.OPENED);
                            assertThat(opened.value().getSubjectKey()).isEqualTo("commit:" + SHA_A);
                            assertThat(opened.value().getVerdictId()).isEqualTo("e1:" + TestEngine.REVIEW);
                            assertThat(opened.value().getSequence()).isEqualTo(1);
                        },
                        resolved -> {
                            assertThat(resolved.value().getId()).isEqualTo(id);
                            assertThat(resolved.value().getState()).isEqualTo(ViolationState.RESOLVED);
                            assertThat(resolved.value().getSequence()).isEqualTo(2);
                        });
        assertThat(verdicts.readValuesToList())
                .extracting(ControlVerdict::getInputId, ControlVerdict::getVerdict)
                .containsExactly(tuple("e1", VerdictResult.FAIL), tuple("e2", VerdictResult.PASS));
        List<AuditRecord> chain = trail.readValuesToList();
        assertThat(chain)
                .extracting(AuditRecord::getKind, AuditRecord::getRecordId, AuditRecord::getEventType)
                .containsExactly(
                        tuple(AuditRecordKind.INPUT, "e1", "pipeline.CHANGE_MERGED"),
                        tuple(AuditRecordKind.VIOLATION_CHANGE, id + "#1", "violation.OPENED"),
                        tuple(AuditRecordKind.INPUT, "e2", "pipeline.CHANGE_MERGED"),
                        tuple(AuditRecordKind.VIOLATION_CHANGE, id + "#2", "violation.RESOLVED"));
        assertGaplessChain(chain);
        AuditRecord opened = chain.get(1);
        // The change points at the input that caused it, and carries no verdicts of its own.
        assertThat(opened.getInputTopic()).isEqualTo(topics.pipelineEvents().name());
        assertThat(opened.getInputOffset()).isEqualTo(chain.get(0).getInputOffset());
        assertThat(opened.getVerdicts()).isEmpty();
        assertThat(opened.getCatalogVersion()).isEqualTo(TestEngine.VERSION);
        assertThat(opened.getSubject().getCommitSha()).isEqualTo(SHA_A);
        assertThat(opened.getAttributes())
                .containsEntry("violation.control-id", TestEngine.REVIEW)
                .containsEntry("violation.subject-key", "commit:" + SHA_A)
                .containsEntry("violation.state", "OPENED");
        assertThat(opened.getSummary())
                .isEqualTo("Violation opened: T-REVIEW on github.com/acme/shop commit:" + SHA_A
                        + " (high): no independent approval");
    }

    @Test
    void shouldGiveARedeliveredInputNoSecondVerdictNorAuditRecord() {
        start();
        send(Inputs.merged(SHOP, "e1"));
        events.pipeInput(key(SHOP), Inputs.merged(SHOP, "e1"), INGESTED.plus(Duration.ofHours(1)));
        send(Inputs.merged(SHOP, "e2"));

        assertThat(verdicts.readValuesToList())
                .extracting(ControlVerdict::getInputId)
                .containsExactly("e1", "e2");
        assertThat(trail.readValuesToList())
                .extracting(AuditRecord::getRecordId, AuditRecord::getSeq)
                .containsExactly(tuple("e1", 1L), tuple("e2", 2L));
    }

    @Test
    void shouldForgetSeenInputsAfterTheDedupRetentionSoTheGuardStaysBounded() {
        start(ComplianceTopology.build(
                topics,
                clock,
                engine,
                new ComplianceTopology.Settings(
                        Duration.ofDays(1), SETTINGS.punctuationInterval(), SETTINGS.maxRecordBytes())));
        Instant later = INGESTED.plus(Duration.ofDays(3));
        events.pipeInput(key(SHOP), Inputs.merged(SHOP, "e1"), INGESTED);
        events.pipeInput(key(BILLING), Inputs.merged(BILLING, "b1"), later);
        events.pipeInput(key(SHOP), Inputs.merged(SHOP, "e1"), later);

        assertThat(trail.readValuesToList())
                .extracting(AuditRecord::getRecordId, AuditRecord::getRecordedAt)
                .containsExactly(tuple("e1", INGESTED), tuple("b1", later), tuple("e1", later));
        WindowStore<String, Long> seen = driver.getWindowStore(ComplianceTopology.SEEN_INPUTS_STORE);
        try (var marks = seen.fetch(key(SHOP) + "\u0000e1", Instant.EPOCH, later.plus(Duration.ofDays(1)))) {
            // The first mark went with its expired segment; only the re-evaluation's is left.
            assertThat(marks).toIterable().extracting(kv -> kv.key).containsExactly(later.toEpochMilli());
        }
    }

    @Test
    void shouldFailTimeBasedControlOnWallClockPunctuationOnceTheDeadlinePassed() {
        start();
        send(Inputs.mergedCommit(SHOP, "e1", SHA_A, true));
        KeyValueStore<String, Long> wakeUps = driver.getKeyValueStore(ComplianceTopology.SUBJECT_WAKEUPS_STORE);
        assertThat(wakeUps.get(key(SHOP)))
                .isEqualTo(START.plus(TestEngine.SAST_DEADLINE).toEpochMilli());
        verdicts.readValuesToList();

        clock.set(START.plus(Duration.ofMinutes(9)));
        driver.advanceWallClockTime(SETTINGS.punctuationInterval());
        assertThat(verdicts.isEmpty()).isTrue();

        Instant late = START.plus(Duration.ofMinutes(11));
        clock.set(late);
        driver.advanceWallClockTime(SETTINGS.punctuationInterval());

        assertThat(verdicts.readValuesToList()).singleElement().satisfies(v -> {
            assertThat(v.getControlId()).isEqualTo(TestEngine.SAST_SLA);
            assertThat(v.getVerdict()).isEqualTo(VerdictResult.FAIL);
            assertThat(v.getEvaluatedAt()).isEqualTo(late);
        });
        assertThat(violations.readValuesToList()).singleElement().satisfies(v -> {
            assertThat(v.getId()).isEqualTo(violationId(SHOP, TestEngine.SAST_SLA, SHA_A));
            assertThat(v.getState()).isEqualTo(ViolationState.OPENED);
        });
        List<AuditRecord> chain = trail.readValuesToList();
        assertThat(chain)
                .extracting(AuditRecord::getKind)
                .containsExactly(AuditRecordKind.INPUT, AuditRecordKind.EVALUATION, AuditRecordKind.VIOLATION_CHANGE);
        assertGaplessChain(chain);
        AuditRecord timer = chain.get(1);
        assertThat(timer.getRecordId()).isEqualTo("timer:" + key(SHOP) + "@" + late.toEpochMilli());
        assertThat(timer.getEventType()).isEqualTo("evaluation.TIMER");
        assertThat(timer.getRecordedAt()).isEqualTo(late);
        assertThat(timer.getInputTopic()).isEmpty();
        assertThat(timer.getInputPartition()).isEqualTo(-1);
        assertThat(timer.getVerdicts())
                .extracting(VerdictSummary::getControlId, VerdictSummary::getVerdict)
                .containsExactly(tuple(TestEngine.SAST_SLA, VerdictResult.FAIL));
        assertThat(timer.getSummary())
                .isEqualTo("Time-based evaluation: github.com/acme/shop, 1 verdict (1 failed), 1 violation change");
        assertThat(wakeUps.get(key(SHOP))).isNull();

        // Nothing is pending any more: a later punctuation adds nothing.
        clock.set(late.plus(Duration.ofHours(1)));
        driver.advanceWallClockTime(SETTINGS.punctuationInterval());
        assertThat(verdicts.isEmpty()).isTrue();
        assertThat(trail.isEmpty()).isTrue();
    }

    @Test
    void shouldFireDueTimersWhenStreamTimeAdvancesWithoutWallClockPunctuation() {
        start();
        events.pipeInput(key(SHOP), Inputs.mergedCommit(SHOP, "e1", SHA_A, true), INGESTED);
        clock.set(START.plus(Duration.ofMinutes(11)));
        // Only another subject's inputs move stream time past the punctuation interval.
        events.pipeInput(key(BILLING), Inputs.merged(BILLING, "b1"), INGESTED.plus(Duration.ofSeconds(31)));
        events.pipeInput(key(BILLING), Inputs.merged(BILLING, "b2"), INGESTED.plus(Duration.ofSeconds(62)));

        assertThat(verdicts.readValuesToList())
                .filteredOn(v -> v.getScope().equals(SHOP))
                .extracting(ControlVerdict::getControlId, ControlVerdict::getVerdict)
                .containsExactly(
                        tuple(TestEngine.REVIEW, VerdictResult.PASS), tuple(TestEngine.SAST_SLA, VerdictResult.FAIL));
        assertThat(violations.readValuesToList())
                .extracting(Violation::getScope, Violation::getState)
                .containsExactly(tuple(SHOP, ViolationState.OPENED));
    }

    @Test
    void shouldFireASubjectsDueTimerBeforeItsNextInputIsEvaluated() {
        start();
        send(Inputs.mergedCommit(SHOP, "e1", SHA_A, true));
        clock.set(START.plus(Duration.ofMinutes(12)));
        // No punctuation in between: the scan itself finds the passed deadline first.
        scans.pipeInput(key(SHOP), Inputs.sastOf(SHOP, "s1", SHA_A), INGESTED);

        assertThat(verdicts.readValuesToList())
                .extracting(ControlVerdict::getControlId, ControlVerdict::getVerdict)
                .containsExactly(
                        tuple(TestEngine.REVIEW, VerdictResult.PASS),
                        tuple(TestEngine.SAST_SLA, VerdictResult.FAIL),
                        tuple(TestEngine.SAST_SLA, VerdictResult.PASS));
        assertThat(violations.readValuesToList())
                .extracting(Violation::getState)
                .containsExactly(ViolationState.OPENED, ViolationState.RESOLVED);
        List<AuditRecord> chain = trail.readValuesToList();
        assertThat(chain)
                .extracting(AuditRecord::getKind, AuditRecord::getEventType)
                .containsExactly(
                        tuple(AuditRecordKind.INPUT, "pipeline.CHANGE_MERGED"),
                        tuple(AuditRecordKind.EVALUATION, "evaluation.TIMER"),
                        tuple(AuditRecordKind.VIOLATION_CHANGE, "violation.OPENED"),
                        tuple(AuditRecordKind.INPUT, "scan.SAST"),
                        tuple(AuditRecordKind.VIOLATION_CHANGE, "violation.RESOLVED"));
        assertGaplessChain(chain);
    }

    @Test
    void shouldKeepAFailingTimerPendingWithoutWritingItsStateNorCostingTheNextInput() {
        start();
        send(Inputs.mergedCommit(SHOP, "e1", SHA_A, true));
        engine.failTimers(true);
        clock.set(START.plus(Duration.ofMinutes(11)));
        driver.advanceWallClockTime(SETTINGS.punctuationInterval());

        KeyValueStore<String, Long> wakeUps = driver.getKeyValueStore(ComplianceTopology.SUBJECT_WAKEUPS_STORE);
        assertThat(wakeUps.get(key(SHOP)))
                .isEqualTo(START.plus(TestEngine.SAST_DEADLINE).toEpochMilli());
        assertThat(facetKeys()).containsExactly(facetKey(SHOP, SHA_A));

        // The subject's next input finds the timer due, the timer fails again, the input is still evaluated.
        send(Inputs.mergedCommit(SHOP, "e2", SHA_A, true));
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(verdicts.readValuesToList())
                .extracting(ControlVerdict::getInputId)
                .containsExactly("e1", "e2");

        engine.failTimers(false);
        driver.advanceWallClockTime(SETTINGS.punctuationInterval());
        assertThat(violations.readValuesToList())
                .extracting(Violation::getControlId, Violation::getState)
                .containsExactly(tuple(TestEngine.SAST_SLA, ViolationState.OPENED));
        assertThat(wakeUps.get(key(SHOP))).isNull();
    }

    @Test
    void shouldKeepOnlyTheMostRecentlyWrittenEntriesOfAFacetPerSubject() {
        start();
        for (int i = 1; i <= TestEngine.MAX_COMMITS + 1; i++) {
            clock.advance(Duration.ofSeconds(1));
            send(Inputs.mergedCommit(SHOP, "e" + i, String.valueOf(i).repeat(40), true));
        }
        send(Inputs.mergedCommit(BILLING, "b1", "1".repeat(40), true));

        assertThat(facetKeys())
                .containsExactlyInAnyOrder(
                        facetKey(SHOP, "2".repeat(40)),
                        facetKey(SHOP, "3".repeat(40)),
                        facetKey(SHOP, "4".repeat(40)),
                        facetKey(BILLING, "1".repeat(40)));
    }

    @Test
    void shouldSweepFacetEntriesOlderThanTheFacetRetention() {
        start();
        scans.pipeInput(key(SHOP), Inputs.sastOf(SHOP, "s1", SHA_A), INGESTED);
        assertThat(facetKeys()).containsExactly(facetKey(SHOP, SHA_A));

        clock.set(START.plus(TestEngine.RETENTION).minusSeconds(1));
        driver.advanceWallClockTime(SETTINGS.punctuationInterval());
        assertThat(facetKeys()).containsExactly(facetKey(SHOP, SHA_A));

        clock.set(START.plus(TestEngine.RETENTION));
        driver.advanceWallClockTime(SETTINGS.punctuationInterval());
        assertThat(facetKeys()).isEmpty();
    }

    @Test
    void shouldReadAnEntryOlderThanTheFacetRetentionAsAbsentBeforeAnySweep() {
        start();
        scans.pipeInput(key(SHOP), Inputs.sastOf(SHOP, "s1", SHA_A), INGESTED);
        Instant later = START.plus(TestEngine.RETENTION).plusSeconds(1);
        clock.set(later);
        // No punctuation: only the read path can tell the scan's entry has expired.
        send(Inputs.mergedCommit(SHOP, "e1", SHA_A, true));

        // Had the expired "scanned" entry been read, the merge would need no scan and set no timer.
        KeyValueStore<String, Long> wakeUps = driver.getKeyValueStore(ComplianceTopology.SUBJECT_WAKEUPS_STORE);
        assertThat(wakeUps.get(key(SHOP)))
                .isEqualTo(later.plus(TestEngine.SAST_DEADLINE).toEpochMilli());
    }

    @Test
    void shouldDeadLetterAnInputTheEngineFailsOnAndLeaveTheSubjectsStateAsItWas() {
        start();
        send(Inputs.mergedCommit(SHOP, "e1", SHA_A, true));
        PipelineEvent poison = Inputs.mergedCommit(SHOP, TestEngine.POISON + "-1", SHA_B, true);
        send(poison);
        send(Inputs.mergedCommit(SHOP, "e2", SHA_A, true));

        assertThat(deadLetters.readRecordsToList()).singleElement().satisfies(d -> {
            assertThat(d.value())
                    .isEqualTo(topics.pipelineEvents().valueSerde().serializer().serialize(null, poison));
            assertThat(DeadLetterQueue.header(d.headers(), DeadLetterQueue.HEADER_PROCESSOR))
                    .isEqualTo(ComplianceTopology.EVALUATE_CONTROLS);
            assertThat(DeadLetterQueue.header(d.headers(), DeadLetterQueue.HEADER_OFFSET))
                    .isEqualTo("1");
            assertThat(DeadLetterQueue.header(d.headers(), DeadLetterQueue.HEADER_MESSAGE))
                    .contains("poison-1");
        });
        // The engine wrote SHA_B before it threw; the buffered write never reached the store.
        assertThat(facetKeys()).containsExactly(facetKey(SHOP, SHA_A));
        assertThat(verdicts.readValuesToList())
                .extracting(ControlVerdict::getInputId)
                .containsExactly("e1", "e2");
        assertThat(trail.readValuesToList())
                .extracting(AuditRecord::getRecordId, AuditRecord::getSeq)
                .containsExactly(tuple("e1", 1L), tuple("e2", 2L));
    }

    private static String facetKey(String scope, String id) {
        return key(scope) + StoreSubjectState.SEPARATOR + id;
    }

    private List<String> facetKeys() {
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(TestEngine.COMMITS.storeName());
        List<String> keys = new java.util.ArrayList<>();
        try (var all = store.all()) {
            all.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
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
                    .isEqualTo(ComplianceTopology.EVALUATE_CONTROLS);
            assertThat(DeadLetterQueue.header(d.headers(), DeadLetterQueue.HEADER_MESSAGE))
                    .contains("e-wrong-key");
        });
        assertThat(trail.readValuesToList()).extracting(AuditRecord::getSeq).containsExactly(1L, 2L);
        KeyValueStore<String, ChainHead> heads = driver.getKeyValueStore(AuditChainProcessorSupplier.STORE_NAME);
        assertThat(heads.get(key(BILLING))).isNull();
        assertThat(verdicts.readValuesToList())
                .extracting(ControlVerdict::getInputId)
                .containsExactly("e1", "e2");
    }

    @Test
    void shouldDeadLetterInputWhoseLinkWouldBeTooLargeBeforeMovingTheHead() {
        start(ComplianceTopology.build(topics, clock, engine, SETTINGS.withMaxRecordBytes(4_096)));
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
        // Refused before anything was forwarded: the oversized input produced no verdict either.
        assertThat(verdicts.readValuesToList())
                .extracting(ControlVerdict::getInputId)
                .containsExactly("e1", "e2");
    }

    @Test
    void shouldNameEveryProcessorAndStoreExplicitly() {
        Topology topology = ComplianceTopology.build(topics, clock, engine);
        TopologyDescription description = topology.describe();

        List<String> nodes = description.subtopologies().stream()
                .flatMap(s -> s.nodes().stream())
                .map(TopologyDescription.Node::name)
                .sorted()
                .toList();
        assertThat(nodes)
                .containsExactly(
                        "chain_audit_record",
                        "evaluate_controls",
                        "sink_audit_checkpoints",
                        "sink_audit_trail",
                        "sink_control_verdicts",
                        "sink_evidence_keys",
                        "sink_person_keys",
                        "sink_violations",
                        "source_pipeline_events",
                        "source_scan_results");
        assertThat(description.subtopologies()).singleElement();
        assertThat(description.subtopologies().iterator().next().nodes().stream()
                        .filter(n -> n instanceof TopologyDescription.Processor)
                        .flatMap(n -> ((TopologyDescription.Processor) n).stores().stream())
                        .distinct())
                .containsExactlyInAnyOrder(
                        "audit-chain-heads",
                        "audit-checkpointed-seqs",
                        "person-evidence",
                        "person-keys",
                        "seen-inputs",
                        "subject-wakeups",
                        "subject-commits");
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
