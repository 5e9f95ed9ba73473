package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanJson.array;
import static dev.vigil.ingest.scan.ScanJson.at;
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
import dev.vigil.schemas.FindingState;
import dev.vigil.schemas.ScanCategory;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Trivy JSON ({@code SchemaVersion: 2}). Vulnerabilities are CONTAINER findings on an image scan
 * and SCA otherwise; Misconfigurations are IAC (their PASS/FAIL in {@code finding.status});
 * Secrets are SECRET. Trivy writes no tool version into its JSON.
 */
public final class TrivyAdapter extends ScanAdapter {

    private final SecretHasher hasher;

    public TrivyAdapter(SecretHasher hasher, int maxRecordBytes) {
        super(ScanFormat.TRIVY, maxRecordBytes);
        this.hasher = hasher;
    }

    /**
     * Trivy masks secrets with '*' already, but only as far as its rule's regex reaches; the match
     * and the code lines around it are hashed too, so no partial secret is ever kept.
     */
    @Override
    public RawInput redact(RawInput input) throws InvalidInputException {
        JsonNode root = ScanJson.parse(input.body());
        boolean changed = false;
        for (JsonNode result : iterable(root.get("Results"))) {
            for (JsonNode secret : iterable(result.get("Secrets"))) {
                if (!(secret instanceof ObjectNode s)) {
                    continue;
                }
                changed |= hashField(s, "Match");
                for (JsonNode line : iterable(at(s, "Code", "Lines"))) {
                    if (line instanceof ObjectNode l) {
                        changed |= hashField(l, "Content");
                        changed |= hashField(l, "Highlighted");
                    }
                }
            }
        }
        return changed ? input.withBody(ScanJson.write(root)) : input;
    }

    private boolean hashField(ObjectNode node, String name) {
        JsonNode value = node.get(name);
        if (value != null && value.isTextual() && !value.asText().isEmpty() && !SecretHasher.isHash(value.asText())) {
            node.put(name, hasher.hash(value.asText()));
            return true;
        }
        return false;
    }

    @Override
    Report parse(RawInput input) throws InvalidInputException {
        ObjectNode root = ScanJson.requireRootObject(ScanJson.parse(input.body()));
        Report report = new Report();
        report.sourceEventId = text(root, "ReportID");
        report.scannedAt = ScanTimes.parse(text(root, "CreatedAt"));
        report.source = "trivy";
        boolean image = "container_image".equals(text(root, "ArtifactType"));
        String artifactName = text(root, "ArtifactName");
        ObjectNode metadata = object(root, "", "Metadata");
        List<String> repoDigests = ScanJson.texts(metadata, "RepoDigests");
        if (!repoDigests.isEmpty()) {
            String rd = repoDigests.get(0);
            report.context.digest = rd;
            int at = rd.lastIndexOf('@');
            report.context.artifactName = at > 0 ? rd.substring(0, at) : artifactName;
        } else {
            report.context.artifactName = artifactName;
        }
        if (!image && artifactName != null && (artifactName.contains("://") || artifactName.startsWith("git@"))) {
            report.context.repository = artifactName; // trivy repo <url>
        }
        ScanCategory vulnCategory = image ? ScanCategory.CONTAINER : ScanCategory.SCA;
        ArrayNode results = array(root, "", "Results", false);
        for (int i = 0; i < results.size(); i++) {
            String rPtr = ptr("/Results", i);
            ObjectNode result = element(results, i, "/Results");
            String target = text(result, "Target");
            String cls = text(result, "Class");
            if ("secret".equals(cls)) {
                report.series(ScanCategory.SECRET, "trivy", null);
            } else if ("config".equals(cls)) {
                report.series(ScanCategory.IAC, "trivy", null);
            } else if (cls != null && cls.endsWith("pkgs")) {
                report.series(vulnCategory, "trivy", null);
            }
            ArrayNode vulns = array(result, rPtr, "Vulnerabilities", false);
            for (int v = 0; v < vulns.size(); v++) {
                ObjectNode vuln = element(vulns, v, ptr(rPtr, "Vulnerabilities"));
                String id = ScanJson.requireText(vuln, ptr(ptr(rPtr, "Vulnerabilities"), v), "VulnerabilityID");
                report.series(vulnCategory, "trivy", null).findings.add(vulnerability(vuln, id, target));
            }
            ArrayNode misconfs = array(result, rPtr, "Misconfigurations", false);
            for (int m = 0; m < misconfs.size(); m++) {
                ObjectNode mc = element(misconfs, m, ptr(rPtr, "Misconfigurations"));
                String id = text(mc, "ID") != null
                        ? text(mc, "ID")
                        : ScanJson.requireText(mc, ptr(ptr(rPtr, "Misconfigurations"), m), "AVDID");
                report.series(ScanCategory.IAC, "trivy", null).findings.add(misconfiguration(mc, id, target));
            }
            ArrayNode secrets = array(result, rPtr, "Secrets", false);
            for (int s = 0; s < secrets.size(); s++) {
                ObjectNode secret = element(secrets, s, ptr(rPtr, "Secrets"));
                String id = ScanJson.requireText(secret, ptr(ptr(rPtr, "Secrets"), s), "RuleID");
                report.series(ScanCategory.SECRET, "trivy", null).findings.add(secret(secret, id, target));
            }
        }
        if (report.series.isEmpty()) {
            report.series(vulnCategory, "trivy", null);
        }
        return report;
    }

