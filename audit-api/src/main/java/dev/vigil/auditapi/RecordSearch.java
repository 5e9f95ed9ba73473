package dev.vigil.auditapi;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.BoolQuery;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.core.search.TotalHits;
import co.elastic.clients.elasticsearch.core.search.TotalHitsRelation;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Record search over the trail alias: a point in time per search, pages by {@code search_after}.
 * Order: {@code @timestamp}, then {@code chain.id}, then {@code chain.seq}, all ascending; the
 * last two make it total. {@code _shard_doc} comes last only because a point-in-time search adds
 * it anyway, and spelling it out keeps the cursor's sort values predictable.
 */
final class RecordSearch {

    private static final Logger LOG = LoggerFactory.getLogger(RecordSearch.class);

    /** Matches counted exactly up to this many; beyond, {@code total} is this lower bound. */
    static final int TOTAL_HITS_CAP = 10_000;

    static final List<SortOptions> SORT = sort(SortOrder.Asc);
    static final List<SortOptions> SORT_DESCENDING = sort(SortOrder.Desc);

    static final String LABEL_VIOLATION_CONTROL = "labels.violation.control-id";
    static final String LABEL_VIOLATION_SEVERITY = "labels.violation.severity";
    static final String LABEL_VIOLATION_REQUIREMENTS = "labels.violation.requirements";
    static final String VERDICTS = "verdicts";
    static final String VERDICT_SEVERITY = "verdicts.severity";
    static final String VERDICT_REQUIREMENTS = "verdicts.requirements";

    private final ElasticsearchClient client;
    private final String alias;
    private final String keepAlive;

    RecordSearch(ElasticsearchClient client, String alias, String keepAlive) {
        this.client = client;
        this.alias = alias;
        this.keepAlive = keepAlive;
    }

