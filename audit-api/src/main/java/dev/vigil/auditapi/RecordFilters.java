package dev.vigil.auditapi;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The normalized filters of a record search (absent = null). Two requests select the same
 * records exactly when their filters are equal, which is what binds a cursor to its search.
 * The tenant is deliberately not here: it always comes from the caller's key.
 *
 * @param from inclusive lower bound on {@code @timestamp}
 * @param to exclusive upper bound on {@code @timestamp}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RecordFilters(String scope, Instant from, Instant to, String q, String kind, String type) {

    static final RecordFilters NONE = new RecordFilters(null, null, null, null, null, null);

    @JsonIgnore
    boolean isEmpty() {
        return equals(NONE);
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
        return query;
    }

    private static void put(Map<String, List<String>> query, String name, String value) {
        if (value != null) {
            query.put(name, List.of(value));
        }
    }
}
