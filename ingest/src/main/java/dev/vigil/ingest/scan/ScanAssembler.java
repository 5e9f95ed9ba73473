package dev.vigil.ingest.scan;

import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.ingest.adapter.RecordIds;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Tool;
import dev.vigil.schemas.serde.AvroSerde;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a parsed report into {@code ScanResult} messages no larger than a limit, measured with the
 * serde vigil.scan-results uses (Avro single-object encoding), not estimated: each finding's
 * encoded size is summed onto the encoded size of the envelope, and every part is encoded once
 * more to check before it is handed out. Parts of one series share the report's sourceEventId and
 * evidence; their ids are name-based on (tenant, source, sourceEventId, category, tool, part,
 * partCount), so a retried report gets the same ids.
 */
final class ScanAssembler {

    /** Kafka's default max.message.bytes is 1 MiB; a quarter of it keeps batches and the trail light. */
    static final int DEFAULT_MAX_RECORD_BYTES = 256 * 1024;

    private static final AvroSerde<ScanResult> SCAN_SERDE = AvroSerde.of(ScanResult.class);
    private static final AvroSerde<Finding> FINDING_SERDE = AvroSerde.of(Finding.class);
    /** Single-object encoding header (marker + schema fingerprint), present on a lone finding only. */
    private static final int HEADER = 10;
    /** Array block count and terminator, and the varints of part/partCount/findingCount growing. */
    private static final int SLACK = 32;

    private ScanAssembler() {}

    static List<Normalized> assemble(
            RawInput input, ScanFormat format, Report report, ScanContext.Resolved context, int maxRecordBytes) {
        String sourceEventId = report.sourceEventId != null ? report.sourceEventId : "sha256:" + input.evidenceSha256();
        String source = report.source != null
                ? report.source
                : report.series.isEmpty() ? format.paramName() : report.series.get(0).toolName;
        Instant scannedAt =
                (report.scannedAt != null ? report.scannedAt : input.receivedAt()).truncatedTo(ChronoUnit.MICROS);
        List<Normalized> out = new ArrayList<>();
        for (Report.Series series : report.series) {
            List<Finding> findings = new ArrayList<>(series.findings.size());
            for (FindingDraft d : series.findings) {
                findings.add(d.toFinding(series.category));
            }
            ScanResult envelope = ScanResult.newBuilder()
                    .setId("")
                    .setTenant(input.tenant())
                    .setScope(context.scope())
                    .setFormat(format.inputFormat())
                    .setCategory(series.category)
                    .setTool(new Tool(series.toolName, series.toolVersion))
                    .setSource(source)
                    .setSourceEventId(sourceEventId)
                    .setScannedAt(scannedAt)
                    .setReceivedAt(input.receivedAt().truncatedTo(ChronoUnit.MILLIS))
                    .setSubject(context.subject())
                    .setActor(null)
                    .setComplete(report.complete)
                    .setPart(1)
                    .setPartCount(1)
                    .setFindingCount(findings.size())
                    .setFindings(List.of())
                    .setEvidenceSha256(input.evidenceSha256())
                    .setEvidenceSize(input.evidenceSize())
                    .build();
            // An id of the final length, so the envelope's measured size includes it.
            envelope.setId(RecordIds.of(input.tenant(), source, sourceEventId));
            int budget = maxRecordBytes - SCAN_SERDE.encode(envelope).length - SLACK;
            if (budget <= 0) {
                throw new IllegalStateException("a scan envelope alone exceeds " + maxRecordBytes + " bytes");
            }
            List<List<Finding>> parts = split(findings, budget);
            for (int i = 0; i < parts.size(); i++) {
                int part = i + 1;
                String id = RecordIds.of(
                        input.tenant(),
                        source,
                        sourceEventId + "\n" + series.category + "\n" + series.toolName + "\n" + part + "/"
                                + parts.size());
                ScanResult scan = ScanResult.newBuilder(envelope)
                        .setId(id)
                        .setPart(part)
                        .setPartCount(parts.size())
                        .setFindings(parts.get(i))
                        .build();
                int size = SCAN_SERDE.encode(scan).length;
                if (size > maxRecordBytes) {
                    throw new IllegalStateException(
                            "part " + part + " encodes to " + size + " bytes, over the limit " + maxRecordBytes);
                }
                out.add(new Normalized.Scan(scan));
            }
        }
        return out;
    }

    /** Greedy split by measured size; a series without findings is still one (empty) part: "scanned, clean". */
    private static List<List<Finding>> split(List<Finding> findings, int budget) {
        List<List<Finding>> parts = new ArrayList<>();
        List<Finding> current = new ArrayList<>();
        long used = 0;
        for (Finding f : findings) {
            int size = FINDING_SERDE.encode(f).length - HEADER;
            if (size > budget) {
                // FindingDraft bounds every field, so this means the limit is set below one finding.
                throw new IllegalStateException(
                        "one finding encodes to " + size + " bytes, over the part budget " + budget);
            }
            if (!current.isEmpty() && used + size > budget) {
                parts.add(current);
                current = new ArrayList<>();
                used = 0;
            }
            current.add(f);
            used += size;
        }
        parts.add(current);
        return parts;
    }
}
