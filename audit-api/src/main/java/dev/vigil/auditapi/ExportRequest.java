package dev.vigil.auditapi;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The validated query of {@code GET /v1/audit/export} and {@code /v1/audit/export/bundle}:
 * {@code format} (exports only), {@code from} (inclusive), {@code to} (exclusive), {@code scope}.
 * Unknown or repeated parameters are 400 problems pointing at {@code /query/<name>}: a typo must
 * not silently widen what leaves the system.
 */
record ExportRequest(Format format, String scope, Instant from, Instant to) {

    enum Format {
        CSV("csv", "text/csv; charset=utf-8; header=present"),
        JSONL("jsonl", "application/jsonl; charset=utf-8"),
        OSCAL("json", "application/json");

        final String extension;
        final String mediaType;

        Format(String extension, String mediaType) {
            this.extension = extension;
            this.mediaType = mediaType;
        }
    }

    static final String FORMAT = "format";
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    static ExportRequest parse(Map<String, List<String>> query, boolean withFormat) {
        Set<String> allowed = withFormat ? Set.of(FORMAT, "scope", "from", "to") : Set.of("scope", "from", "to");
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw ApiProblems.invalidParameter(
                        RecordsRequest.escapePointer(e.getKey()),
                        "Unknown parameter; this endpoint takes "
                                + String.join(", ", allowed.stream().sorted().toList()) + ".");
            }
            if (e.getValue().size() > 1) {
                throw ApiProblems.invalidParameter(e.getKey(), "Give this parameter at most once.");
            }
        }
        Format format = null;
        if (withFormat) {
            String f = value(query, FORMAT);
            if (f == null) {
                throw ApiProblems.invalidParameter(FORMAT, "Required: csv, jsonl or oscal.");
            }
            format = switch (f.strip().toLowerCase(Locale.ROOT)) {
                case "csv" -> Format.CSV;
                case "jsonl" -> Format.JSONL;
                case "oscal" -> Format.OSCAL;
                default -> throw ApiProblems.invalidParameter(FORMAT, "Expected csv, jsonl or oscal.");
            };
        }
        String scope = value(query, "scope");
        if (scope != null && scope.length() > RecordsRequest.MAX_SCOPE_LENGTH) {
            throw ApiProblems.invalidParameter("scope", "At most " + RecordsRequest.MAX_SCOPE_LENGTH + " characters.");
        }
        Instant from = RecordsRequest.instant(query, "from");
        Instant to = RecordsRequest.instant(query, "to");
        if (from != null && to != null && !to.isAfter(from)) {
            throw ApiProblems.invalidParameter("to", "'to' (exclusive) must be later than 'from' (inclusive).");
        }
        return new ExportRequest(format, scope, from, to);
    }

    RecordFilters filters() {
        return new RecordFilters(scope, from, to, null, null, null);
    }

    /** {@code vigil-<tenant>-<from|start>-<to|now>.<ext>}, in characters safe in any file system. */
    String fileName(String tenant, String extension) {
        return "vigil-" + safe(tenant) + "-" + (from == null ? "start" : FILE_TIME.format(from)) + "-"
                + (to == null ? "now" : FILE_TIME.format(to)) + "." + extension;
    }

    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String value(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }
}
