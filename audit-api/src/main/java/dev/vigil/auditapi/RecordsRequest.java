package dev.vigil.auditapi;

import dev.vigil.schemas.AuditRecordKind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The validated query of {@code GET /v1/audit/records}. Every rejection is a 400 problem whose
 * {@code errors[0].pointer} is {@code /query/<parameter>}. A blank value counts as absent (an
 * empty search form), an unknown or repeated parameter is refused rather than ignored: a typo
 * must not silently widen an audit search.
 *
 * @param filtersGiven whether the request named any filter itself (with a cursor, they must then
 *     equal the cursor's)
 * @param cursor the raw cursor, or null on a first page
 */
record RecordsRequest(RecordFilters filters, boolean filtersGiven, int size, String cursor) {

    static final int DEFAULT_SIZE = 50;
    static final int MAX_SCOPE_LENGTH = 512;
    static final int MAX_TYPE_LENGTH = 256;
    static final int MAX_Q_LENGTH = 1024;
    static final int MAX_CURSOR_LENGTH = 8192;

    static final String SCOPE = "scope";
    static final String FROM = "from";
    static final String TO = "to";
    static final String Q = "q";
    static final String KIND = "kind";
    static final String TYPE = "type";
    static final String SIZE = "size";
    static final String CURSOR = "cursor";
    static final String REPOSITORY = "repository";
    static final String CONTROL = "control";
    static final String REQUIREMENT = "requirement";
    static final String VERDICT = "verdict";
    static final String SEVERITY = "severity";
    static final String ACTOR = "actor";
    static final String SORT = "sort";
    static final String AS_OF = "as_of";
    static final int MAX_ACTOR_LENGTH = 512;

    private static final Set<String> PARAMETERS = Set.of(
            SCOPE,
            FROM,
            TO,
            Q,
            KIND,
            TYPE,
            SIZE,
            CURSOR,
            REPOSITORY,
            CONTROL,
            REQUIREMENT,
            VERDICT,
            SEVERITY,
            ACTOR,
            SORT,
            AS_OF);
    private static final Set<String> KINDS =
            Arrays.stream(AuditRecordKind.values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    static RecordsRequest parse(Map<String, List<String>> query, int maxPageSize) {
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (!PARAMETERS.contains(e.getKey())) {
                throw ApiProblems.invalidParameter(
                        escapePointer(e.getKey()),
                        "Unknown parameter; this endpoint takes " + String.join(", ", sorted(PARAMETERS)) + ".");
            }
            if (e.getValue().size() > 1) {
                throw ApiProblems.invalidParameter(e.getKey(), "Give this parameter at most once.");
            }
        }
        String scope = bounded(query, SCOPE, MAX_SCOPE_LENGTH);
        String repository = bounded(query, REPOSITORY, MAX_SCOPE_LENGTH);
        if (repository != null) {
            // One filter under two names: the UI says repository, the trail says scope.
            if (scope != null && !scope.equals(repository)) {
                throw ApiProblems.invalidParameter(
                        REPOSITORY, "'repository' is another name for 'scope'; give one of them, or the same value.");
            }
            scope = repository;
        }
        Instant from = instant(query, FROM);
        Instant to = instant(query, TO);
        if (from != null && to != null && !to.isAfter(from)) {
            throw ApiProblems.invalidParameter(TO, "'to' (exclusive) must be later than 'from' (inclusive).");
        }
        String q = bounded(query, Q, MAX_Q_LENGTH);
        String kind = kind(query);
        String type = bounded(query, TYPE, MAX_TYPE_LENGTH);
        int size = size(query, maxPageSize);
        String cursor = bounded(query, CURSOR, MAX_CURSOR_LENGTH);
        String control = TrailTerms.control(value(query, CONTROL), CONTROL);
        String requirement = TrailTerms.requirement(value(query, REQUIREMENT), REQUIREMENT);
        String verdict = TrailTerms.verdict(value(query, VERDICT), VERDICT);
        String severity = TrailTerms.severity(value(query, SEVERITY), SEVERITY);
        String actor = bounded(query, ACTOR, MAX_ACTOR_LENGTH);
        Boolean descending = sort(query);
        Instant asOf = instant(query, AS_OF);
        RecordFilters filters = new RecordFilters(
                scope,
                from,
                to,
                q == null ? null : q.strip(),
                kind,
                type,
                control,
                requirement,
                verdict,
                severity,
                actor,
                descending,
                asOf);
        return new RecordsRequest(filters, !filters.isEmpty(), size, cursor);
    }

    private static String value(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty() || values.get(0).isBlank()) {
            return null;
        }
        return values.get(0);
    }

    private static String bounded(Map<String, List<String>> query, String name, int maxLength) {
        String v = value(query, name);
        if (v != null && v.length() > maxLength) {
            throw ApiProblems.invalidParameter(name, "At most " + maxLength + " characters.");
        }
        return v;
    }

    /** RFC 3339 date-time with an offset; 't' and 'z' may be lower case, as RFC 3339 allows. */
    static Instant instant(Map<String, List<String>> query, String name) {
        String v = value(query, name);
        if (v == null) {
            return null;
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(v.strip().toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw ApiProblems.invalidParameter(
                    name, "Expected an RFC 3339 date-time with offset, such as 2026-01-31T09:30:00Z.");
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw ApiProblems.invalidParameter(name, "Must lie between the years 0001 and 9999.");
        }
        return instant;
    }

    private static String kind(Map<String, List<String>> query) {
        String v = value(query, KIND);
        if (v == null) {
            return null;
        }
        String upper = v.strip().toUpperCase(Locale.ROOT);
        if (!KINDS.contains(upper)) {
            throw ApiProblems.invalidParameter(KIND, "Expected one of " + String.join(", ", sorted(KINDS)) + ".");
        }
        return upper;
    }

    /** {@code time} (the default, oldest first) or {@code -time} (newest first); the default is null. */
    private static Boolean sort(Map<String, List<String>> query) {
        String v = value(query, SORT);
        if (v == null) {
            return null;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "time", "+time" -> null;
            case "-time" -> Boolean.TRUE;
            default ->
                throw ApiProblems.invalidParameter(SORT, "Expected time (oldest first) or -time (newest first).");
        };
    }

    private static int size(Map<String, List<String>> query, int maxPageSize) {
        String v = value(query, SIZE);
        int fallback = Math.min(DEFAULT_SIZE, maxPageSize);
        if (v == null) {
            return fallback;
        }
        int size;
        try {
            size = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 1 || size > maxPageSize) {
            throw ApiProblems.invalidParameter(SIZE, "Must be an integer between 1 and " + maxPageSize + ".");
        }
        return size;
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    /** RFC 6901: a parameter name is one reference token. */
    static String escapePointer(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
