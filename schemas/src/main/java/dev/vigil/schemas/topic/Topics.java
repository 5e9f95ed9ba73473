package dev.vigil.schemas.topic;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.RejectedInput;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.serde.AvroSerde;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed topic registry: every topic Vigil reads or writes, built once with the configured
 * prefix (tests derive a unique prefix per test). Immutable.
 *
 * <p>All keyed inputs share one partition count so that the streams app's tasks see every record
 * of a subject ({@code tenant/scope}) in one partition of each topic (co-partitioning).
 */
public final class Topics {

    /** Partitions of every keyed topic: the unit of parallelism of the streams app. */
    public static final int DEFAULT_PARTITIONS = 6;

    private static final Map<String, String> KEEP_FOREVER = Map.of("retention.ms", "-1", "retention.bytes", "-1");
    private static final Map<String, String> KEEP_90_DAYS =
            Map.of("retention.ms", String.valueOf(90L * 24 * 3600 * 1000));

    /**
     * Rejected input holds the client's whole body (ingest accepts up to 10 MiB by default), so
     * this topic takes records above the broker's 1 MiB default: a rejected report is kept, not lost.
     */
    private static final Map<String, String> REJECTED = Map.of(
            "retention.ms", String.valueOf(90L * 24 * 3600 * 1000), "max.message.bytes", String.valueOf(12 << 20));

    /**
     * Raw payloads, each kept once under {@code tenant/sha256/index}: compaction drops the copies a
     * retried or duplicate delivery writes, never a distinct chunk, and nothing expires. Chunks are at
     * most {@link #EVIDENCE_CHUNK_BYTES}, so the broker's 1 MiB default suffices; the limit here
     * leaves room for the record's envelope.
     */
    private static final Map<String, String> EVIDENCE = Map.of(
            "cleanup.policy",
            "compact",
            "retention.ms",
            "-1",
            "retention.bytes",
            "-1",
            "max.message.bytes",
            String.valueOf(2 << 20));

    /**
     * Webhook subscriptions of audit-api, JSON values keyed {@code tenant/id}: compaction keeps the
     * latest of each, a tombstone deletes one, so every audit-api instance rebuilds the same set.
     */
    private static final Map<String, String> SUBSCRIPTIONS =
            Map.of("cleanup.policy", "compact", "retention.ms", "-1", "retention.bytes", "-1");

    /**
     * Per-person encryption keys of personal data in the trail (docs/erasure.md): compacted, and
     * compacted soon, because erasing a person is a tombstone here and the destroyed key must
     * physically disappear: segments roll at least hourly ({@code segment.ms}), a dirty segment is
     * compacted within the hour ({@code max.compaction.lag.ms}) whatever the dirty ratio, and the
     * tombstone (which holds no key) stays a day so a reader that was briefly away still sees it.
     */
    private static final Map<String, String> PERSON_KEYS = Map.of(
            "cleanup.policy",
            "compact",
            "retention.ms",
            "-1",
            "min.cleanable.dirty.ratio",
            "0.01",
            "segment.ms",
            String.valueOf(3600L * 1000),
            "max.compaction.lag.ms",
            String.valueOf(3600L * 1000),
            "delete.retention.ms",
            String.valueOf(24L * 3600 * 1000));

    /** Largest piece of a payload in one vigil.evidence record. */
    public static final int EVIDENCE_CHUNK_BYTES = 512 * 1024;

    private final String prefix;
    private final Topic<String, PipelineEvent> pipelineEvents;
    private final Topic<String, ScanResult> scanResults;
    private final Topic<String, RejectedInput> ingestRejected;
    private final Topic<String, EvidenceChunk> evidence;
    private final Topic<String, ControlVerdict> controlVerdicts;
    private final Topic<String, Violation> violations;
    private final Topic<String, AuditRecord> auditTrail;
    private final Topic<String, Checkpoint> auditCheckpoints;
    private final Topic<byte[], byte[]> streamsDeadLetters;
    private final Topic<String, byte[]> subscriptions;
    private final Topic<String, byte[]> personKeys;
    private final Topic<String, byte[]> evidenceKeys;

