package dev.vigil.streams;

import dev.vigil.controls.ControlEngine;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.privacy.Pseudonyms;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * The streams app's topology, built without side effects so that {@link StreamsApp} and the tests
 * run the same graph:
 *
 * <pre>
 *   source_pipeline_events ─┐                      ┌─ sink_control_verdicts
 *                           ├─ evaluate_controls ──┼─ sink_violations
 *   source_scan_results ────┘   (seen-inputs,      └─ chain_audit_record ─┬─ sink_audit_trail
 *                                subject-wakeups,      (audit-chain-heads, └─ sink_audit_checkpoints
 *                                subject-&lt;facet&gt;…)     audit-checkpointed-seqs)
 * </pre>
 *
 * Both inputs are keyed {@code tenant/scope} and have the same partition count ({@link Topics}),
 * so one task sees every input of a subject and owns that subject's state, timers and chain head.
 */
public final class ComplianceTopology {

    public static final String SOURCE_PIPELINE_EVENTS = "source_pipeline_events";
    public static final String SOURCE_SCAN_RESULTS = "source_scan_results";
    public static final String EVALUATE_CONTROLS = "evaluate_controls";
    public static final String CHAIN_AUDIT_RECORD = "chain_audit_record";
    public static final String SINK_AUDIT_TRAIL = "sink_audit_trail";
    public static final String SINK_AUDIT_CHECKPOINTS = "sink_audit_checkpoints";
    public static final String SINK_CONTROL_VERDICTS = "sink_control_verdicts";
    public static final String SINK_VIOLATIONS = "sink_violations";
    public static final String SINK_PERSON_KEYS = "sink_person_keys";
    public static final String PERSON_KEYS_STORE = PersonalDataProtection.STORE_NAME;
    public static final String SINK_EVIDENCE_KEYS = "sink_evidence_keys";
    public static final String PERSON_EVIDENCE_STORE = PersonalDataProtection.EVIDENCE_STORE_NAME;

    public static final String SEEN_INPUTS_STORE = EvaluateControlsProcessorSupplier.SEEN_INPUTS;
    public static final String SUBJECT_WAKEUPS_STORE = EvaluateControlsProcessorSupplier.SUBJECT_WAKEUPS;

    /**
     * Tunables of the evaluation: how long an input id is remembered against duplicates, how often
     * timers are checked (wall-clock and stream time), the largest audit record accepted, and the
     * heap budget of decoded subject state kept across inputs ({@link FactCache}; 0 disables it).
     */
    public record Settings(
            Duration dedupRetention, Duration punctuationInterval, int maxRecordBytes, long factCacheBytes) {

        public static final Duration DEFAULT_DEDUP_RETENTION = Duration.ofDays(7);
        public static final Duration DEFAULT_PUNCTUATION_INTERVAL = Duration.ofSeconds(30);
        public static final long DEFAULT_FACT_CACHE_BYTES = 32L * 1024 * 1024;
        public static final Settings DEFAULT = new Settings(
                DEFAULT_DEDUP_RETENTION,
                DEFAULT_PUNCTUATION_INTERVAL,
                AuditChainProcessorSupplier.DEFAULT_MAX_RECORD_BYTES,
                DEFAULT_FACT_CACHE_BYTES);

        public Settings {
            Objects.requireNonNull(dedupRetention, "dedupRetention");
            Objects.requireNonNull(punctuationInterval, "punctuationInterval");
            if (dedupRetention.toMillis() < 1 || punctuationInterval.toMillis() < 1 || maxRecordBytes < 1) {
                throw new IllegalArgumentException("settings must be positive: " + dedupRetention + ", "
                        + punctuationInterval + ", " + maxRecordBytes);
            }
            if (factCacheBytes < 0) {
                throw new IllegalArgumentException("factCacheBytes must be >= 0: " + factCacheBytes);
            }
        }

        /** With the default fact cache. */
        public Settings(Duration dedupRetention, Duration punctuationInterval, int maxRecordBytes) {
            this(dedupRetention, punctuationInterval, maxRecordBytes, DEFAULT_FACT_CACHE_BYTES);
        }

        public Settings withMaxRecordBytes(int bytes) {
            return new Settings(dedupRetention, punctuationInterval, bytes, factCacheBytes);
        }

        public Settings withFactCacheBytes(long bytes) {
            return new Settings(dedupRetention, punctuationInterval, maxRecordBytes, bytes);
        }
    }

