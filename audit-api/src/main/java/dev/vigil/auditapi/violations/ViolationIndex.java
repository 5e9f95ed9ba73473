package dev.vigil.auditapi.violations;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.BoolQuery;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The current state of a tenant's violations, folded from the trail's VIOLATION_CHANGE records:
 * for each violation id, the change with the highest sequence wins.
 *
 * <p>Bound: every change record matching the filters that can be pushed down (tenant, scope,
 * control, severity, one violation id) is read, in pages of {@value #BATCH}, and folded in memory;
 * more than {@code maxChanges} records is refused with a 400 problem asking for narrower filters,
 * rather than answered wrong or slowly. State and framework are filtered after folding (a
 * violation's state is only known from its latest change).
 */
public final class ViolationIndex {

    static final int BATCH = 2000;
    static final String KIND = "VIOLATION_CHANGE";

    private static final List<SortOptions> SORT = List.of(
            SortOptions.of(o -> o.field(f -> f.field(AuditFields.CHAIN_ID).order(SortOrder.Asc))),
            SortOptions.of(o -> o.field(f -> f.field(AuditFields.CHAIN_SEQ).order(SortOrder.Asc))));

    private final ElasticsearchClient client;
    private final String alias;
    private final int maxChanges;

    public ViolationIndex(ElasticsearchClient client, String alias, int maxChanges) {
        this.client = client;
        this.alias = alias;
        this.maxChanges = maxChanges;
    }

    /** Latest state of every violation of the tenant matching the pushed-down filters. */
    public Collection<ViolationView> current(String tenant, ViolationFilters f, String violationId) throws IOException {
        Query query = query(tenant, f, violationId);
        Map<String, ViolationView> latest = new HashMap<>();
        List<FieldValue> after = null;
        int read = 0;
        while (true) {
            List<FieldValue> searchAfter = after;
            SearchResponse<AuditDocument> r = client.search(
                    s -> {
                        s.index(alias).query(query).sort(SORT).size(BATCH).trackTotalHits(t -> t.enabled(false));
                        if (searchAfter != null) {
                            s.searchAfter(searchAfter);
                        }
                        return s;
                    },
                    AuditDocument.class);
            List<Hit<AuditDocument>> hits = r.hits().hits();
            for (Hit<AuditDocument> h : hits) {
                ViolationView v = h.source() == null ? null : ViolationView.of(h.source());
                if (v != null) {
                    latest.merge(v.violationId(), v, (a, b) -> b.sequence() >= a.sequence() ? b : a);
                }
            }
            read += hits.size();
            if (read > maxChanges) {
                throw new ProblemException(Problem.of(
                        400,
                        "too-many-violation-changes",
                        "Too Many Violation Changes",
                        "More than " + maxChanges + " violation changes match; narrow the search with scope or"
                                + " control."));
            }
            if (hits.size() < BATCH) {
                return latest.values();
            }
            after = hits.getLast().sort();
        }
    }

    static Query query(String tenant, ViolationFilters f, String violationId) {
        BoolQuery.Builder b = new BoolQuery.Builder();
        b.filter(q -> q.term(t -> t.field(AuditFields.TENANT).value(tenant)));
        b.filter(q -> q.term(t -> t.field(AuditFields.EVENT_KIND).value(KIND)));
        if (f.scope() != null) {
            b.filter(q -> q.term(t -> t.field(AuditFields.SCOPE).value(f.scope())));
        }
        if (f.control() != null) {
            b.filter(q -> q.term(t -> t.field("labels.violation.control-id").value(f.control())));
        }
        if (f.severity() != null) {
            b.filter(q -> q.term(t -> t.field("labels.violation.severity").value(f.severity())));
        }
        if (violationId != null) {
            b.filter(q -> q.term(t -> t.field("labels.violation.id").value(violationId)));
        }
        return Query.of(q -> q.bool(b.build()));
    }

    /** The violations the list shows, most recently changed first, then by id: a total order. */
    static List<ViolationView> ordered(Collection<ViolationView> all, ViolationFilters f, boolean openOnly) {
        List<ViolationView> out = new ArrayList<>();
        for (ViolationView v : all) {
            if ((!openOnly || v.open()) && f.matches(v)) {
                out.add(v);
            }
        }
        out.sort((a, b) -> {
            int c = java.time.Instant.parse(b.changedAt()).compareTo(java.time.Instant.parse(a.changedAt()));
            return c != 0 ? c : a.violationId().compareTo(b.violationId());
        });
        return out;
    }
}
