package dev.vigil.streams;

import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.time.Clock;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * The streams app's topology, built without side effects so that {@link StreamsApp} and the tests
 * run the same graph:
 *
 * <pre>
 *   source_pipeline_events ─ pipeline_event_to_audit_record ─┐
 *                                                            ├─ chain_audit_record ─ sink_audit_trail
 *   source_scan_results ──── scan_result_to_audit_record ────┘      (audit-chain-heads)
 * </pre>
 *
 * Both inputs are keyed {@code tenant/scope} and have the same partition count ({@link Topics}),
 * so one task sees every input of a subject and owns that subject's chain head.
 */
public final class ComplianceTopology {

    public static final String SOURCE_PIPELINE_EVENTS = "source_pipeline_events";
    public static final String SOURCE_SCAN_RESULTS = "source_scan_results";
    public static final String PIPELINE_EVENT_TO_AUDIT_RECORD = "pipeline_event_to_audit_record";
    public static final String SCAN_RESULT_TO_AUDIT_RECORD = "scan_result_to_audit_record";
    public static final String CHAIN_AUDIT_RECORD = "chain_audit_record";
    public static final String SINK_AUDIT_TRAIL = "sink_audit_trail";

    private ComplianceTopology() {}

    public static Topology build(Topics topics, Clock clock, ControlEvaluator evaluator) {
        return build(topics, clock, evaluator, AuditChainProcessorSupplier.DEFAULT_MAX_RECORD_BYTES);
    }

    public static Topology build(Topics topics, Clock clock, ControlEvaluator evaluator, int maxRecordBytes) {
        Topic<String, PipelineEvent> events = topics.pipelineEvents();
        Topic<String, ScanResult> scans = topics.scanResults();
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
        topology.addProcessor(
                PIPELINE_EVENT_TO_AUDIT_RECORD,
                () -> new ToAuditRecordProcessor<PipelineEvent>(
                        (event, at, recordedAt) -> AuditRecords.draft(event, at, recordedAt, evaluator.evaluate(event)),
                        clock),
                SOURCE_PIPELINE_EVENTS);
        topology.addProcessor(
                SCAN_RESULT_TO_AUDIT_RECORD,
                () -> new ToAuditRecordProcessor<ScanResult>(
                        (scan, at, recordedAt) -> AuditRecords.draft(scan, at, recordedAt, evaluator.evaluate(scan)),
                        clock),
                SOURCE_SCAN_RESULTS);
        // The supplier's stores() connects audit-chain-heads (and its changelog) to this processor.
        topology.addProcessor(
                CHAIN_AUDIT_RECORD,
                new AuditChainProcessorSupplier(topics.auditTrail(), maxRecordBytes),
                PIPELINE_EVENT_TO_AUDIT_RECORD,
                SCAN_RESULT_TO_AUDIT_RECORD);
        topology.addSink(
                SINK_AUDIT_TRAIL,
                topics.auditTrail().name(),
                topics.auditTrail().keySerde().serializer(),
                // The chain processor forwards the link already encoded with the trail's serde.
                new ByteArraySerializer(),
                CHAIN_AUDIT_RECORD);
        return topology;
    }
}
