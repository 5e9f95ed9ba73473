package dev.vigil.streams;

import dev.vigil.schemas.AuditRecord;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Drafts the audit record of one input (stateless); the chain processor links it. */
final class ToAuditRecordProcessor<V> implements Processor<String, V, String, AuditRecord> {

    @FunctionalInterface
    interface Drafter<V> {
        AuditRecord draft(V input, AuditRecords.InputPosition at, Instant recordedAt);
    }

    private final Drafter<V> drafter;
    private final Clock clock;
    private ProcessorContext<String, AuditRecord> context;

    ToAuditRecordProcessor(Drafter<V> drafter, Clock clock) {
        this.drafter = drafter;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, AuditRecord> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.value() == null) {
            // A tombstone on an input topic is not an input; the error handler dead-letters it with its key.
            throw new IllegalArgumentException("null value (tombstone) on an input topic, key '" + record.key() + "'");
        }
        RecordMetadata meta = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("input record without topic/partition/offset"));
        // The input's own timestamp (set when ingest accepted it) makes a replay after a crash rebuild
        // the same record and hash; the clock only stands in for a producer that set none.
        Instant recordedAt = record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : clock.instant();
        AuditRecord draft = drafter.draft(
                record.value(),
                new AuditRecords.InputPosition(meta.topic(), meta.partition(), meta.offset()),
                recordedAt);
        context.forward(record.withValue(draft));
    }
}