    /**
     * One page for {@code tenant}. IOExceptions mean Elasticsearch could not be reached; an
     * {@link ElasticsearchException} that is not about the cursor propagates.
     */
    RecordsPage page(String tenant, RecordsRequest request) throws IOException {
        Cursor cursor = null;
        RecordFilters filters = request.filters();
        String pitId;
        if (request.cursor() != null) {
            cursor = Cursor.decode(request.cursor(), SORT.size());
            cursor.checkContinues(tenant, request);
            filters = cursor.filters();
            pitId = cursor.pitId();
        } else {
            pitId = client.openPointInTime(o -> o.index(alias).keepAlive(t -> t.time(keepAlive)))
                    .id();
        }
        SearchResponse<AuditDocument> response;
        try {
            response = search(tenant, filters, pitId, cursor, request.size());
        } catch (ElasticsearchException e) {
            if (cursor == null) {
                closeQuietly(pitId);
                throw e;
            }
            if (isGoneOrUnknownPit(e)) {
                LOG.debug(
                        "cursor of tenant {} refers to a point in time Elasticsearch no longer has: {}",
                        tenant,
                        e.error().type());
                throw ApiProblems.cursorExpired();
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            if (cursor == null) {
                closeQuietly(pitId);
            }
            throw e;
        }

        List<Hit<AuditDocument>> hits = response.hits().hits();
        boolean more = hits.size() > request.size();
        List<Hit<AuditDocument>> served = more ? hits.subList(0, request.size()) : hits;
        // Elasticsearch may hand back a new id for the same point in time; the latest one is valid.
        String latestPit = response.pitId() == null ? pitId : response.pitId();
        String next = null;
        if (more) {
            next = new Cursor(latestPit, sortValues(served.getLast()), tenant, filters).encode();
        } else {
            closeQuietly(latestPit);
        }
        List<AuditDocument> records = new ArrayList<>(served.size());
        served.forEach(h -> records.add(h.source()));
        TotalHits total = response.hits().total();
        return new RecordsPage(
                records,
                next,
                total == null ? null : total.value(),
                total == null ? null : total.relation() == TotalHitsRelation.Eq ? "eq" : "gte");
    }

    private SearchResponse<AuditDocument> search(
            String tenant, RecordFilters filters, String pitId, Cursor cursor, int size) throws IOException {
        return client.search(
                s -> {
                    s.pit(p -> p.id(pitId).keepAlive(t -> t.time(keepAlive)))
                            // Counted exactly up to the cap, then a lower bound ("total_relation": "gte"):
                            // past it Lucene may skip the non-competitive documents of the time sort.
                            .trackTotalHits(t -> t.count(TOTAL_HITS_CAP))
                            .query(query(tenant, filters))
                            .sort(filters.newestFirst() ? SORT_DESCENDING : SORT)
                            // One more than the page shows: whether it exists decides if there is a next page,
                            // so the last page is never an empty one.
                            .size(size + 1);
                    if (cursor != null) {
                        s.searchAfter(cursor.searchAfter().stream()
                                .map(RecordSearch::fieldValue)
                                .toList());
                    }
                    return s;
                },
                AuditDocument.class);
    }

    /** The query of a search: the tenant term always, from the caller's key, never from the request. */
    static Query query(String tenant, RecordFilters f) {
        BoolQuery.Builder b = new BoolQuery.Builder();
        b.filter(q -> q.term(t -> t.field(AuditFields.TENANT).value(tenant)));
        if (f.scope() != null) {
            b.filter(q -> q.term(t -> t.field(AuditFields.SCOPE).value(f.scope())));
        }
        if (f.from() != null || f.to() != null) {
            b.filter(q -> q.range(r -> r.date(d -> {
                d.field(AuditFields.TIMESTAMP);
                if (f.from() != null) {
                    d.gte(f.from().toString());
                }
                if (f.to() != null) {
                    d.lt(f.to().toString());
                }
                return d;
            })));
        }
        if (f.kind() != null) {
            b.filter(q -> q.term(t -> t.field(AuditFields.EVENT_KIND).value(f.kind())));
        }
        if (f.type() != null) {
            b.filter(q -> q.term(t -> t.field(AuditFields.EVENT_TYPE).value(f.type())));
        }
        if (f.actor() != null) {
            b.filter(q -> q.term(t -> t.field(AuditFields.USER_ID).value(f.actor())));
        }
        if (f.asOf() != null) {
            b.filter(asOf(f.asOf()));
        }
        Query verdictOrViolation = verdictOrViolation(f.control(), f.requirement(), f.verdict(), f.severity());
        if (verdictOrViolation != null) {
            b.filter(verdictOrViolation);
        }
        if (f.q() != null) {
            b.must(q -> q.simpleQueryString(
                    s -> s.query(f.q()).fields(List.of(AuditFields.FULL_TEXT)).defaultOperator(Operator.And)));
        }
        return Query.of(q -> q.bool(b.build()));
    }

    /** "As of": the records chained at or before the instant ({@code event.ingested}, the chained time). */
    static Query asOf(java.time.Instant asOf) {
        return Query.of(q ->
                q.range(r -> r.date(d -> d.field(AuditFields.EVENT_INGESTED).lte(asOf.toString()))));
    }

    /**
     * Records with one verdict that satisfies every given verdict-level filter at once (a record
     * with CM-01 PASS and CM-02 FAIL does not match control=CM-01 and verdict=FAIL), or, unless a
     * verdict result is asked for, violation changes of that control, requirement and severity
     * (they carry their control in labels, not as verdicts). Null when no such filter is given.
     */
    static Query verdictOrViolation(String control, String requirement, String verdict, String severity) {
        if (control == null && requirement == null && verdict == null && severity == null) {
            return null;
        }
        BoolQuery.Builder inVerdict = new BoolQuery.Builder();
        if (control != null) {
            inVerdict.filter(
                    q -> q.term(t -> t.field(AuditFields.VERDICT_CONTROL).value(control)));
        }
        if (requirement != null) {
            inVerdict.filter(q -> q.term(t -> t.field(VERDICT_REQUIREMENTS).value(requirement)));
        }
        if (verdict != null) {
            inVerdict.filter(
                    q -> q.term(t -> t.field(AuditFields.VERDICT_RESULT).value(verdict)));
        }
        if (severity != null) {
            inVerdict.filter(q -> q.term(t -> t.field(VERDICT_SEVERITY).value(severity)));
        }
        Query nested = Query.of(q -> q.nested(n -> n.path(VERDICTS)
                .query(iq -> iq.bool(inVerdict.build()))
                .scoreMode(co.elastic.clients.elasticsearch._types.query_dsl.ChildScoreMode.None)));
        if (verdict != null) {
            return nested;
        }
        BoolQuery.Builder change = new BoolQuery.Builder();
        change.filter(q -> q.term(t -> t.field(AuditFields.EVENT_KIND).value("VIOLATION_CHANGE")));
        if (control != null) {
            change.filter(q -> q.term(t -> t.field(LABEL_VIOLATION_CONTROL).value(control)));
        }
        if (requirement != null) {
            change.filter(violationRequirement(requirement));
        }
        if (severity != null) {
            change.filter(q -> q.term(t -> t.field(LABEL_VIOLATION_SEVERITY).value(severity)));
        }
        Query violation = Query.of(q -> q.bool(change.build()));
        return Query.of(q -> q.bool(b -> b.should(nested, violation).minimumShouldMatch("1")));
    }

    /**
     * A violation change naming the requirement. Its label holds the requirements comma-joined
     * ({@code SOC2:CC8.1,GDPR:Art.32}), and Elasticsearch has no wildcard query on a flattened
     * field: the label matches when it is the requirement or starts with it, and otherwise the
     * change matches when its control is one the built-in catalog maps to the requirement.
     * {@link TrailTerms#requirement} admits no comma.
     */
    static Query violationRequirement(String requirement) {
        String field = LABEL_VIOLATION_REQUIREMENTS;
        List<FieldValue> controls = ControlsEndpoint.controlsWith(r -> r.equals(requirement)).stream()
                .map(FieldValue::of)
                .toList();
        return Query.of(q -> q.bool(b -> {
            b.should(Query.of(s -> s.term(t -> t.field(field).value(requirement))));
            b.should(Query.of(s -> s.prefix(p -> p.field(field).value(requirement + ","))));
            if (!controls.isEmpty()) {
                b.should(Query.of(
                        s -> s.terms(t -> t.field(LABEL_VIOLATION_CONTROL).terms(v -> v.value(controls)))));
            }
            return b.minimumShouldMatch("1");
        }));
    }

    /** A violation change of a requirement of {@code framework}: as {@link #violationRequirement}. */
    static Query violationFramework(String framework) {
        String field = LABEL_VIOLATION_REQUIREMENTS;
        List<FieldValue> controls = ControlsEndpoint.controlsWith(r -> r.startsWith(framework + ":")).stream()
                .map(FieldValue::of)
                .toList();
        return Query.of(q -> q.bool(b -> {
            b.should(Query.of(s -> s.prefix(p -> p.field(field).value(framework + ":"))));
            if (!controls.isEmpty()) {
                b.should(Query.of(
                        s -> s.terms(t -> t.field(LABEL_VIOLATION_CONTROL).terms(v -> v.value(controls)))));
            }
            return b.minimumShouldMatch("1");
        }));
    }

    private static boolean isGoneOrUnknownPit(ElasticsearchException e) {
        // 404: the point in time expired or was closed; 400: the id is not one Elasticsearch can read.
        return e.status() == 404 || e.status() == 400;
    }

    private void closeQuietly(String pitId) {
        try {
            client.closePointInTime(c -> c.id(pitId));
        } catch (IOException | RuntimeException e) {
            // Not worth failing a page over: the point in time expires after its keep-alive anyway.
            LOG.debug("closing a point in time failed; it will expire after {}: {}", keepAlive, e.toString());
        }
    }

    private static List<Object> sortValues(Hit<?> hit) {
        List<Object> values = new ArrayList<>(hit.sort().size());
        for (FieldValue v : hit.sort()) {
            if (v.isLong()) {
                values.add(v.longValue());
            } else if (v.isString()) {
                values.add(v.stringValue());
            } else {
                throw new IllegalStateException("unexpected sort value kind " + v._kind() + " in hit " + hit.id());
            }
        }
        return values;
    }

    private static FieldValue fieldValue(Object v) {
        return v instanceof Long l ? FieldValue.of(l) : FieldValue.of((String) v);
    }

    private static List<SortOptions> sort(SortOrder order) {
        return List.of(
                by(AuditFields.TIMESTAMP, order),
                by(AuditFields.CHAIN_ID, order),
                by(AuditFields.CHAIN_SEQ, order),
                by("_shard_doc", order));
    }

    private static SortOptions by(String field, SortOrder order) {
        return SortOptions.of(o -> o.field(f -> f.field(field).order(order)));
    }
}
