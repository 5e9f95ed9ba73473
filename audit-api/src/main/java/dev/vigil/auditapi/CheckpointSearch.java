package dev.vigil.auditapi;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vigil.common.json.Json;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/audit/checkpoints}: the caller's tenant's signed checkpoints, newest first
 * ({@code @timestamp} desc, then chain id, then seq desc). Checkpoints are only ever added, so
 * paging needs no point in time: the cursor is the last hit's sort values, and checkpoints
 * signed meanwhile sort before it and cannot shift later pages.
 */
final class CheckpointSearch {

    static final String SCOPE = "scope";
    static final String SIZE = "size";
    static final String CURSOR = "cursor";
    static final int DEFAULT_SIZE = 50;
    private static final Set<String> PARAMETERS = Set.of(SCOPE, SIZE, CURSOR);

    private final ElasticsearchClient client;
    private final String alias;

    CheckpointSearch(ElasticsearchClient client, String alias) {
        this.client = client;
        this.alias = alias;
    }

    /** A validated query. */
    record Request(String scope, int size, List<FieldValue> after) {

        static Request parse(Map<String, List<String>> query, int maxPageSize) {
            for (String name : query.keySet()) {
                if (!PARAMETERS.contains(name)) {
                    throw ApiProblems.invalidParameter(
                            name, "Unknown parameter; GET /v1/audit/checkpoints takes scope, size and cursor.");
                }
            }
            String scope = value(query, SCOPE);
            if (scope != null && scope.length() > RecordsRequest.MAX_SCOPE_LENGTH) {
                throw ApiProblems.invalidParameter(
                        SCOPE, "At most " + RecordsRequest.MAX_SCOPE_LENGTH + " characters.");
            }
            int size = Math.min(DEFAULT_SIZE, maxPageSize);
            String sizeText = value(query, SIZE);
            if (sizeText != null) {
                try {
                    size = Integer.parseInt(sizeText.strip());
                } catch (NumberFormatException e) {
                    size = -1;
                }
                if (size < 1 || size > maxPageSize) {
                    throw ApiProblems.invalidParameter(SIZE, "Must be an integer between 1 and " + maxPageSize + ".");
                }
            }
            String cursor = value(query, CURSOR);
            return new Request(scope, size, cursor == null ? List.of() : decode(cursor));
        }

        private static String value(Map<String, List<String>> query, String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
        }
    }

    /** One page: the checkpoints and the cursor of the next page ({@code null} on the last). */
    record Page(List<CheckpointDocument> checkpoints, String nextCursor) {}

    Page page(String tenant, Request request) throws IOException {
        List<Query> filters = new ArrayList<>();
        filters.add(Query.of(q -> q.term(t -> t.field("tenant").value(tenant))));
        if (request.scope() != null) {
            filters.add(Query.of(q -> q.term(t -> t.field("scope").value(request.scope()))));
        }
        SearchResponse<JsonData> response = client.search(
                s -> {
                    s.index(alias)
                            .size(request.size() + 1)
                            .query(q -> q.bool(b -> b.filter(filters)))
                            .sort(o -> o.field(f -> f.field("@timestamp").order(SortOrder.Desc)))
                            .sort(o -> o.field(f -> f.field("chain.id").order(SortOrder.Asc)))
                            .sort(o -> o.field(f -> f.field("chain.seq").order(SortOrder.Desc)))
                            .ignoreUnavailable(true)
                            .allowNoIndices(true);
                    if (!request.after().isEmpty()) {
                        s.searchAfter(request.after());
                    }
                    return s;
                },
                JsonData.class);
        List<Hit<JsonData>> hits = response.hits().hits();
        List<CheckpointDocument> out = new ArrayList<>();
        for (int i = 0; i < Math.min(hits.size(), request.size()); i++) {
            out.add(parse(hits.get(i).source()));
        }
        String next = hits.size() > request.size()
                ? encode(hits.get(request.size() - 1).sort())
                : null;
        return new Page(out, next);
    }

    private static CheckpointDocument parse(JsonData source) throws IOException {
        return Json.mapper().readValue(source.toJson().toString(), CheckpointDocument.class);
    }

    private static String encode(List<FieldValue> sort) {
        ArrayNode array = Json.mapper().createArrayNode();
        array.add(sort.get(0).longValue());
        array.add(sort.get(1).stringValue());
        array.add(sort.get(2).longValue());
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(array.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static List<FieldValue> decode(String cursor) {
        try {
            JsonNode node = Json.mapper().readTree(Base64.getUrlDecoder().decode(cursor));
            if (node.isArray()
                    && node.size() == 3
                    && node.get(0).canConvertToLong()
                    && node.get(1).isTextual()
                    && node.get(2).canConvertToLong()) {
                return List.of(
                        FieldValue.of(node.get(0).asLong()),
                        FieldValue.of(node.get(1).asText()),
                        FieldValue.of(node.get(2).asLong()));
            }
        } catch (IOException | IllegalArgumentException e) {
            // reported below
        }
        throw ApiProblems.invalidParameter(CURSOR, "Not a cursor of this endpoint; pass next as returned.");
    }
}
