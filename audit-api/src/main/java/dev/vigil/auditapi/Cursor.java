package dev.vigil.auditapi;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.http.ProblemException;
import dev.vigil.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Where a paged search stands: the point in time it reads, the sort values of the last record
 * served, and what the search was (tenant and filters). Clients see it as an opaque base64url
 * string. It grants nothing: every page is still filtered by the caller's own tenant on the
 * server side; binding the tenant and filters only turns a misused cursor into a clear 400
 * instead of a page of some other search.
 *
 * @param searchAfter the sort values, each a {@link Long} or a {@link String}
 */
record Cursor(String pitId, List<Object> searchAfter, String tenant, RecordFilters filters) {

    static final int VERSION = 1;

    Cursor {
        Objects.requireNonNull(pitId, "pitId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(filters, "filters");
        searchAfter = List.copyOf(searchAfter);
    }

    /** The wire form; short keys keep the cursor small, since the PIT id is already long. */
    private record Wire(
            @JsonProperty("v") int version,
            @JsonProperty("pit") String pitId,
            @JsonProperty("after") JsonNode searchAfter,
            @JsonProperty("t") String tenant,
            @JsonProperty("f") RecordFilters filters) {}

    String encode() {
        ArrayNode after = Json.mapper().createArrayNode();
        for (Object v : searchAfter) {
            switch (v) {
                case Long l -> after.add(l);
                case String s -> after.add(s);
                default -> throw new IllegalArgumentException("sort value neither long nor string: " + v);
            }
        }
        try {
            byte[] json = Json.mapper().writeValueAsBytes(new Wire(VERSION, pitId, after, tenant, filters));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes a cursor this API issued. Anything else (truncated, edited, another version) is a
     * 400 naming {@code /query/cursor}; the detail never echoes the cursor's content.
     */
    static Cursor decode(String text, int expectedSortValues) {
        Wire wire;
        try {
            byte[] json = Base64.getUrlDecoder().decode(text.strip());
            JsonNode tree = Json.mapper().readTree(json);
            if (!(tree instanceof ObjectNode)) {
                throw invalid();
            }
            wire = Json.mapper().treeToValue(tree, Wire.class);
        } catch (IllegalArgumentException | IOException e) {
            throw invalid();
        }
        if (wire.version() != VERSION
                || isBlank(wire.pitId())
                || isBlank(wire.tenant())
                || wire.filters() == null
                || wire.searchAfter() == null
                || !wire.searchAfter().isArray()
                || wire.searchAfter().size() != expectedSortValues) {
            throw invalid();
        }
        try {
            // An edited cursor must not smuggle in filters a request could not have given.
            if (!RecordsRequest.parse(wire.filters().asQuery(), Integer.MAX_VALUE)
                    .filters()
                    .equals(wire.filters())) {
                throw invalid();
            }
        } catch (ProblemException e) {
            throw invalid();
        }
        List<Object> after = new ArrayList<>();
        for (JsonNode v : wire.searchAfter()) {
            if (v.isIntegralNumber() && v.canConvertToLong()) {
                after.add(v.longValue());
            } else if (v.isTextual()) {
                after.add(v.textValue());
            } else {
                throw invalid();
            }
        }
        return new Cursor(wire.pitId(), after, wire.tenant(), wire.filters());
    }

    /**
     * Checks that this cursor continues the caller's search: same tenant, and, when the request
     * repeats filters, the very same filters.
     */
    void checkContinues(String callerTenant, RecordsRequest request) {
        if (!tenant.equals(callerTenant)) {
            throw ApiProblems.invalidParameter(
                    RecordsRequest.CURSOR, "This cursor belongs to another search; start a new search without it.");
        }
        if (request.filtersGiven() && !filters.equals(request.filters())) {
            throw ApiProblems.invalidParameter(
                    RecordsRequest.CURSOR,
                    "This cursor continues a search with other filters; repeat that search's filters exactly,"
                            + " give none, or start a new search without a cursor.");
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static ProblemException invalid() {
        return ApiProblems.invalidParameter(
                RecordsRequest.CURSOR,
                "Not a cursor issued by this API; pass the 'next' value of a response unchanged.");
    }
}
