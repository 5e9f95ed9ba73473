package dev.vigil.auditapi;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The normalized filters of a record search (absent = null). Two requests select the same
 * records exactly when their filters are equal, which is what binds a cursor to its search.
 * The tenant is deliberately not here: it always comes from the caller's key. The sort order is
 * part of the search too: a cursor of an ascending search cannot continue a descending one.
 *
 * @param scope exact scope; the {@code repository} parameter is another name for it
 * @param from inclusive lower bound on {@code @timestamp}
 * @param to exclusive upper bound on {@code @timestamp}
 * @param control a control id: a verdict of that control, or a change of one of its violations
 * @param requirement a framework requirement such as {@code SOC2:CC8.1}
 * @param verdict a verdict result; with {@code control}, {@code requirement} or {@code severity},
 *     all must hold within one verdict
 * @param severity a control severity: of a verdict, or of a violation change
 * @param actor exact {@code user.id}
 * @param descending newest first ({@code sort=-time}); null means the default, oldest first
 * @param asOf the trail as it stood then: records chained ({@code event.ingested}) at or before it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RecordFilters(
        String scope,
        Instant from,
        Instant to,
        String q,
        String kind,
        String type,
        String control,
        String requirement,
        String verdict,
        String severity,
        String actor,
        @JsonProperty("desc") Boolean descending,
        @JsonProperty("as_of") Instant asOf) {

    static final RecordFilters NONE = new RecordFilters(null, null, null, null, null, null);

    /** The filters of the first version of this endpoint. */
    RecordFilters(String scope, Instant from, Instant to, String q, String kind, String type) {
        this(scope, from, to, q, kind, type, null, null, null, null, null, null, null);
    }

    RecordFilters withActor(String userId) {
        return new RecordFilters(
                scope, from, to, q, kind, type, control, requirement, verdict, severity, userId, descending, asOf);
    }

    @JsonIgnore
    boolean isEmpty() {
        return equals(NONE);
    }

    /** Not a bean-style name: Jackson must not mistake it for the {@code desc} property. */
    boolean newestFirst() {
        return Boolean.TRUE.equals(descending);
    }

    /** These filters as the query parameters that select them (the inverse of parsing). */
    Map<String, List<String>> asQuery() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        put(query, RecordsRequest.SCOPE, scope);
        put(query, RecordsRequest.FROM, from == null ? null : from.toString());
        put(query, RecordsRequest.TO, to == null ? null : to.toString());
        put(query, RecordsRequest.Q, q);
        put(query, RecordsRequest.KIND, kind);
        put(query, RecordsRequest.TYPE, type);
        put(query, RecordsRequest.CONTROL, control);
        put(query, RecordsRequest.REQUIREMENT, requirement);
        put(query, RecordsRequest.VERDICT, verdict);
        put(query, RecordsRequest.SEVERITY, severity);
        put(query, RecordsRequest.ACTOR, actor);
        put(query, RecordsRequest.SORT, newestFirst() ? "-time" : null);
        put(query, RecordsRequest.AS_OF, asOf == null ? null : asOf.toString());
        return query;
    }

    private static void put(Map<String, List<String>> query, String name, String value) {
        if (value != null) {
            query.put(name, List.of(value));
        }
    }
}
