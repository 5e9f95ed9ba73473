package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanJson.array;
import static dev.vigil.ingest.scan.ScanJson.at;
import static dev.vigil.ingest.scan.ScanJson.element;
import static dev.vigil.ingest.scan.ScanJson.object;
import static dev.vigil.ingest.scan.ScanJson.ptr;
import static dev.vigil.ingest.scan.ScanJson.text;
import static dev.vigil.ingest.scan.ScanJson.textAt;
import static dev.vigil.ingest.scan.ScanJson.texts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.FindingState;
import dev.vigil.schemas.ScanCategory;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SARIF 2.1.0 from any SAST or IaC tool. Severity follows GitHub's code-scanning convention:
 * the rule's {@code properties.security-severity} score, else the result's {@code level}, else the
 * rule's {@code defaultConfiguration.level}, else SARIF's default level "warning".
 */
public final class SarifAdapter extends ScanAdapter {

    /** Drivers whose every result is an infrastructure-as-code check. */
    static final Set<String> IAC_TOOLS = Set.of(
            "kics", "checkov", "tfsec", "terrascan", "kube-linter", "cfn-lint", "cfn_nag", "tflint", "trivy-config");
    /** Drivers whose every result is a secret. */
    static final Set<String> SECRET_TOOLS =
            Set.of("gitleaks", "trufflehog", "detect-secrets", "ggshield", "betterleaks");

    private static final Pattern MESSAGE_PACKAGE = Pattern.compile("(?m)^Package: (\\S+)\\s*$");
    private static final Pattern MESSAGE_INSTALLED = Pattern.compile("(?m)^Installed Version: (\\S+)\\s*$");
    private static final Pattern MESSAGE_FIXED = Pattern.compile("(?m)^Fixed Version: (\\S+)\\s*$");

    private final SecretHasher hasher;

    public SarifAdapter(SecretHasher hasher, int maxRecordBytes) {
        super(ScanFormat.SARIF, maxRecordBytes);
        this.hasher = hasher;
    }

    /** Snippets of secret results carry the secret itself: they are replaced by their keyed hash. */
    @Override
    public RawInput redact(RawInput input) throws InvalidInputException {
        JsonNode root = ScanJson.parse(input.body());
        if (!root.isObject()) {
            return input;
        }
        boolean changed = false;
        ArrayNode runs = array(root, "", "runs", false);
        for (int r = 0; r < runs.size(); r++) {
            if (!runs.get(r).isObject()) {
                continue;
            }
            ObjectNode run = (ObjectNode) runs.get(r);
            String driver = lower(textAt(run, "tool", "driver", "name"));
            Map<String, JsonNode> rules = rules(run);
            JsonNode results = run.get("results");
            if (results == null || !results.isArray()) {
                continue;
            }
            for (JsonNode result : results) {
                if (!result.isObject()) {
                    continue;
                }
                JsonNode rule = ruleOf(result, run, rules);
                if (categoryOf(driver, text(result, "ruleId"), rule) != ScanCategory.SECRET) {
                    continue;
                }
                for (JsonNode location : iterable(result.get("locations"))) {
                    JsonNode physical = location.get("physicalLocation");
                    changed |= hashSnippet(at(physical, "region"));
                    changed |= hashSnippet(at(physical, "contextRegion"));
                }
            }
        }
        return changed ? input.withBody(ScanJson.write(root)) : input;
    }

    private boolean hashSnippet(JsonNode region) {
        JsonNode snippet = at(region, "snippet");
        if (snippet instanceof ObjectNode s
                && s.get("text") != null
                && s.get("text").isTextual()) {
            String value = s.get("text").asText();
            if (!SecretHasher.isHash(value)) {
                s.put("text", hasher.hash(value));
                return true;
            }
        }
        return false;
    }

