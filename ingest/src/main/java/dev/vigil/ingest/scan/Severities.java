package dev.vigil.ingest.scan;

import dev.vigil.schemas.Severity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Every tool's severity on Vigil's one scale (the table is in ingest/README.md, "Scanner reports").
 * The tool's own label always travels beside it in {@code Finding.toolSeverity}.
 */
final class Severities {

    private static final BigDecimal TEN = BigDecimal.TEN;

    private Severities() {}

    /**
     * A CVSS-style score (0.0-10.0) as {@code Finding.cvssScore} wants it: scale 1, at most 3 digits.
     * Anything else (negative, over 10, not a number) is no score rather than a refused report: a
     * scanner's odd score must not lose the whole report.
     */
    static BigDecimal score(String text) {
        if (text == null || text.isBlank() || text.length() > 16) {
            return null;
        }
        try {
            BigDecimal value = new BigDecimal(text.strip());
            if (value.signum() < 0 || value.compareTo(TEN) > 0) {
                return null;
            }
            return value.setScale(1, RoundingMode.HALF_UP);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** GitHub's security-severity bands, also used for CVSS base scores (NVD's qualitative scale). */
    static Severity fromScore(BigDecimal score) {
        if (score == null) {
            return Severity.UNKNOWN;
        }
        double s = score.doubleValue();
        if (s >= 9.0) {
            return Severity.CRITICAL;
        }
        if (s >= 7.0) {
            return Severity.HIGH;
        }
        if (s >= 4.0) {
            return Severity.MEDIUM;
        }
        if (s >= 0.1) {
            return Severity.LOW;
        }
        return Severity.NONE;
    }

    /**
     * The common labels (Trivy, Grype, CycloneDX, OSV's GitHub advisories, OCSF, Semgrep's newer
     * labels), case-insensitive. Semgrep's ERROR/WARNING/INFO are mapped by {@link #semgrep}.
     */
    static Severity fromLabel(String label) {
        if (label == null) {
            return Severity.UNKNOWN;
        }
        return switch (label.strip().toLowerCase(Locale.ROOT)) {
            case "critical", "fatal" -> Severity.CRITICAL;
            case "high", "important", "error" -> Severity.HIGH;
            case "medium", "moderate", "warning" -> Severity.MEDIUM;
            case "low" -> Severity.LOW;
            case "info", "informational", "negligible", "note" -> Severity.INFO;
            case "none" -> Severity.NONE;
            default -> Severity.UNKNOWN;
        };
    }

    /** SARIF {@code level}: error, warning, note, none. */
    static Severity sarifLevel(String level) {
        if (level == null) {
            return Severity.UNKNOWN;
        }
        return switch (level.toLowerCase(Locale.ROOT)) {
            case "error" -> Severity.HIGH;
            case "warning" -> Severity.MEDIUM;
            case "note" -> Severity.LOW;
            case "none" -> Severity.INFO;
            default -> Severity.UNKNOWN;
        };
    }

    /** Semgrep: ERROR is its blocking level (high), WARNING medium, INFO low; newer builds label directly. */
    static Severity semgrep(String label) {
        if (label == null) {
            return Severity.UNKNOWN;
        }
        return switch (label.strip().toUpperCase(Locale.ROOT)) {
            case "ERROR" -> Severity.HIGH;
            case "WARNING" -> Severity.MEDIUM;
            case "INFO" -> Severity.LOW;
            default -> fromLabel(label);
        };
    }

    /**
     * Wazuh rule level 0-15, banded as Wazuh's own dashboard does (0-6 low, 7-11 medium, 12-14 high,
     * 15 critical), with 0-3 (ignored/system/successful events) as INFO. The level itself stays in
     * {@code ids.rule-level} so a control can use its own threshold (IR-01 uses >= 12).
     */
    static Severity wazuhLevel(int level) {
        if (level >= 15) {
            return Severity.CRITICAL;
        }
        if (level >= 12) {
            return Severity.HIGH;
        }
        if (level >= 7) {
            return Severity.MEDIUM;
        }
        if (level >= 4) {
            return Severity.LOW;
        }
        return Severity.INFO;
    }

    /** OCSF {@code severity_id}: 0 unknown, 1 informational, 2 low, 3 medium, 4 high, 5 critical, 6 fatal. */
    static Severity ocsf(int severityId) {
        return switch (severityId) {
            case 1 -> Severity.INFO;
            case 2 -> Severity.LOW;
            case 3 -> Severity.MEDIUM;
            case 4 -> Severity.HIGH;
            case 5, 6 -> Severity.CRITICAL;
            default -> Severity.UNKNOWN;
        };
    }
}
