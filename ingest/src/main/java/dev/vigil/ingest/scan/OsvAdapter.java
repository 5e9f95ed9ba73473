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
import dev.vigil.schemas.Severity;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OSV-Scanner JSON (SCA). OSV lists one vulnerability per advisory, so a GHSA and the CVE it
 * describes would both appear; the scanner's {@code groups} say which ids are one issue, and Vigil
 * keeps one finding per group (its first id, the others as aliases), scored by the group's
 * {@code max_severity}.
 */
public final class OsvAdapter extends ScanAdapter {

    public OsvAdapter(int maxRecordBytes) {
        super(ScanFormat.OSV, maxRecordBytes);
    }

    @Override
    Report parse(RawInput input) throws InvalidInputException {
        ObjectNode root = ScanJson.requireRootObject(ScanJson.parse(input.body()));
        Report report = new Report();
        report.source = "osv-scanner";
        Report.Series series = report.series(ScanCategory.SCA, "osv-scanner", null);
        ArrayNode results = array(root, "", "results", true);
        for (int r = 0; r < results.size(); r++) {
            String rPtr = ptr("/results", r);
            ObjectNode result = element(results, r, "/results");
            String manifest = FindingDraft.normalizePath(textAt(result, "source", "path"));
            ArrayNode packages = array(result, rPtr, "packages", false);
            for (int p = 0; p < packages.size(); p++) {
                String pPtr = ptr(ptr(rPtr, "packages"), p);
                ObjectNode pkg = element(packages, p, ptr(rPtr, "packages"));
                ObjectNode info = object(pkg, pPtr, "package");
                String name = text(info, "name");
                String version = text(info, "version");
                Map<String, JsonNode> vulnsById = new LinkedHashMap<>();
                ArrayNode vulns = array(pkg, pPtr, "vulnerabilities", false);
                for (int v = 0; v < vulns.size(); v++) {
                    ObjectNode vuln = element(vulns, v, ptr(pPtr, "vulnerabilities"));
                    vulnsById.put(ScanJson.requireText(vuln, ptr(ptr(pPtr, "vulnerabilities"), v), "id"), vuln);
                }
                ArrayNode groups = array(pkg, pPtr, "groups", false);
                if (groups.isEmpty()) {
                    for (var e : vulnsById.entrySet()) {
                        series.findings.add(
                                finding(e.getKey(), List.of(), null, e.getValue(), name, version, manifest));
                    }
                    continue;
                }
                for (int g = 0; g < groups.size(); g++) {
                    ObjectNode group = element(groups, g, ptr(pPtr, "groups"));
                    List<String> ids = ScanJson.texts(group, "ids");
                    if (ids.isEmpty()) {
                        String gp = ptr(ptr(ptr(pPtr, "groups"), g), "ids");
                        throw InvalidInputException.invalidField(gp, gp + " must list at least one vulnerability id.");
                    }
                    String id = ids.get(0);
                    List<String> aliases = new java.util.ArrayList<>(ScanJson.texts(group, "aliases"));
                    aliases.addAll(ids);
                    series.findings.add(finding(
                            id, aliases, text(group, "max_severity"), vulnsById.get(id), name, version, manifest));
                }
            }
        }
        return report;
    }

    private static FindingDraft finding(
            String id,
            List<String> aliases,
            String maxSeverity,
            JsonNode vuln,
            String name,
            String version,
            String manifest) {
        FindingDraft d = new FindingDraft(id);
        d.alias(id);
        aliases.forEach(d::alias);
        if (vuln != null) {
            ScanJson.texts(vuln, "aliases").forEach(d::alias);
            d.title = text(vuln, "summary") != null ? text(vuln, "summary") : text(vuln, "details");
            d.fixedVersion = fixed(vuln, name);
        }
        BigDecimal score = Severities.score(maxSeverity);
        String label = vuln == null ? null : textAt(vuln, "database_specific", "severity");
        if (score != null) {
            d.cvss = score;
            d.severity = Severities.fromScore(score);
            d.toolSeverity = label != null ? label : maxSeverity;
        } else {
            d.severity = Severities.fromLabel(label);
            d.toolSeverity = label;
        }
        if (d.severity == null) {
            d.severity = Severity.UNKNOWN;
        }
        d.packageName = name;
        d.packageVersion = version;
        d.location = manifest;
        d.attribute(Attributes.FINDING_FIX_AVAILABLE, d.fixedVersion != null ? "true" : null);
        return d;
    }

    /** The first "fixed" event of the affected range for this package. */
    private static String fixed(JsonNode vuln, String name) {
        for (JsonNode affected : iterable(vuln.get("affected"))) {
            String affectedName = textAt(affected, "package", "name");
            if (name != null && affectedName != null && !affectedName.equals(name)) {
                continue;
            }
            for (JsonNode range : iterable(affected.get("ranges"))) {
                for (JsonNode event : iterable(range.get("events"))) {
                    String fixed = text(event, "fixed");
                    if (fixed != null) {
                        return fixed;
                    }
                }
            }
        }
        return null;
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node != null && node.isArray() ? node : List.of();
    }
}
