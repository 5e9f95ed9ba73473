package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanJson.at;
import static dev.vigil.ingest.scan.ScanJson.text;
import static dev.vigil.ingest.scan.ScanJson.textAt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.JsonInput;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.FindingState;
import dev.vigil.schemas.ScanCategory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * OCSF Detection/Compliance findings as Prowler writes them ({@code --output-formats json-ocsf}: a
 * JSON array). CLOUD findings: the check id ({@code metadata.event_code}), {@code status_code}
 * FAIL/PASS in {@code finding.status} (PASS is RESOLVED: the check holds), the checked resource,
 * and the compliance requirements Prowler maps the check to in {@code cloud.compliance}. Without
 * a repository or {@code ?service=}, the service is the cloud account ({@code aws/123456789012}).
 */
public final class OcsfAdapter extends ScanAdapter {

    public OcsfAdapter(int maxRecordBytes) {
        super(ScanFormat.OCSF, maxRecordBytes);
    }

    @Override
    Report parse(RawInput input) throws InvalidInputException {
        JsonNode root = ScanJson.parse(input.body());
        List<JsonNode> items = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(items::add);
        } else if (root.isObject()) {
            items.add(root);
        } else {
            throw InvalidInputException.invalidField(
                    "", "An OCSF report is an array of findings, not " + JsonInput.describe(root) + ".");
        }
        Report report = new Report();
        for (int i = 0; i < items.size(); i++) {
            String p = root.isArray() ? "/" + i : "";
            JsonNode f = items.get(i);
            if (!f.isObject()) {
                throw InvalidInputException.invalidField(
                        p,
                        (p.isEmpty() ? "The finding" : p) + " must be an object, not " + JsonInput.describe(f) + ".");
            }
            String toolName = textAt(f, "metadata", "product", "name");
            String toolVersion = textAt(f, "metadata", "product", "version");
            String checkId = textAt(f, "metadata", "event_code");
            if (checkId == null) {
                checkId = textAt(f, "finding_info", "uid");
            }
            if (checkId == null) {
                String mp = p + "/metadata/event_code";
                throw InvalidInputException.invalidField(
                        mp, mp + " (or /finding_info/uid) is required: it names the check.");
            }
            if (report.source == null) {
                report.source = toolName == null ? "ocsf" : toolName.toLowerCase(java.util.Locale.ROOT);
                String provider = textAt(f, "cloud", "provider");
                String account = textAt(f, "cloud", "account", "uid");
                if (provider != null && account != null) {
                    report.context.service = provider + "/" + account;
                }
            }
            FindingDraft d = new FindingDraft(checkId);
            d.title = textAt(f, "finding_info", "title") != null
                    ? textAt(f, "finding_info", "title")
                    : text(f, "message");
            JsonNode severityId = f.get("severity_id");
            d.toolSeverity = text(f, "severity");
            d.severity = severityId != null && severityId.canConvertToInt()
                    ? Severities.ocsf(severityId.asInt())
                    : Severities.fromLabel(d.toolSeverity);
            String status = text(f, "status_code");
            d.attribute(Attributes.FINDING_STATUS, status);
            if ("PASS".equalsIgnoreCase(status)) {
                d.state = FindingState.RESOLVED;
            }
            if ("Suppressed".equalsIgnoreCase(text(f, "status"))) {
                d.state = FindingState.SUPPRESSED; // Prowler's muted findings
                d.attribute(Attributes.SUPPRESSION_KIND, "muted");
            }
            JsonNode resources = f.get("resources");
            JsonNode resource =
                    resources != null && resources.isArray() && !resources.isEmpty() ? resources.get(0) : null;
            String resourceId = text(resource, "uid") != null ? text(resource, "uid") : text(resource, "name");
            d.location = resourceId;
            d.identityLocation = resourceId;
            d.attribute(Attributes.CLOUD_RESOURCE, resourceId);
            d.attribute(Attributes.CLOUD_COMPLIANCE, compliance(f));
            report.series(ScanCategory.CLOUD, toolName == null ? "ocsf" : toolName, toolVersion)
                    .findings
                    .add(d);
            Instant t = ScanTimes.parse(text(f, "time_dt"));
            if (t == null && f.get("time") != null && f.get("time").canConvertToLong()) {
                t = ScanTimes.epoch(f.get("time").asLong());
            }
            if (t != null && (report.scannedAt == null || t.isAfter(report.scannedAt))) {
                report.scannedAt = t;
            }
        }
        if (report.series.isEmpty()) {
            report.series(ScanCategory.CLOUD, "ocsf", null);
        }
        return report;
    }

    /**
     * Framework:requirement pairs, sorted, comma-separated: Prowler's {@code unmapped.compliance}
     * map (framework to requirement ids) and OCSF 1.3's {@code compliance.standards/requirements}.
     */
    static String compliance(JsonNode finding) {
        TreeSet<String> out = new TreeSet<>();
        JsonNode mapped = at(finding, "unmapped", "compliance");
        if (mapped != null && mapped.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = mapped.fields();
            while (it.hasNext()) {
                var e = it.next();
                for (String req : ScanJson.texts(mapped, e.getKey())) {
                    out.add(e.getKey() + ":" + req.replace(",", " "));
                }
            }
        }
        JsonNode compliance = finding.get("compliance");
        if (compliance != null && compliance.isObject()) {
            List<String> standards = ScanJson.texts(compliance, "standards");
            for (String req : ScanJson.texts(compliance, "requirements")) {
                out.add((standards.isEmpty() ? "" : standards.get(0) + ":") + req.replace(",", " "));
            }
        }
        return out.isEmpty() ? null : String.join(",", out);
    }
}
