package dev.vigil.ingest.scan;

import dev.vigil.schemas.Finding;
import dev.vigil.schemas.FindingState;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.Severity;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** One finding as an adapter reads it; {@link #toFinding} bounds its size and computes the fingerprint. */
final class FindingDraft {

    static final int MAX_TITLE = 300;
    static final int MAX_VALUE = 512;
    static final int MAX_ALIASES = 16;

    private static final Pattern ALIAS =
            Pattern.compile("(CVE-\\d{4}-\\d{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3})", Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\t]]+");

    String ruleId;
    final Set<String> aliases = new LinkedHashSet<>();
    String title;
    Severity severity = Severity.UNKNOWN;
    String toolSeverity;
    BigDecimal cvss;
    String packageName;
    String packageVersion;
    String fixedVersion;
    /** What a person reads: path:line or a resource id. */
    String location;
    /**
     * The location part of the fingerprint, tool-independent: path plus line (or the SARIF line
     * hash), a resource id, a secret's hash. Null for vulnerabilities in packages, whose identity
     * is the vulnerability and the package.
     */
    String identityLocation;

    FindingState state = FindingState.OPEN;
    final Map<String, String> attributes = new LinkedHashMap<>();

    FindingDraft(String ruleId) {
        this.ruleId = ruleId;
    }

    /** Adds CVE/GHSA ids only: other references (URLs, vendor ids) are not aliases of the vulnerability. */
    FindingDraft alias(String candidate) {
        if (candidate != null && ALIAS.matcher(candidate.strip()).matches()) {
            String a = candidate.strip();
            // GitHub writes GHSA ids with a lower-case body, NVD writes CVE ids upper case.
            String normalized = a.regionMatches(true, 0, "GHSA-", 0, 5)
                    ? "GHSA-" + a.substring(5).toLowerCase(Locale.ROOT)
                    : a.toUpperCase(Locale.ROOT);
            if (!normalized.equalsIgnoreCase(ruleId) && aliases.size() < MAX_ALIASES) {
                aliases.add(normalized);
            }
        }
        return this;
    }

    FindingDraft attribute(String key, String value) {
        if (value != null && !value.isBlank()) {
            attributes.put(key, cut(value, MAX_VALUE));
        }
        return this;
    }

    Finding toFinding(ScanCategory category) {
        String rule = ruleId == null || ruleId.isBlank() ? "unknown" : cut(ruleId, MAX_VALUE);
        return Finding.newBuilder()
                .setFingerprint(fingerprint(category, rule, aliases, packageName, identityLocation))
                .setRuleId(rule)
                .setAliases(new ArrayList<>(aliases))
                .setTitle(title == null ? null : cut(firstLine(title), MAX_TITLE))
                .setSeverity(severity)
                .setToolSeverity(toolSeverity == null ? null : cut(toolSeverity, 64))
                .setCvssScore(cvss)
                .setPackageName(cut(packageName, MAX_VALUE))
                .setPackageVersion(cut(packageVersion, MAX_VALUE))
                .setFixedVersion(cut(fixedVersion, MAX_VALUE))
                .setLocation(cut(location, MAX_VALUE))
                .setState(state)
                .setAttributes(new LinkedHashMap<>(attributes))
                .build();
    }

    /**
     * SHA-256 (hex) over, one per line: {@code vigil-finding-v1}, the category, the vulnerability or
     * rule id (a CVE alias wins over a GHSA or vendor id, so two tools naming the same CVE agree),
     * the package name in lower case, and the identity location. No tool name, version, severity,
     * title or package version: a rescan by another tool or after a partial upgrade is the same
     * finding; fixing it makes it disappear.
     */
    static String fingerprint(
            ScanCategory category, String ruleId, Set<String> aliases, String packageName, String identityLocation) {
        String id = ruleId;
        if (!ruleId.toUpperCase(Locale.ROOT).startsWith("CVE-")) {
            for (String a : aliases) {
                if (a.startsWith("CVE-")) {
                    id = a;
                    break;
                }
            }
        }
        String text = String.join(
                "\n",
                "vigil-finding-v1",
                category.name(),
                id,
                packageName == null ? "" : packageName.toLowerCase(Locale.ROOT),
                identityLocation == null ? "" : identityLocation);
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** A file path as tools write it, made comparable: forward slashes, no leading "./" or file:// scheme. */
    static String normalizePath(String path) {
        if (path == null) {
            return null;
        }
        String p = path.strip().replace('\\', '/');
        if (p.startsWith("file://")) {
            p = p.substring("file://".length());
        }
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        return p;
    }

    static String pathLine(String path, String line) {
        if (path == null) {
            return null;
        }
        return line == null ? path : path + ":" + line;
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return CONTROL.matcher(nl < 0 ? t : t.substring(0, nl)).replaceAll(" ");
    }

    static String cut(String value, int max) {
        if (value == null) {
            return null;
        }
        return value.length() <= max ? value : value.substring(0, max - 3) + "...";
    }
}
