package dev.vigil.auditapi;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import dev.vigil.common.json.Json;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditFields;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/audit/record?chain=<chain id>&seq=<n>}: one record with where it stands in its
 * chain. Answers the stored document (plus {@code evidence.url}), the first checkpoint of its
 * chain at or after its seq (the signed head that covers it), the records before and after it
 * ({@code seq} and {@code hash}), and an integrity check made now: whether the document still
 * hashes to its {@code chain.hash}, and whether its {@code prev_hash} is the hash of the record
 * before it (for seq 1: the genesis hash; null when the record before it is not in the index).
 *
 * <p>Every lookup carries the caller's tenant: another tenant's record is answered exactly like
 * a missing one (404), so its existence is not revealed.
 */
final class RecordDetail {

    static final String PATH = "/v1/audit/record";
    static final String CHAIN = "chain";
    static final String SEQ = "seq";
    static final int MAX_CHAIN_LENGTH = 1024;
    private static final Set<String> PARAMETERS = Set.of(CHAIN, SEQ);

    private final ElasticsearchClient client;
    private final String trailAlias;
    private final String checkpointAlias;

    RecordDetail(ElasticsearchClient client, String trailAlias, String checkpointAlias) {
        this.client = client;
        this.trailAlias = trailAlias;
        this.checkpointAlias = checkpointAlias;
    }

    /** A validated query. */
    record Request(String chain, long seq) {

        static Request parse(Map<String, List<String>> query) {
            for (Map.Entry<String, List<String>> e : query.entrySet()) {
                if (!PARAMETERS.contains(e.getKey())) {
                    throw ApiProblems.invalidParameter(
                            RecordsRequest.escapePointer(e.getKey()),
                            "Unknown parameter; this endpoint takes chain and seq.");
                }
                if (e.getValue().size() > 1) {
                    throw ApiProblems.invalidParameter(e.getKey(), "Give this parameter at most once.");
                }
            }
            String chain = value(query, CHAIN);
            if (chain == null) {
                throw ApiProblems.invalidParameter(CHAIN, "Required: the chain id of the record (its chain.id).");
            }
            if (chain.length() > MAX_CHAIN_LENGTH) {
                throw ApiProblems.invalidParameter(CHAIN, "At most " + MAX_CHAIN_LENGTH + " characters.");
            }
            String seqText = value(query, SEQ);
            if (seqText == null) {
                throw ApiProblems.invalidParameter(SEQ, "Required: the record's position in its chain (chain.seq).");
            }
            long seq;
            try {
                seq = Long.parseLong(seqText.strip());
            } catch (NumberFormatException e) {
                seq = 0;
            }
            if (seq < 1) {
                throw ApiProblems.invalidParameter(SEQ, "Must be a positive integer (chains start at 1).");
            }
            return new Request(chain, seq);
        }

        private static String value(Map<String, List<String>> query, String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
        }
    }

    /** The answer, or a 404 problem when the caller's tenant has no such record. */
    Map<String, Object> detail(String tenant, Request request) throws IOException {
        long from = Math.max(1, request.seq() - 1);
        SearchResponse<AuditDocument> response = client.search(
                s -> s.index(trailAlias)
                        .size(3)
                        .query(q -> q.bool(b -> b.filter(
                                Query.of(f ->
                                        f.term(t -> t.field(AuditFields.TENANT).value(tenant))),
                                Query.of(f -> f.term(
                                        t -> t.field(AuditFields.CHAIN_ID).value(request.chain()))),
                                Query.of(f -> f.range(r -> r.number(n -> n.field(AuditFields.CHAIN_SEQ)
                                        .gte((double) from)
                                        .lte((double) request.seq() + 1)))))))
                        .ignoreUnavailable(true)
                        .allowNoIndices(true),
                AuditDocument.class);
        AuditDocument record = null;
        AuditDocument previous = null;
        AuditDocument next = null;
        for (Hit<AuditDocument> hit : response.hits().hits()) {
            AuditDocument d = hit.source();
            long seq = d.chain().seq();
            if (seq == request.seq()) {
                record = d;
            } else if (seq == request.seq() - 1) {
                previous = d;
            } else if (seq == request.seq() + 1) {
                next = d;
            }
        }
        if (record == null) {
            throw new ProblemException(Problem.of(
                            404,
                            "record-not-found",
                            "Record Not Found",
                            "No record at seq " + request.seq() + " of this chain in your tenant.")
                    .withInstance(PATH));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("record", withEvidenceLink(record));
        body.put("checkpoint", coveringCheckpoint(tenant, request));
        Map<String, Object> integrity = new LinkedHashMap<>();
        integrity.put(
                "hash_ok",
                AuditChain.recomputeHash(record).equals(record.chain().hash()));
        Boolean linked;
        if (request.seq() == 1) {
            linked = AuditChain.GENESIS_HASH.equals(record.chain().prevHash());
        } else if (previous != null) {
            linked = previous.chain().hash().equals(record.chain().prevHash());
        } else {
            linked = null;
        }
        integrity.put("linked_to_previous", linked);
        body.put("integrity", integrity);
        body.put("previous", position(previous));
        body.put("next", position(next));
        return body;
    }

    private CheckpointDocument coveringCheckpoint(String tenant, Request request) throws IOException {
        SearchResponse<JsonData> response = client.search(
                s -> s.index(checkpointAlias)
                        .size(1)
                        .query(q -> q.bool(b -> b.filter(
                                Query.of(f -> f.term(t -> t.field("tenant").value(tenant))),
                                Query.of(f -> f.term(t -> t.field("chain.id").value(request.chain()))),
                                Query.of(f -> f.range(
                                        r -> r.number(n -> n.field("chain.seq").gte((double) request.seq())))))))
                        .sort(o -> o.field(f -> f.field("chain.seq").order(SortOrder.Asc)))
                        .ignoreUnavailable(true)
                        .allowNoIndices(true),
                JsonData.class);
        if (response.hits().hits().isEmpty()) {
            return null;
        }
        return Json.mapper()
                .readValue(response.hits().hits().getFirst().source().toJson().toString(), CheckpointDocument.class);
    }

    private static Map<String, Object> position(AuditDocument d) {
        if (d == null) {
            return null;
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("seq", d.chain().seq());
        p.put("hash", d.chain().hash());
        return p;
    }

    private static JsonNode withEvidenceLink(AuditDocument record) {
        ObjectNode json = Json.mapper().valueToTree(record);
        JsonNode ev = json.get("evidence");
        if (ev instanceof ObjectNode evidence && ev.hasNonNull("sha256")) {
            evidence.put("url", EvidenceEndpoint.url(ev.get("sha256").asText()));
        }
        return json;
    }
}