    @Override
    Report parse(RawInput input) throws InvalidInputException {
        ObjectNode root = ScanJson.requireRootObject(ScanJson.parse(input.body()));
        String version = text(root, "version");
        if (version != null && !version.startsWith("2.1")) {
            throw InvalidInputException.invalidField(
                    "/version", "/version must be 2.1.0 (SARIF 2.1), not '" + FindingDraft.cut(version, 40) + "'.");
        }
        Report report = new Report();
        ArrayNode runs = array(root, "", "runs", true);
        for (int r = 0; r < runs.size(); r++) {
            String runPtr = ptr("/runs", r);
            ObjectNode run = element(runs, r, "/runs");
            ObjectNode driverNode = object(object(run, runPtr, "tool"), ptr(runPtr, "tool"), "driver");
            String toolName = text(driverNode, "name");
            if (toolName == null) {
                String p = ptr(ptr(ptr(runPtr, "tool"), "driver"), "name");
                throw InvalidInputException.invalidField(p, p + " is required: SARIF names the tool of every run.");
            }
            String toolVersion = text(driverNode, "semanticVersion") != null
                    ? text(driverNode, "semanticVersion")
                    : text(driverNode, "version");
            String driver = lower(toolName);
            readProvenance(run, runPtr, report);
            readInvocations(run, runPtr, report);
            Map<String, JsonNode> rules = rules(run);
            ScanCategory runCategory = categoryOf(driver, null, null);
            ArrayNode results = array(run, runPtr, "results", false);
            // The run's own category series exists even without results: "scanned, nothing found".
            report.series(runCategory, toolName, toolVersion);
            for (int i = 0; i < results.size(); i++) {
                String resultPtr = ptr(ptr(runPtr, "results"), i);
                ObjectNode result = element(results, i, ptr(runPtr, "results"));
                JsonNode rule = ruleOf(result, run, rules);
                String ruleId = text(result, "ruleId");
                if (ruleId == null) {
                    ruleId = rule == null ? null : text(rule, "id");
                }
                if (ruleId == null) {
                    String p = ptr(resultPtr, "ruleId");
                    throw InvalidInputException.invalidField(
                            p, p + " is required when the result names no rule by index.");
                }
                ScanCategory category = categoryOf(driver, ruleId, rule);
                report.series(category, toolName, toolVersion)
                        .findings
                        .add(finding(result, resultPtr, ruleId, rule, category));
            }
        }
        // Drop the empty run-level series a run's results all went elsewhere from (kept only when alone).
        report.series.removeIf(s -> s.findings.isEmpty()
                && report.series.stream()
                        .anyMatch(o -> o != s && o.toolName.equals(s.toolName) && !o.findings.isEmpty()));
        return report;
    }

    private FindingDraft finding(
            ObjectNode result, String resultPtr, String ruleId, JsonNode rule, ScanCategory category)
            throws InvalidInputException {
        FindingDraft d = new FindingDraft(ruleId);
        d.alias(ruleId);
        String title = textAt(result, "message", "text");
        if (title == null && rule != null) {
            title = textAt(rule, "shortDescription", "text");
        }
        d.title = title;
        severity(d, result, rule);

        ArrayNode locations = array(result, resultPtr, "locations", false);
        JsonNode physical = locations.isEmpty() ? null : at(locations.get(0), "physicalLocation");
        String path = FindingDraft.normalizePath(textAt(physical, "artifactLocation", "uri"));
        String line = textAt(physical, "region", "startLine");
        d.location = FindingDraft.pathLine(path, line);
        String lineHash = textAt(result, "partialFingerprints", "primaryLocationLineHash");
        if (category == ScanCategory.SECRET) {
            String snippet = textAt(physical, "region", "snippet", "text");
            if (SecretHasher.isHash(snippet)) {
                d.attribute(Attributes.SECRET_HASH, snippet);
            }
            d.identityLocation = SecretHasher.isHash(snippet) ? path + "#" + snippet : d.location;
        } else if (lineHash != null) {
            // GitHub's line hash survives code moving up or down; a bare line number does not.
            d.identityLocation = path + "#" + lineHash;
        } else if (!locations.isEmpty() && path == null) {
            JsonNode logical = at(locations.get(0), "logicalLocations");
            d.identityLocation = logical != null && logical.isArray() && !logical.isEmpty()
                    ? textAt(logical.get(0), "fullyQualifiedName")
                    : null;
            d.location = d.identityLocation;
        } else {
            d.identityLocation = d.location;
        }
        if (category == ScanCategory.IAC) {
            String kind = text(result, "kind");
            if (kind != null) {
                d.attribute(Attributes.FINDING_STATUS, kind.toUpperCase(Locale.ROOT));
            }
        }
        String kind = text(result, "kind");
        if ("pass".equals(kind) || "notApplicable".equals(kind)) {
            d.state = FindingState.RESOLVED;
        }
        if ("absent".equals(text(result, "baselineState"))) {
            d.state = FindingState.RESOLVED;
        }
        suppressions(d, result, resultPtr);
        if (category == ScanCategory.SCA && title != null) {
            packageFromMessage(d, title, rule);
        }
        return d;
    }

