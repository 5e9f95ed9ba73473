package dev.vigil.trail.verify;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregation;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregationSource;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.BoolQuery;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditFields;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.CheckpointIndex;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Recomputes the audit trail's hash chains from Elasticsearch and checks them against the signed
 * checkpoints (and, optionally, the Kafka trail's heads).
 *
 * <p>Memory is bounded: chains are enumerated by a composite aggregation, {@value #CHAIN_PAGE}
 * at a time; the documents of those chains are streamed sorted by {@code chain.id, chain.seq}
 * through one point in time with {@code search_after}, {@value #DOC_PAGE} hits per request, and the
 * checkpoints the same way, merged chain by chain. Per chain only the last link, one look-ahead
 * document and the anomalies found are kept ({@link ChainCheck}); across chains, the set of chain
 * ids seen (to find chains that only checkpoints or Kafka still know).
 */
public final class TrailVerifier {

    static final int CHAIN_PAGE = 200;
    static final int DOC_PAGE = 1000;
    /** Findings listed in a report; the total is always counted. */
    public static final int MAX_LISTED_FINDINGS = 1000;

    private static final String KEEP_ALIVE = "5m";

    private final ElasticsearchClient client;
    private final String trailAlias;
    private final String checkpointAlias;
    private final Map<String, PublicKey> keys;

    /**
     * @param keys the key ring: key id ({@code CheckpointSignatures.keyId}) to public key
     */
    public TrailVerifier(ElasticsearchClient client, String indexPrefix, Map<String, PublicKey> keys) {
        this.client = client;
        this.trailAlias = new AuditIndex(indexPrefix).alias();
        this.checkpointAlias = new CheckpointIndex(indexPrefix).alias();
        this.keys = Map.copyOf(keys);
    }

    /** How many trail documents the request selects (the progress bar's total). */
    public long count(VerifyRequest request) throws IOException {
        try {
            return client.count(c -> c.index(trailAlias).query(baseQuery(request, true)))
                    .count();
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Runs the verification. {@code kafkaHeads} (chain id → head, may be null) adds the comparison
     * with the Kafka trail; {@code progress} receives the number of documents verified so far.
     */
    public VerifyReport verify(VerifyRequest request, Map<String, TrailHead> kafkaHeads, LongConsumer progress)
            throws IOException {
        long started = System.nanoTime();
        Instant startedAt = Instant.now();
        long deadline = request.timeLimit() == null
                ? Long.MAX_VALUE
                : started + request.timeLimit().toNanos();
        Run run = new Run(request, kafkaHeads == null ? Map.of() : kafkaHeads, progress, deadline);
        String incomplete = null;
        try {
            incomplete = run.all();
        } finally {
            run.close();
        }
        long duration = Duration.ofNanos(System.nanoTime() - started).toMillis();
        List<Finding> listed =
                run.findings.size() > MAX_LISTED_FINDINGS ? run.findings.subList(0, MAX_LISTED_FINDINGS) : run.findings;
        return new VerifyReport(
                VerifyReport.VERSION,
                incomplete == null && run.findingsTotal == 0,
                incomplete == null,
                incomplete,
                new VerifyReport.Scope(
                        request.tenant(),
                        request.scope(),
                        request.from() == null ? null : request.from().toString(),
                        request.to() == null ? null : request.to().toString(),
                        kafkaHeads != null),
                new VerifyReport.Counts(run.chains, run.documents, run.checkpoints, run.kafkaChains),
                run.findingsTotal,
                List.copyOf(listed),
                startedAt.toString(),
                duration);
    }

    /** One verification run: its points in time, counters and findings. */
    private final class Run implements AutoCloseable {
        final VerifyRequest request;
        final Map<String, TrailHead> kafka;
        final LongConsumer progress;
        final long deadline;
        final List<Finding> findings = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        long findingsTotal;
        long chains;
        long documents;
        long checkpoints;
        long kafkaChains;
        String trailPit;
        String checkpointPit;

        Run(VerifyRequest request, Map<String, TrailHead> kafka, LongConsumer progress, long deadline) {
            this.request = request;
            this.kafka = kafka;
            this.progress = progress == null ? n -> {} : progress;
            this.deadline = deadline;
        }

        String all() throws IOException {
            trailPit = openPit(trailAlias);
            checkpointPit = openPit(checkpointAlias);
            if (trailPit != null) {
                Map<String, Object> after = null;
                do {
                    ChainPage page = chainPage(trailAlias, baseQuery(request, true), after, request.ranged());
                    if (!page.chains().isEmpty()) {
                        verifyPage(page.chains());
                    }
                    after = page.after();
                    String stop = limitReached();
                    if (stop != null) {
                        return stop;
                    }
                } while (after != null);
            }
            // Chains that only checkpoints or Kafka still know: a ranged run only covers chains
            // with documents in its range, so it does not look for them.
            boolean tails = !request.ranged();
            if (tails && checkpointPit != null) {
                Map<String, Object> after = null;
                do {
                    ChainPage page = chainPage(checkpointAlias, baseQuery(request, false), after, false);
                    for (String chain : page.chains().keySet()) {
                        if (seen.add(chain)) {
                            ChainCheck check = new ChainCheck(chain, 1, keys);
                            for (Hit<CheckpointDocument> h : checkpointsOf(chain)) {
                                check.checkpoint(h.source());
                            }
                            finishChain(chain, check, true);
                        }
                    }
                    after = page.after();
                } while (after != null);
            }
            if (tails) {
                for (Map.Entry<String, TrailHead> e : kafka.entrySet()) {
                    if (seen.add(e.getKey())) {
                        finishChain(e.getKey(), new ChainCheck(e.getKey(), 1, keys), true);
                    }
                }
            }
            return limitReached();
        }

        String limitReached() {
            if (request.maxDocuments() != null && documents >= request.maxDocuments()) {
                return "stopped after " + documents + " documents (limit " + request.maxDocuments()
                        + "): narrow the request with scope or a time range";
            }
            if (System.nanoTime() > deadline) {
                return "stopped after the time limit of " + request.timeLimit().toSeconds() + " s, " + documents
                        + " documents verified: narrow the request with scope or a time range";
            }
            return null;
        }

        /** Verifies the chains of one page: chain id → lowest seq to verify (1, or the anchor of a range). */
        void verifyPage(Map<String, long[]> page) throws IOException {
            Query docs = pageQuery(page);
            Query cps = docs;
            Peekable<Hit<AuditDocument>> d = new Peekable<>(stream(trailPit, docs, AuditDocument.class));
            Peekable<Hit<CheckpointDocument>> c = checkpointPit == null
                    ? new Peekable<>(List.<Hit<CheckpointDocument>>of().iterator())
                    : new Peekable<>(stream(checkpointPit, cps, CheckpointDocument.class));
            while (d.hasNext()) {
                String chain = d.peek().source().chain().id();
                long[] bounds = page.get(chain);
                long firstSeq = bounds == null || !request.ranged() ? 1 : Math.max(1, bounds[0] - 1);
                ChainCheck check = new ChainCheck(chain, firstSeq, keys);
                seen.add(chain);
                // Checkpoints of chains sorting before this one have no documents in this page.
                while (c.hasNext() && c.peek().source().chain().id().compareTo(chain) < 0) {
                    c.next();
                }
                ChainCheck.Link pending = link(d.next());
                while (pending != null) {
                    List<ChainCheck.Link> same = new ArrayList<>(1);
                    same.add(pending);
                    ChainCheck.Link next = null;
                    while (d.hasNext() && d.peek().source().chain().id().equals(chain)) {
                        ChainCheck.Link l = link(d.next());
                        if (l.seq() == pending.seq()) {
                            same.add(l);
                        } else {
                            next = l;
                            break;
                        }
                    }
                    while (c.hasNext()
                            && c.peek().source().chain().id().equals(chain)
                            && c.peek().source().chain().seq() <= pending.seq()) {
                        check.checkpoint(c.next().source());
                    }
                    check.documents(same, next);
                    documents += same.size();
                    if (documents % DOC_PAGE < same.size()) {
                        progress.accept(documents);
                    }
                    pending = next;
                }
                while (c.hasNext() && c.peek().source().chain().id().equals(chain)) {
                    check.checkpoint(c.next().source());
                }
                finishChain(chain, check, request.to() == null);
                if (limitReached() != null) {
                    break;
                }
            }
            progress.accept(documents);
        }

        void finishChain(String chain, ChainCheck check, boolean tail) {
            chains++;
            checkpoints += check.checkpoints();
            TrailHead head = kafka.get(chain);
            if (head != null) {
                kafkaChains++;
            }
            for (Finding f : check.finish(tail, head == null ? 0 : head.seq())) {
                findingsTotal++;
                if (findings.size() < MAX_LISTED_FINDINGS) {
                    findings.add(f);
                }
            }
        }

        Iterable<Hit<CheckpointDocument>> checkpointsOf(String chain) {
            Query q = Query.of(qq -> qq.term(t -> t.field(AuditFields.CHAIN_ID).value(chain)));
            return () -> stream(checkpointPit, q, CheckpointDocument.class);
        }

        Query pageQuery(Map<String, long[]> page) {
            BoolQuery.Builder b = new BoolQuery.Builder();
            if (request.tenant() != null) {
                b.filter(q -> q.term(t -> t.field(AuditFields.TENANT).value(request.tenant())));
            }
            if (!request.ranged()) {
                List<FieldValue> ids =
                        page.keySet().stream().map(FieldValue::of).toList();
                b.filter(q -> q.terms(t -> t.field(AuditFields.CHAIN_ID).terms(v -> v.value(ids))));
            } else {
                // A range verifies each chain's seqs from the one before its first document in the
                // range (the anchor) to its last one, whatever their @timestamp: event times are
                // not in seq order, and a time filter would make gaps that are not deletions.
                BoolQuery.Builder any = new BoolQuery.Builder();
                page.forEach((chain, bounds) -> any.should(s -> s.bool(bb -> bb.filter(
                                f -> f.term(t -> t.field(AuditFields.CHAIN_ID).value(chain)))
                        .filter(f -> f.range(r -> r.number(n -> {
                            n.field(AuditFields.CHAIN_SEQ).gte((double) Math.max(1, bounds[0] - 1));
                            if (request.to() != null) {
                                n.lte((double) bounds[1]);
                            }
                            return n;
                        }))))));
                any.minimumShouldMatch("1");
                b.filter(q -> q.bool(any.build()));
            }
            return Query.of(q -> q.bool(b.build()));
        }

        <T> Iterator<Hit<T>> stream(String pit, Query query, Class<T> type) {
            return new Iterator<>() {
                List<Hit<T>> page = List.of();
                int index;
                List<FieldValue> after;
                boolean done;

                @Override
                public boolean hasNext() {
                    if (index < page.size()) {
                        return true;
                    }
                    if (done) {
                        return false;
                    }
                    try {
                        SearchResponse<T> r = client.search(
                                s -> {
                                    s.pit(p -> p.id(pit).keepAlive(k -> k.time(KEEP_ALIVE)))
                                            .query(query)
                                            .sort(SORT)
                                            .size(DOC_PAGE)
                                            .trackTotalHits(t -> t.enabled(false));
                                    if (after != null) {
                                        s.searchAfter(after);
                                    }
                                    return s;
                                },
                                type);
                        page = r.hits().hits();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    index = 0;
                    if (page.size() < DOC_PAGE) {
                        done = true;
                    }
                    if (!page.isEmpty()) {
                        after = page.getLast().sort();
                    }
                    return index < page.size();
                }

                @Override
                public Hit<T> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return page.get(index++);
                }
            };
        }

        String openPit(String alias) throws IOException {
            try {
                return client.openPointInTime(o -> o.index(alias).keepAlive(k -> k.time(KEEP_ALIVE)))
                        .id();
            } catch (ElasticsearchException e) {
                if (e.status() == 404) {
                    return null;
                }
                throw e;
            }
        }

        @Override
        public void close() {
            for (String pit : new String[] {trailPit, checkpointPit}) {
                if (pit != null) {
                    try {
                        client.closePointInTime(c -> c.id(pit));
                    } catch (IOException | RuntimeException e) {
                        // expires after its keep-alive anyway
                    }
                }
            }
        }
    }

    private record ChainPage(Map<String, long[]> chains, Map<String, Object> after) {}

    /** One page of chain ids (with min/max seq of the selected documents), in chain id order. */
    private ChainPage chainPage(String index, Query query, Map<String, Object> after, boolean bounds)
            throws IOException {
        Map<String, Aggregation> subs = new LinkedHashMap<>();
        if (bounds) {
            subs.put("min", Aggregation.of(a -> a.min(m -> m.field(AuditFields.CHAIN_SEQ))));
            subs.put("max", Aggregation.of(a -> a.max(m -> m.field(AuditFields.CHAIN_SEQ))));
        }
        SearchResponse<Void> r = client.search(
                s -> s.index(index).size(0).query(query).aggregations("chains", a -> {
                    var comp = a.composite(c -> {
                        c.size(CHAIN_PAGE)
                                .sources(co.elastic.clients.util.NamedValue.of(
                                        "chain",
                                        CompositeAggregationSource.of(
                                                cs -> cs.terms(t -> t.field(AuditFields.CHAIN_ID)))));
                        if (after != null) {
                            Map<String, FieldValue> af = new LinkedHashMap<>();
                            after.forEach((k, v) -> af.put(k, FieldValue.of(String.valueOf(v))));
                            c.after(af);
                        }
                        return c;
                    });
                    return subs.isEmpty() ? comp : comp.aggregations(subs);
                }),
                Void.class);
        var composite = r.aggregations().get("chains").composite();
        Map<String, long[]> chains = new LinkedHashMap<>();
        for (CompositeBucket b : composite.buckets().array()) {
            String chain = b.key().get("chain").stringValue();
            long[] minMax = {1, Long.MAX_VALUE};
            if (bounds) {
                minMax[0] = b.aggregations().get("min").min().value().longValue();
                minMax[1] = b.aggregations().get("max").max().value().longValue();
            }
            chains.put(chain, minMax);
        }
        Map<String, Object> next = null;
        if (composite.afterKey() != null && chains.size() == CHAIN_PAGE) {
            next = new LinkedHashMap<>();
            for (var e : composite.afterKey().entrySet()) {
                next.put(e.getKey(), e.getValue().stringValue());
            }
        }
        return new ChainPage(chains, next);
    }

    /** The tenant, scope and (for the trail) time-range filters of a request. */
    static Query baseQuery(VerifyRequest request, boolean timeRange) {
        BoolQuery.Builder b = new BoolQuery.Builder();
        if (request.tenant() != null) {
            b.filter(q -> q.term(t -> t.field(AuditFields.TENANT).value(request.tenant())));
        }
        if (request.scope() != null) {
            b.filter(q -> q.term(t -> t.field(AuditFields.SCOPE).value(request.scope())));
        }
        if (timeRange && request.ranged()) {
            b.filter(q -> q.range(r -> r.date(d -> {
                d.field(AuditFields.TIMESTAMP);
                if (request.from() != null) {
                    d.gte(request.from().toString());
                }
                if (request.to() != null) {
                    d.lt(request.to().toString());
                }
                return d;
            })));
        }
        return Query.of(q -> q.bool(b.build()));
    }

    private static final List<SortOptions> SORT =
            List.of(ascending(AuditFields.CHAIN_ID), ascending(AuditFields.CHAIN_SEQ), ascending("_shard_doc"));

    private static SortOptions ascending(String field) {
        return SortOptions.of(o -> o.field(f -> f.field(field).order(SortOrder.Asc)));
    }

    private static ChainCheck.Link link(Hit<AuditDocument> h) {
        return ChainCheck.Link.of(h.id(), h.source());
    }
}
