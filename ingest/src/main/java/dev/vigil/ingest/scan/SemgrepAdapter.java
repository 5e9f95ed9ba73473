package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanJson.array;
import static dev.vigil.ingest.scan.ScanJson.element;
import static dev.vigil.ingest.scan.ScanJson.ptr;
import static dev.vigil.ingest.scan.ScanJson.text;
import static dev.vigil.ingest.scan.ScanJson.textAt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.ScanCategory;

/**
 * Semgrep's native JSON (SAST): {@code results[].check_id}, path and line, {@code extra.severity}
 * (ERROR/WARNING/INFO, newer builds CRITICAL..LOW). An {@code errors[]} entry of level "error"
 * marks the scan incomplete (files were not analysed).
 */
public final class SemgrepAdapter extends ScanAdapter {

    public SemgrepAdapter(int maxRecordBytes) {
        super(ScanFormat.SEMGREP, maxRecordBytes);
    }

    @Override
    Report parse(RawInput input) throws InvalidInputException {
        ObjectNode root = ScanJson.requireRootObject(ScanJson.parse(input.body()));
        Report report = new Report();
        report.source = "semgrep";
        Report.Series series = report.series(ScanCategory.SAST, "semgrep", text(root, "version"));
        for (JsonNode error : array(root, "", "errors", false)) {
            if ("error".equalsIgnoreCase(text(error, "level"))) {
                report.complete = false;
            }
        }
        ArrayNode results = array(root, "", "results", true);
        for (int i = 0; i < results.size(); i++) {
            String rPtr = ptr("/results", i);
            ObjectNode result = element(results, i, "/results");
            FindingDraft d = new FindingDraft(ScanJson.requireText(result, rPtr, "check_id"));
            d.title = textAt(result, "extra", "message");
            d.toolSeverity = textAt(result, "extra", "severity");
            d.severity = Severities.semgrep(d.toolSeverity);
            String path = FindingDraft.normalizePath(text(result, "path"));
            d.location = FindingDraft.pathLine(path, textAt(result, "start", "line"));
            d.identityLocation = d.location;
            series.findings.add(d);
        }
        return report;
    }
}