    /**
     * SARIF has no package field; vulnerability scanners (Trivy, Grype) write it into the message as
     * "Package: x / Installed Version: y / Fixed Version: z" lines. Without it two packages with the
     * same CVE would share a fingerprint.
     */
    private static void packageFromMessage(FindingDraft d, String message, JsonNode rule) {
        Matcher pkg = MESSAGE_PACKAGE.matcher(message);
        if (!pkg.find()) {
            return;
        }
        d.packageName = pkg.group(1);
        Matcher installed = MESSAGE_INSTALLED.matcher(message);
        d.packageVersion = installed.find() ? installed.group(1) : null;
        Matcher fixed = MESSAGE_FIXED.matcher(message);
        if (fixed.find()) {
            d.fixedVersion = fixed.group(1);
            d.attribute(Attributes.FINDING_FIX_AVAILABLE, "true");
        }
        // The message is now read; the rule's short description says what the vulnerability is.
        String described = textAt(rule, "shortDescription", "text");
        d.title = described != null ? described : d.ruleId + " in " + d.packageName;
    }

    private static void severity(FindingDraft d, JsonNode result, JsonNode rule) {
        String securitySeverity = textAt(rule, "properties", "security-severity");
        if (securitySeverity == null) {
            securitySeverity = textAt(result, "properties", "security-severity");
        }
        BigDecimal score = Severities.score(securitySeverity);
        if (score != null) {
            d.severity = Severities.fromScore(score);
            d.toolSeverity = "security-severity " + score.toPlainString();
            if (d.ruleId.toUpperCase(Locale.ROOT).startsWith("CVE-")) {
                d.cvss = score; // vulnerability scanners (Trivy) put the CVSS base score here
            }
            return;
        }
        String level = text(result, "level");
        String source = "level ";
        if (level == null) {
            level = textAt(rule, "defaultConfiguration", "level");
            source = "default level ";
        }
        if (level == null) {
            level = "warning"; // SARIF 2.1.0 §3.27.10: absent level means warning
            source = "default level ";
        }
        d.severity = Severities.sarifLevel(level);
        d.toolSeverity = source + level;
    }

    private static void suppressions(FindingDraft d, ObjectNode result, String resultPtr) throws InvalidInputException {
        ArrayNode suppressions = array(result, resultPtr, "suppressions", false);
        for (JsonNode s : suppressions) {
            String status = text(s, "status");
            // "underReview" and "rejected" suppressions do not suppress (SARIF §3.35.3).
            if (status != null && !status.equals("accepted")) {
                continue;
            }
            d.state = FindingState.SUPPRESSED;
            d.attribute(Attributes.SUPPRESSION_KIND, text(s, "kind"));
            d.attribute(Attributes.SUPPRESSION_JUSTIFICATION, text(s, "justification"));
            JsonNode props = s.get("properties");
            d.attribute(Attributes.SUPPRESSION_APPROVER, first(props, "approver", "approvedBy", "approved_by"));
            d.attribute(
                    Attributes.SUPPRESSION_EXPIRES_AT, first(props, "expiresAt", "expires", "expiry", "expiryDate"));
            return;
        }
    }

    private static void readProvenance(ObjectNode run, String runPtr, Report report) throws InvalidInputException {
        ArrayNode vcp = array(run, runPtr, "versionControlProvenance", false);
        if (vcp.isEmpty() || !vcp.get(0).isObject()) {
            return;
        }
        JsonNode p = vcp.get(0);
        if (report.context.repository == null) {
            report.context.repository = text(p, "repositoryUri");
            report.context.commit = text(p, "revisionId");
            report.context.branch = text(p, "branch");
        }
    }