    private Topics(String prefix, int partitions) {
        this.prefix = prefix;
        var key = Serdes.String();
        // Inputs are kept forever too: the trail is rebuilt from them if the streams state is lost.
        this.pipelineEvents = new Topic<>(
                prefix + "vigil.pipeline-events", key, AvroSerde.of(PipelineEvent.class), partitions, KEEP_FOREVER);
        this.scanResults = new Topic<>(
                prefix + "vigil.scan-results", key, AvroSerde.of(ScanResult.class), partitions, KEEP_FOREVER);
        this.ingestRejected =
                new Topic<>(prefix + "vigil.ingest-rejected", key, AvroSerde.of(RejectedInput.class), 1, REJECTED);
        this.evidence =
                new Topic<>(prefix + "vigil.evidence", key, AvroSerde.of(EvidenceChunk.class), partitions, EVIDENCE);
        this.controlVerdicts = new Topic<>(
                prefix + "vigil.control-verdicts", key, AvroSerde.of(ControlVerdict.class), partitions, KEEP_90_DAYS);
        this.violations =
                new Topic<>(prefix + "vigil.violations", key, AvroSerde.of(Violation.class), partitions, KEEP_FOREVER);
        this.auditTrail = new Topic<>(
                prefix + "vigil.audit-trail", key, AvroSerde.of(AuditRecord.class), partitions, KEEP_FOREVER);
        this.auditCheckpoints = new Topic<>(
                prefix + "vigil.audit-checkpoints", key, AvroSerde.of(Checkpoint.class), partitions, KEEP_FOREVER);
        // Raw bytes of inputs the streams app could not read or process, kept like the inputs.
        this.streamsDeadLetters =
                new Topic<>(prefix + "vigil.streams-dlq", Serdes.ByteArray(), Serdes.ByteArray(), 1, KEEP_FOREVER);
        this.subscriptions = new Topic<>(prefix + "vigil.subscriptions", key, Serdes.ByteArray(), 1, SUBSCRIPTIONS);
        // Keyed tenant/personRef/partition: each streams task writes only its own keys. One partition: few
        // records, read whole by every reader.
        this.personKeys = new Topic<>(prefix + "vigil.person-keys", key, Serdes.ByteArray(), 1, PERSON_KEYS);
        // Keyed tenant/sha256, value the payload's raw data key: erasing the payload is a tombstone, so
        // compaction is tuned like the person keys'. One partition: the evidence indexer reads it whole.
        this.evidenceKeys = new Topic<>(prefix + "vigil.evidence-keys", key, Serdes.ByteArray(), 1, PERSON_KEYS);
    }

    public static Topics withPrefix(String prefix) {
        return new Topics(prefix == null ? "" : prefix, DEFAULT_PARTITIONS);
    }

    public static Topics withPrefix(String prefix, int partitions) {
        return new Topics(prefix == null ? "" : prefix, partitions);
    }

    public String prefix() {
        return prefix;
    }

    public Topic<String, PipelineEvent> pipelineEvents() {
        return pipelineEvents;
    }

    public Topic<String, ScanResult> scanResults() {
        return scanResults;
    }

    public Topic<String, RejectedInput> ingestRejected() {
        return ingestRejected;
    }

    /** Raw input payloads by tenant and SHA-256, chunked (see {@link #EVIDENCE_CHUNK_BYTES}). */
    public Topic<String, EvidenceChunk> evidence() {
        return evidence;
    }

    public Topic<String, ControlVerdict> controlVerdicts() {
        return controlVerdicts;
    }

    public Topic<String, Violation> violations() {
        return violations;
    }

    public Topic<String, AuditRecord> auditTrail() {
        return auditTrail;
    }

    public Topic<String, Checkpoint> auditCheckpoints() {
        return auditCheckpoints;
    }

    public Topic<byte[], byte[]> streamsDeadLetters() {
        return streamsDeadLetters;
    }

    /** audit-api's webhook subscriptions (JSON, secrets encrypted), compacted. */
    public Topic<String, byte[]> subscriptions() {
        return subscriptions;
    }

    /** Per-person keys of the trail's encrypted personal data; a tombstone is an erasure. */
    public Topic<String, byte[]> personKeys() {
        return personKeys;
    }

    /** Data keys of encrypted evidence payloads ({@code tenant/sha256}); a tombstone erases the payload. */
    public Topic<String, byte[]> evidenceKeys() {
        return evidenceKeys;
    }

    public List<Topic<?, ?>> all() {
        return List.of(
                pipelineEvents,
                scanResults,
                ingestRejected,
                evidence,
                controlVerdicts,
                violations,
                auditTrail,
                auditCheckpoints,
                streamsDeadLetters,
                subscriptions,
                personKeys,
                evidenceKeys);
    }
}
