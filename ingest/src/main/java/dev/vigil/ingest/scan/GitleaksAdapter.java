package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanJson.element;
import static dev.vigil.ingest.scan.ScanJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.JsonInput;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.Severity;

/**
 * gitleaks v8 JSON (a top-level array). gitleaks has no severity: every leak is HIGH by policy (a
 * committed credential must be rotated whatever it unlocks). {@link #redact} replaces
 * {@code Secret}, {@code Match} and {@code Line} with keyed hashes before anything is kept.
 */
public final class GitleaksAdapter extends ScanAdapter {

    private final SecretHasher hasher;

    public GitleaksAdapter(SecretHasher hasher, int maxRecordBytes) {
        super(ScanFormat.GITLEAKS, maxRecordBytes);
        this.hasher = hasher;
    }

    @Override
    public RawInput redact(RawInput input) throws InvalidInputException {
        JsonNode root = ScanJson.parse(input.body());
        if (!root.isArray()) {
            return input;
        }
        boolean changed = false;
        for (JsonNode leak : root) {
            if (!(leak instanceof ObjectNode l)) {
                continue;
            }
            JsonNode secretNode = l.get("Secret");
            String secret = secretNode != null && secretNode.isTextual() ? secretNode.asText() : null;
            if (SecretHasher.isHash(secret)) {
                continue; // already redacted (a replayed, kept report): redaction must be idempotent
            }
            if (secret != null && !secret.isEmpty()) {
                String hash = hasher.hash(secret);
                l.put("Secret", hash);
                changed = true;
                changed |= mask(l, "Match", secret, hash);
                changed |= mask(l, "Line", secret, hash);
            } else {
                changed |= hashWhole(l, "Match");
                changed |= hashWhole(l, "Line");
            }
        }
        return changed ? input.withBody(ScanJson.write(root)) : input;
    }

    /** The secret inside the match is replaced by its hash; a match that would still differ is hashed whole. */
    private boolean mask(ObjectNode leak, String field, String secret, String hash) {
        JsonNode node = leak.get(field);
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            return false;
        }
        String value = node.asText();
        if (SecretHasher.isHash(value)) {
            return false;
        }
        // Keeping the rest of a match ("AWS_KEY=" + hash) helps a reader, but only when the secret is
        // wholly inside it; anything else (a multi-line key cut short) is hashed whole.
        leak.put(field, value.contains(secret) ? value.replace(secret, hash) : hasher.hash(value));
        return true;
    }

    private boolean hashWhole(ObjectNode leak, String field) {
        JsonNode node = leak.get(field);
        if (node != null
                && node.isTextual()
                && !node.asText().isEmpty()
                && !node.asText().contains(SecretHasher.PREFIX)) {
            leak.put(field, hasher.hash(node.asText()));
            return true;
        }
        return false;
    }

    @Override
    Report parse(RawInput input) throws InvalidInputException {
        JsonNode root = ScanJson.parse(input.body());
        if (!root.isArray()) {
            throw InvalidInputException.invalidField(
                    "", "A gitleaks report is a JSON array of findings, not " + JsonInput.describe(root) + ".");
        }
        Report report = new Report();
        report.source = "gitleaks";
        Report.Series series = report.series(ScanCategory.SECRET, "gitleaks", null);
        ArrayNode leaks = (ArrayNode) root;
        for (int i = 0; i < leaks.size(); i++) {
            String p = "/" + i;
            ObjectNode leak = element(leaks, i, "");
            FindingDraft d = new FindingDraft(ScanJson.requireText(leak, p, "RuleID"));
            d.title = text(leak, "Description");
            d.severity = Severity.HIGH;
            String path = FindingDraft.normalizePath(text(leak, "File"));
            d.location = FindingDraft.pathLine(path, text(leak, "StartLine"));
            String secret = text(leak, "Secret");
            if (SecretHasher.isHash(secret)) {
                d.attribute(Attributes.SECRET_HASH, secret);
                // The same secret in the same file is one finding, whichever commit or line shows it.
                d.identityLocation = path + "#" + secret;
            } else {
                d.identityLocation = d.location;
            }
            d.attribute(Attributes.SECRET_COMMIT, text(leak, "Commit"));
            series.findings.add(d);
        }
        return report;
    }
}
