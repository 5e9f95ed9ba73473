package dev.vigil.auditapi;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validation of the trail's vocabulary in query parameters (control ids, framework requirements,
 * verdict results, severities, frameworks), shared by record search and posture. Each returns the
 * normalized value, null for an absent one, and refuses anything else with a 400 naming
 * {@code /query/<parameter>}.
 */
final class TrailTerms {

    static final List<String> VERDICTS = List.of("PASS", "FAIL", "NOT_APPLICABLE", "ERROR");
    static final List<String> SEVERITIES = List.of("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO", "NONE", "UNKNOWN");
    static final List<String> FRAMEWORKS = List.of("SOC2", "GDPR");

    /** The catalog's id syntax ({@code ControlCatalog}): {@code CM-01}, {@code VM-02} ... */
    private static final Pattern CONTROL = Pattern.compile("[A-Z][A-Z0-9]*-[0-9A-Z]+");

    /**
     * {@code <framework>:<reference>} as the catalog spells it ({@code SOC2:CC8.1},
     * {@code GDPR:Art.5(1)(e)}); no comma or space, since violation changes keep their
     * requirements comma-joined in one label.
     */
    private static final Pattern REQUIREMENT = Pattern.compile("[A-Za-z0-9]{1,16}:[A-Za-z0-9.()\\-_]{1,64}");

    private TrailTerms() {}

    static String control(String value, String parameter) {
        if (value == null) {
            return null;
        }
        String id = value.strip().toUpperCase(Locale.ROOT);
        if (id.length() > 64 || !CONTROL.matcher(id).matches()) {
            throw ApiProblems.invalidParameter(
                    parameter, "Expected a control id such as CM-01 (see GET /v1/controls).");
        }
        return id;
    }

    static String requirement(String value, String parameter) {
        if (value == null) {
            return null;
        }
        String r = value.strip();
        if (!REQUIREMENT.matcher(r).matches()) {
            throw ApiProblems.invalidParameter(
                    parameter,
                    "Expected a framework requirement such as SOC2:CC8.1 or GDPR:Art.32, spelled as in the"
                            + " control catalog.");
        }
        int colon = r.indexOf(':');
        // The framework is upper case in the catalog; the reference keeps its case (Art.32, CC8.1).
        return r.substring(0, colon).toUpperCase(Locale.ROOT) + r.substring(colon);
    }

    static String verdict(String value, String parameter) {
        return oneOf(value, parameter, VERDICTS);
    }

    static String severity(String value, String parameter) {
        return oneOf(value, parameter, SEVERITIES);
    }

    static String framework(String value, String parameter) {
        return oneOf(value, parameter, FRAMEWORKS);
    }

    private static String oneOf(String value, String parameter, List<String> allowed) {
        if (value == null) {
            return null;
        }
        String v = value.strip().toUpperCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw ApiProblems.invalidParameter(parameter, "Expected one of " + String.join(", ", allowed) + ".");
        }
        return v;
    }
}