    private static void readInvocations(ObjectNode run, String runPtr, Report report) throws InvalidInputException {
        for (JsonNode inv : array(run, runPtr, "invocations", false)) {
            JsonNode ok = inv.get("executionSuccessful");
            if (ok != null && ok.isBoolean() && !ok.asBoolean()) {
                report.complete = false;
            }
            Instant end = ScanTimes.parse(text(inv, "endTimeUtc"));
            if (end != null && (report.scannedAt == null || end.isAfter(report.scannedAt))) {
                report.scannedAt = end;
            }
        }
    }

    /** The rules of the driver and of every extension (CodeQL puts its queries in extensions), by id. */
    private static Map<String, JsonNode> rules(JsonNode run) {
        Map<String, JsonNode> byId = new HashMap<>();
        addRules(byId, at(run, "tool", "driver", "rules"));
        for (JsonNode ext : iterable(at(run, "tool", "extensions"))) {
            addRules(byId, ext.get("rules"));
        }
        return byId;
    }

    private static void addRules(Map<String, JsonNode> byId, JsonNode rules) {
        for (JsonNode rule : iterable(rules)) {
            String id = text(rule, "id");
            if (id != null) {
                byId.putIfAbsent(id, rule);
            }
        }
    }

    /** result.rule (index into a tool component), result.ruleIndex (into the driver), else by id. */
    private static JsonNode ruleOf(JsonNode result, JsonNode run, Map<String, JsonNode> rules) {
        JsonNode ref = result.get("rule");
        if (ref != null && ref.isObject()) {
            JsonNode index = ref.get("index");
            JsonNode component = at(ref, "toolComponent", "index");
            JsonNode list = component != null && component.canConvertToInt()
                    ? at(indexed(at(run, "tool", "extensions"), component.asInt()), "rules")
                    : at(run, "tool", "driver", "rules");
            JsonNode rule = index != null && index.canConvertToInt() ? indexed(list, index.asInt()) : null;
            if (rule != null) {
                return rule;
            }
            String id = text(ref, "id");
            if (id != null && rules.containsKey(id)) {
                return rules.get(id);
            }
        }
        JsonNode ruleIndex = result.get("ruleIndex");
        if (ruleIndex != null && ruleIndex.canConvertToInt()) {
            JsonNode rule = indexed(at(run, "tool", "driver", "rules"), ruleIndex.asInt());
            if (rule != null) {
                return rule;
            }
        }
        String id = text(result, "ruleId");
        return id == null ? null : rules.get(id);
    }

    /**
     * IaC tools and secret scanners by driver name; otherwise by the rule's tags (a "secret" tag
     * wins; an "iac"/"misconfiguration" tag makes IaC); vulnerability rules (CVE/GHSA ids) are SCA;
     * everything else is SAST.
     */
    static ScanCategory categoryOf(String driver, String ruleId, JsonNode rule) {
        String d = driver == null ? "" : driver;
        for (String tool : SECRET_TOOLS) {
            if (d.contains(tool)) {
                return ScanCategory.SECRET;
            }
        }
        for (String tool : IAC_TOOLS) {
            if (d.contains(tool)) {
                return ScanCategory.IAC;
            }
        }
        List<String> tags = new ArrayList<>();
        for (String t : texts(at(rule, "properties"), "tags")) {
            tags.add(t.toLowerCase(Locale.ROOT));
        }
        if (tags.contains("secret") || tags.contains("secrets") || tags.contains("secret-detection")) {
            return ScanCategory.SECRET;
        }
        if (tags.contains("iac") || tags.contains("misconfiguration") || tags.contains("infrastructure-as-code")) {
            return ScanCategory.IAC;
        }
        if (ruleId != null) {
            String id = ruleId.toUpperCase(Locale.ROOT);
            if (id.startsWith("CVE-") || id.startsWith("GHSA-")) {
                return ScanCategory.SCA;
            }
        }
        return ScanCategory.SAST;
    }

    private static JsonNode indexed(JsonNode array, int index) {
        return array != null && array.isArray() && index >= 0 && index < array.size() ? array.get(index) : null;
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node != null && node.isArray() ? node : List.of();
    }

    private static String first(JsonNode node, String... names) {
        for (String n : names) {
            String v = text(node, n);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