    private ComplianceTopology() {}

    public static Topology build(Topics topics, Clock clock, ControlEngine engine) {
        return build(topics, clock, engine, Settings.DEFAULT);
    }

    /** With a throwaway signing key ({@link Checkpointing#ephemeral()}): for tests that ignore checkpoints. */
    public static Topology build(Topics topics, Clock clock, ControlEngine engine, Settings settings) {
        return build(topics, clock, engine, settings, Checkpointing.ephemeral());
    }

    /** With a throwaway pseudonym key ({@link Pseudonyms#ephemeral()}): for tests that never name a person. */
    public static Topology build(
            Topics topics, Clock clock, ControlEngine engine, Settings settings, Checkpointing checkpointing) {
        return build(topics, clock, engine, settings, checkpointing, Pseudonyms.ephemeral());
    }

    public static Topology build(
            Topics topics,
            Clock clock,
            ControlEngine engine,
            Settings settings,
            Checkpointing checkpointing,
            Pseudonyms pseudonyms) {
        Topic<String, PipelineEvent> events = topics.pipelineEvents();
        Topic<String, ScanResult> scans = topics.scanResults();
        Topic<String, ControlVerdict> verdicts = topics.controlVerdicts();
        Topic<String, Violation> violations = topics.violations();
        Topology topology = new Topology();
        topology.addSource(
                SOURCE_PIPELINE_EVENTS,
                events.keySerde().deserializer(),
                events.valueSerde().deserializer(),
                events.name());
        topology.addSource(
                SOURCE_SCAN_RESULTS,
                scans.keySerde().deserializer(),
                scans.valueSerde().deserializer(),
                scans.name());
        // The supplier's stores() connects seen-inputs, subject-wakeups and one store per facet.
        topology.addProcessor(
                EVALUATE_CONTROLS,
                new EvaluateControlsProcessorSupplier(
                        engine,
                        clock,
                        settings,
                        topics.auditTrail().valueSerde().serializer(),
                        pseudonyms),
                SOURCE_PIPELINE_EVENTS,
                SOURCE_SCAN_RESULTS);
        // The supplier's stores() connects audit-chain-heads and audit-checkpointed-seqs (and their changelogs).
        topology.addProcessor(
                CHAIN_AUDIT_RECORD,
                new AuditChainProcessorSupplier(
                        topics.auditTrail(),
                        topics.auditCheckpoints(),
                        settings.maxRecordBytes(),
                        clock,
                        checkpointing),
                EVALUATE_CONTROLS);
        topology.addSink(
                SINK_AUDIT_TRAIL,
                topics.auditTrail().name(),
                topics.auditTrail().keySerde().serializer(),
                // The chain processor forwards the link already encoded with the trail's serde.
                new ByteArraySerializer(),
                CHAIN_AUDIT_RECORD);
        topology.addSink(
                SINK_AUDIT_CHECKPOINTS,
                topics.auditCheckpoints().name(),
                topics.auditCheckpoints().keySerde().serializer(),
                // Signed and encoded by the chain processor, which owns the heads they cover.
                new ByteArraySerializer(),
                CHAIN_AUDIT_RECORD);
        topology.addSink(
                SINK_CONTROL_VERDICTS,
                verdicts.name(),
                verdicts.keySerde().serializer(),
                verdicts.valueSerde().serializer(),
                EVALUATE_CONTROLS);
        topology.addSink(
                SINK_PERSON_KEYS,
                topics.personKeys().name(),
                topics.personKeys().keySerde().serializer(),
                // Raw 32-byte keys; null is the tombstone of an erased person.
                new ByteArraySerializer(),
                EVALUATE_CONTROLS);
        topology.addSink(
                SINK_EVIDENCE_KEYS,
                topics.evidenceKeys().name(),
                topics.evidenceKeys().keySerde().serializer(),
                // Only tombstones: ingest writes the keys, an erasure destroys those of the person's payloads.
                new ByteArraySerializer(),
                EVALUATE_CONTROLS);
        topology.addSink(
                SINK_VIOLATIONS,
                violations.name(),
                violations.keySerde().serializer(),
                violations.valueSerde().serializer(),
                EVALUATE_CONTROLS);
        return topology;
    }
}
