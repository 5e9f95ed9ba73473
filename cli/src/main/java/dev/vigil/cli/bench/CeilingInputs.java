package dev.vigil.cli.bench;

import dev.vigil.controls.ControlCatalog;
import dev.vigil.controls.ControlEngine;
import dev.vigil.controls.ControlEngines;
import dev.vigil.controls.EngineResult;
import dev.vigil.controls.state.InMemorySubjectState;
import dev.vigil.ingest.IngestNormalizer;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.streams.AuditRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;

/**
 * The bench inputs as ingest and the streams app turn them into bytes: the Kafka writes ingest makes (normalized
 * records; evidence data keys and chunks) and the trail drafts the streams app would chain, each with the verdicts
 * of the real control engine (built-in catalog) evaluated per {@code tenant/scope} in input order.
 *
 * @param inputs how many inputs were given
 * @param refused the inputs ingest would refuse (not in the writes); {@code firstRefusal} says why
 * @param records the normalized records' writes, in input order
 * @param evidence the evidence writes (data key, chunks) of the accepted inputs, in input order
 * @param writes everything ingest writes for the accepted inputs, in its order per input (evidence, then records)
 * @param drafts one trail draft per normalized record (chain fields unset), in input order
 */
record CeilingInputs(
        int inputs,
        int refused,
        String firstRefusal,
        List<IngestNormalizer.Write> records,
        List<IngestNormalizer.Write> evidence,
        List<IngestNormalizer.Write> writes,
        List<AuditRecord> drafts) {

    /** Not a secret: it only replaces secret values in the bench's own generated scanner reports. */
    private static final String BENCH_SECRET_HASH_KEY = "vigil-bench-ceilings-hash-key";

    static CeilingInputs of(List<BenchInput> inputs, int partitions) {
        Topics topics = Topics.withPrefix("");
        IngestNormalizer normalizer = new IngestNormalizer(topics, BENCH_SECRET_HASH_KEY);
        ControlEngine engine = ControlEngines.of(ControlCatalog.builtIn());
        Map<String, InMemorySubjectState> states = new HashMap<>();
        Map<String, Long> offsets = new HashMap<>();
        List<IngestNormalizer.Write> records = new ArrayList<>();
        List<IngestNormalizer.Write> evidence = new ArrayList<>();
        List<IngestNormalizer.Write> writes = new ArrayList<>();
        List<AuditRecord> drafts = new ArrayList<>();
        int refused = 0;
        String firstRefusal = null;
        for (BenchInput in : inputs) {
            Instant now = Instant.now();
            IngestNormalizer.Normalization n;
            try {
                n = normalizer.normalize(in.tenant(), in.contentType(), in.pathAndQuery(), in.body(), now);
            } catch (InvalidInputException e) {
                refused++;
                if (firstRefusal == null) {
                    firstRefusal = in.mix() + " " + in.pathAndQuery() + ": " + e.getMessage();
                }
                continue;
            }
            evidence.addAll(n.evidence());
            records.addAll(n.records());
            writes.addAll(n.evidence());
            writes.addAll(n.records());
            for (int i = 0; i < n.normalized().size(); i++) {
                Normalized record = n.normalized().get(i);
                IngestNormalizer.Write write = n.records().get(i);
                String subject = SubjectKey.of(record.tenant(), record.scope());
                InMemorySubjectState state =
                        states.computeIfAbsent(subject, s -> new InMemorySubjectState(record.tenant(), record.scope()));
                // Where the streams app would have read it: the default partitioner's partition, offsets in order.
                int partition = Utils.toPositive(Utils.murmur2(write.key())) % partitions;
                long offset = offsets.merge(write.topic() + "-" + partition, 1L, Long::sum) - 1;
                AuditRecords.InputPosition at = new AuditRecords.InputPosition(write.topic(), partition, offset);
                drafts.add(
                        switch (record) {
                            case Normalized.Event e -> {
                                EngineResult result = engine.onEvent(e.event(), state, now);
                                yield AuditRecords.draft(
                                        e.event(),
                                        at,
                                        now,
                                        AuditRecords.Evaluation.of(engine.catalogVersion(), result.verdicts()));
                            }
                            case Normalized.Scan s -> {
                                EngineResult result = engine.onScan(s.scan(), state, now);
                                yield AuditRecords.draft(
                                        s.scan(),
                                        at,
                                        now,
                                        AuditRecords.Evaluation.of(engine.catalogVersion(), result.verdicts()));
                            }
                        });
            }
        }
        return new CeilingInputs(
                inputs.size(),
                refused,
                firstRefusal,
                List.copyOf(records),
                List.copyOf(evidence),
                List.copyOf(writes),
                List.copyOf(drafts));
    }

    static long bytes(List<IngestNormalizer.Write> writes) {
        return writes.stream().mapToLong(IngestNormalizer.Write::bytes).sum();
    }
}
