package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanJson.array;
import static dev.vigil.ingest.scan.ScanJson.element;
import static dev.vigil.ingest.scan.ScanJson.object;
import static dev.vigil.ingest.scan.ScanJson.ptr;
import static dev.vigil.ingest.scan.ScanJson.text;
import static dev.vigil.ingest.scan.ScanJson.textAt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.ScanCategory;
import java.math.BigDecimal;
import java.util.List;

/**
 * Grype JSON: {@code matches[]} of vulnerability and artifact. An image source is a CONTAINER scan
 * of its repo digest (else manifest digest); a directory or file source is SCA.
 */
public final class GrypeAdapter extends ScanAdapter {

    public GrypeAdapter(int maxRecordBytes) {
        super(ScanFormat.GRYPE, maxRecordBytes);
    }

    @Override
    Report parse(RawInput input) throws InvalidInputException {
        ObjectNode root = ScanJson.requireRootObject(ScanJson.parse(input.body()));
        Report report = new Report();
        ObjectNode descriptor = object(root, "", "descriptor");
        String toolName = text(descriptor, "name") == null ? "grype" : text(descriptor, "name");
        String toolVersion = text(descriptor, "version");
        report.scannedAt = ScanTimes.parse(text(descriptor, "timestamp"));
        ObjectNode source = object(root, "", "source");
        boolean image = "image".equals(text(source, "type"));
        JsonNode target = source.get("target");
        if (image && target != null && target.isObject()) {
            List<String> repoDigests = ScanJson.texts(target, "repoDigests");
            report.context.digest = !repoDigests.isEmpty() ? repoDigests.get(0) : text(target, "manifestDigest");
            report.context.artifactName = text(target, "userInput");
        } else if (target != null && target.isTextual()) {
            report.context.artifactName = target.asText();
        }
        ScanCategory category = image ? ScanCategory.CONTAINER : ScanCategory.SCA;
        Report.Series series = report.series(category, toolName, toolVersion);
        ArrayNode matches = array(root, "", "matches", true);
        for (int i = 0; i < matches.size(); i++) {
            String mPtr = ptr("/matches", i);
            ObjectNode match = element(matches, i, "/matches");
            ObjectNode vuln = object(match, mPtr, "vulnerability");
            String id = ScanJson.requireText(vuln, ptr(mPtr, "vulnerability"), "id");
            ObjectNode artifact = object(match, mPtr, "artifact");
            FindingDraft d = new FindingDraft(id);
            d.alias(id);
            BigDecimal score = cvss(vuln.get("cvss"));
            for (JsonNode related : iterable(match.get("relatedVulnerabilities"))) {
                d.alias(text(related, "id"));
                if (score == null) {
                    score = cvss(related.get("cvss"));
                }
            }
            d.cvss = score;
            d.title = text(vuln, "description");
            d.toolSeverity = text(vuln, "severity");
            d.severity = Severities.fromLabel(d.toolSeverity);
            d.packageName = text(artifact, "name");
            d.packageVersion = text(artifact, "version");
            List<String> fixVersions = ScanJson.texts(vuln.get("fix"), "versions");
            d.fixedVersion = fixVersions.isEmpty() ? null : String.join(", ", fixVersions);
            String fixState = textAt(vuln, "fix", "state");
            if ("fixed".equals(fixState)) {
                d.attribute(Attributes.FINDING_FIX_AVAILABLE, "true");
            } else if ("not-fixed".equals(fixState) || "wont-fix".equals(fixState)) {
                d.attribute(Attributes.FINDING_FIX_AVAILABLE, "false");
            }
            JsonNode locations = artifact.get("locations");
            d.location = locations != null && locations.isArray() && !locations.isEmpty()
                    ? text(locations.get(0), "path")
                    : text(artifact, "purl");
            series.findings.add(d);
        }
        return report;
    }

    /** The highest v3/v4 base score listed (Grype lists several sources); v2 only when nothing newer. */
    private static BigDecimal cvss(JsonNode list) {
        BigDecimal best = null;
        BigDecimal v2 = null;
        for (JsonNode c : iterable(list)) {
            BigDecimal s = Severities.score(textAt(c, "metrics", "baseScore"));
            if (s == null) {
                continue;
            }
            String version = text(c, "version");
            if (version != null && version.startsWith("2")) {
                v2 = v2 == null || s.compareTo(v2) > 0 ? s : v2;
            } else {
                best = best == null || s.compareTo(best) > 0 ? s : best;
            }
        }
        return best != null ? best : v2;
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node != null && node.isArray() ? node : List.of();
    }
}