    private static FindingDraft vulnerability(JsonNode v, String id, String target) {
        FindingDraft d = new FindingDraft(id);
        d.alias(id);
        for (String vendorId : ScanJson.texts(v, "VendorIDs")) {
            d.alias(vendorId);
        }
        d.title = text(v, "Title");
        d.toolSeverity = text(v, "Severity");
        d.severity = Severities.fromLabel(d.toolSeverity);
        d.cvss = cvss(v.get("CVSS"), text(v, "SeveritySource"));
        d.packageName = text(v, "PkgName");
        d.packageVersion = text(v, "InstalledVersion");
        d.fixedVersion = text(v, "FixedVersion");
        d.location = target;
        String status = text(v, "Status");
        if (d.fixedVersion != null || "fixed".equals(status)) {
            d.attribute(Attributes.FINDING_FIX_AVAILABLE, "true");
        } else if (status != null) {
            d.attribute(Attributes.FINDING_FIX_AVAILABLE, "false");
        }
        return d;
    }

    /** The score of the source Trivy took the severity from, else NVD's, else the first: v4 over v3. */
    static BigDecimal cvss(JsonNode cvss, String severitySource) {
        if (cvss == null || !cvss.isObject()) {
            return null;
        }
        for (String source : new String[] {severitySource, "nvd"}) {
            BigDecimal s = source == null ? null : score(cvss.get(source));
            if (s != null) {
                return s;
            }
        }
        Iterator<Map.Entry<String, JsonNode>> it = cvss.fields();
        while (it.hasNext()) {
            BigDecimal s = score(it.next().getValue());
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    private static BigDecimal score(JsonNode entry) {
        if (entry == null) {
            return null;
        }
        BigDecimal v4 = Severities.score(text(entry, "V40Score"));
        return v4 != null ? v4 : Severities.score(text(entry, "V3Score"));
    }

    private static FindingDraft misconfiguration(JsonNode m, String id, String target) {
        FindingDraft d = new FindingDraft(id);
        d.title = text(m, "Title") != null ? text(m, "Title") : text(m, "Message");
        d.toolSeverity = text(m, "Severity");
        d.severity = Severities.fromLabel(d.toolSeverity);
        String line = textAt(m, "CauseMetadata", "StartLine");
        String resource = textAt(m, "CauseMetadata", "Resource");
        String path = FindingDraft.normalizePath(target);
        d.location = FindingDraft.pathLine(path, line);
        d.identityLocation = resource != null ? path + "#" + resource : d.location;
        String status = text(m, "Status");
        d.attribute(Attributes.FINDING_STATUS, status);
        if ("PASS".equals(status)) {
            d.state = FindingState.RESOLVED;
        }
        return d;
    }

    private static FindingDraft secret(JsonNode s, String id, String target) {
        FindingDraft d = new FindingDraft(id);
        d.title = text(s, "Title");
        d.toolSeverity = text(s, "Severity");
        d.severity = Severities.fromLabel(d.toolSeverity);
        String path = FindingDraft.normalizePath(target);
        d.location = FindingDraft.pathLine(path, text(s, "StartLine"));
        // No secret.hash: Trivy reports only a masked line, never the secret value to hash.
        d.identityLocation = d.location;
        return d;
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node != null && node.isArray() ? node : List.of();
    }
}
