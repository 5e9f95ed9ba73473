package dev.vigil.auditapi.violations;

import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a violations query, stream or webhook subscription selects: each filter is optional and
 * all given ones must match. {@code framework} matches the prefix of a requirement ({@code SOC2} of
 * {@code SOC2:CC8.1}).
 */
public record ViolationFilters(String control, String severity, String scope, String framework) {

    public static final ViolationFilters NONE = new ViolationFilters(null, null, null, null);

    /** From query parameters; a bad value is a 400 problem naming {@code /query/<name>}. */
    public static ViolationFilters fromQuery(Map<String, List<String>> query) {
        return of(
                first(query, "control"),
                first(query, "severity"),
                first(query, "scope"),
                first(query, "framework"),
                "/query/");
    }

    /**
     * Validates and normalizes; {@code pointerBase} is {@code /query/} or {@code /filters/} so the
     * problem names where the value came from.
     */
    public static ViolationFilters of(
            String control, String severity, String scope, String framework, String pointerBase) {
        String sev = blankToNull(severity);
        if (sev != null) {
            sev = sev.toUpperCase(Locale.ROOT);
            try {
                Severity.valueOf(sev);
            } catch (IllegalArgumentException e) {
                throw invalid(pointerBase + "severity", "severity must be one of INFO, LOW, MEDIUM, HIGH, CRITICAL.");
            }
        }
        String fw = blankToNull(framework);
        if (fw != null) {
            fw = fw.toUpperCase(Locale.ROOT);
            if (!fw.matches("[A-Z0-9_-]{1,32}")) {
                throw invalid(pointerBase + "framework", "framework must be a framework name such as SOC2 or GDPR.");
            }
        }
        String c = blankToNull(control);
        if (c != null && c.length() > 64) {
            throw invalid(pointerBase + "control", "control must be a control id such as CM-04.");
        }
        String s = blankToNull(scope);
        if (s != null && s.length() > 512) {
            throw invalid(pointerBase + "scope", "scope is longer than 512 characters.");
        }
        return new ViolationFilters(c, sev, s, fw);
    }

    public boolean matches(ViolationView v) {
        return (control == null || control.equals(v.controlId()))
                && (severity == null || severity.equals(v.severity()))
                && (scope == null || scope.equals(v.scope()))
                && (framework == null
                        || v.requirements().stream()
                                .anyMatch(r -> r.toUpperCase(Locale.ROOT).startsWith(framework + ":")));
    }

    static ProblemException invalid(String pointer, String detail) {
        return new ProblemException(Problem.invalidField("invalid-parameter", "Invalid Parameter", pointer, detail));
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
