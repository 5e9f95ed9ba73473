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
import dev.vigil.ingest.adapter.PackageUrl;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.FindingState;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.Severity;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CycloneDX 1.4-1.7 JSON with {@code vulnerabilities} (a VEX or an SBOM with vulnerabilities). One
 * finding per vulnerability and affected component. VEX {@code analysis.state} sets the state:
 * not_affected, resolved (and resolved_with_pedigree), false_positive; others stay open.
 */
public final class CycloneDxAdapter extends ScanAdapter {

    private static final Set<String> SPEC_VERSIONS = Set.of("1.4", "1.5", "1.6", "1.7");
    private static final Pattern UPGRADE_TO = Pattern.compile("(?i)\\bto version ([^\\s,;]+[^\\s,;.])");

    public CycloneDxAdapter(int maxRecordBytes) {
        super(ScanFormat.CYCLONEDX, maxRecordBytes);
    }

    @Override
    Report parse(RawInput input) throws InvalidInputException {
        ObjectNode root = ScanJson.requireRootObject(ScanJson.parse(input.body()));
        String spec = text(root, "specVersion");
        if (spec == null || !SPEC_VERSIONS.contains(spec)) {
            throw InvalidInputException.invalidField(
                    "/specVersion",
                    "/specVersion must be one of 1.4, 1.5, 1.6, 1.7 (CycloneDX JSON with vulnerabilities).");
        }
        Report report = new Report();
        String serial = text(root, "serialNumber");
        if (serial != null) {
            report.sourceEventId = serial + "/" + (text(root, "version") == null ? "1" : text(root, "version"));
        }
        ObjectNode metadata = object(root, "", "metadata");
        report.scannedAt = ScanTimes.parse(text(metadata, "timestamp"));
        String toolName = "cyclonedx";
        String toolVersion = null;
        JsonNode tools = metadata.get("tools");
        JsonNode tool = null;
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            tool = tools.get(0); // 1.4: an array of tools
        } else if (tools != null && tools.isObject()) {
            JsonNode components = tools.get("components"); // 1.5+: tools.components[]
            tool = components != null && components.isArray() && !components.isEmpty() ? components.get(0) : null;
        }
        if (tool != null && text(tool, "name") != null) {
            toolName = text(tool, "name");
            toolVersion = text(tool, "version");
        }
        JsonNode component = metadata.get("component");
        ScanCategory category = ScanCategory.SCA;
        if (component != null && component.isObject()) {
            if ("container".equals(text(component, "type"))) {
                category = ScanCategory.CONTAINER;
            }
            String purl = text(component, "purl");
            PackageUrl parsed = PackageUrl.parse(purl).orElse(null);
            report.context.artifactName = parsed != null ? parsed.withoutVersion() : text(component, "name");
            if (parsed != null) {
                report.context.digest = parsed.digest().orElse(null);
            }
            if (report.context.digest == null) {
                for (JsonNode h : iterable(component.get("hashes"))) {
                    if ("SHA-256".equalsIgnoreCase(text(h, "alg")) && text(h, "content") != null) {
                        report.context.digest = "sha256:" + text(h, "content").toLowerCase(Locale.ROOT);
                    }
                }
            }
        }
        Map<String, JsonNode> byRef = new HashMap<>();
        if (component != null) {
            index(component, byRef);
        }
        for (JsonNode c : iterable(root.get("components"))) {
            index(c, byRef);
        }
        Report.Series series = report.series(category, toolName, toolVersion);
        ArrayNode vulns = array(root, "", "vulnerabilities", false);
        for (int i = 0; i < vulns.size(); i++) {
            String vPtr = ptr("/vulnerabilities", i);
            ObjectNode v = element(vulns, i, "/vulnerabilities");
            String id = ScanJson.requireText(v, vPtr, "id");
            ArrayNode affects = array(v, vPtr, "affects", false);
            if (affects.isEmpty()) {
                series.findings.add(finding(v, id, null, null));
                continue;
            }
            for (int a = 0; a < affects.size(); a++) {
                JsonNode affect = element(affects, a, ptr(vPtr, "affects"));
                String ref = text(affect, "ref");
                series.findings.add(finding(v, id, byRef.get(ref), affect));
            }
        }
        return report;
    }

    private static FindingDraft finding(JsonNode v, String id, JsonNode component, JsonNode affect) {
        FindingDraft d = new FindingDraft(id);
        d.alias(id);
        for (JsonNode ref : iterable(v.get("references"))) {
            d.alias(text(ref, "id"));
        }
        d.title = text(v, "description") != null ? text(v, "description") : text(v, "detail");
        rating(d, v.get("ratings"));
        if (component != null) {
            String group = text(component, "group");
            String name = text(component, "name");
            d.packageName = group == null ? name : group + "/" + name;
            d.packageVersion = text(component, "version");
            d.location = text(component, "purl") != null ? text(component, "purl") : text(component, "bom-ref");
        } else if (affect != null) {
            d.location = text(affect, "ref");
            d.packageName = text(affect, "ref");
        }
        for (JsonNode ver : iterable(affect == null ? null : affect.get("versions"))) {
            if ("unaffected".equals(text(ver, "status")) && text(ver, "version") != null) {
                d.fixedVersion = text(ver, "version");
            }
        }
        String recommendation = text(v, "recommendation");
        if (d.fixedVersion == null && recommendation != null) {
            Matcher m = UPGRADE_TO.matcher(recommendation);
            if (m.find()) {
                d.fixedVersion = m.group(1);
            }
        }
        if (d.fixedVersion != null) {
            d.attribute(Attributes.FINDING_FIX_AVAILABLE, "true");
        }
        String state = textAt(v, "analysis", "state");
        if (state != null) {
            d.attribute(Attributes.VEX_STATE, state);
            d.attribute(Attributes.VEX_JUSTIFICATION, textAt(v, "analysis", "justification"));
            d.state = switch (state) {
                case "not_affected" -> FindingState.NOT_AFFECTED;
                case "resolved", "resolved_with_pedigree" -> FindingState.RESOLVED;
                case "false_positive" -> FindingState.FALSE_POSITIVE;
                default -> FindingState.OPEN;
            };
        }
        return d;
    }

    /**
     * The most precise rating: CVSS v4 over v3.1 over v3.0 over v2 over other methods; the first of
     * equals. Its severity label, else its score's band.
     */
    private static void rating(FindingDraft d, JsonNode ratings) {
        JsonNode best = null;
        int bestRank = -1;
        for (JsonNode r : iterable(ratings)) {
            String method = text(r, "method");
            int rank = method == null
                    ? 0
                    : switch (method) {
                        case "CVSSv4" -> 5;
                        case "CVSSv31" -> 4;
                        case "CVSSv3" -> 3;
                        case "CVSSv2" -> 2;
                        default -> 1;
                    };
            if (Severities.score(text(r, "score")) == null && text(r, "severity") == null) {
                continue;
            }
            if (rank > bestRank) {
                best = r;
                bestRank = rank;
            }
        }
        if (best == null) {
            return;
        }
        String method = text(best, "method");
        BigDecimal score = Severities.score(text(best, "score"));
        if (method != null && method.startsWith("CVSS")) {
            d.cvss = score;
        }
        String label = text(best, "severity");
        Severity fromLabel = Severities.fromLabel(label);
        d.severity = fromLabel != Severity.UNKNOWN || score == null ? fromLabel : Severities.fromScore(score);
        d.toolSeverity = label != null ? label : method == null ? null : method + " " + score;
    }

    private static void index(JsonNode component, Map<String, JsonNode> byRef) {
        if (component == null || !component.isObject() || byRef.size() > 100_000) {
            return;
        }
        String ref = text(component, "bom-ref");
        if (ref != null) {
            byRef.putIfAbsent(ref, component);
        }
        for (JsonNode child : iterable(component.get("components"))) {
            index(child, byRef);
        }
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node != null && node.isArray() ? node : List.of();
    }
}
