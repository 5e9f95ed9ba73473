package dev.vigil.auditapi;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregation;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregate;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregationSource;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeBucket;
import co.elastic.clients.elasticsearch._types.aggregations.DateHistogramBucket;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.BoolQuery;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.util.NamedValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.json.Json;
import dev.vigil.controls.Control;
import dev.vigil.controls.ControlCatalog;
import dev.vigil.trail.AuditFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /v1/audit/posture}: pass/fail counts per control and per framework requirement, in
 * total and per time bucket, and the open violations, all of the caller's tenant.
 *
 * <p>Verdict counts aggregate the nested {@code verdicts} of the records whose {@code @timestamp}
 * lies in [{@code from}, {@code to}); buckets are {@code fixed_interval} ({@code 1h}, {@code 1d},
 * {@code 7d}, aligned to the epoch, UTC). {@code framework} keeps the verdicts of controls with a
 * requirement of that framework, and that framework's requirements.
 *
 * <p>Open violations: for each {@code labels.violation.id}, its latest change (the highest
 * {@code chain.seq}: all changes of one violation are in one chain, so that order is exact),
 * open when that change's state is OPENED, REOPENED or RISK_EXPIRED. Read with a composite
 * aggregation in pages of {@value #VIOLATION_PAGE} ids (with the chain id, constant per
 * violation), comparing the highest seq of all its changes with the highest seq of its
 * open-state changes on doc values; only the open ones' latest changes are then fetched by id. Up to
 * {@value #MAX_VIOLATIONS} violation ids per request; beyond that the answer says
 * {@code "complete": false}.
 *
 * <p>"As of": only records chained ({@code event.ingested}) at or before {@code as_of} count,
 * verdicts and violation changes alike; open violations and their age are as at {@code as_of}
 * (now by default).
 */
final class PostureSearch {

    static final String PATH = "/v1/audit/posture";
    static final String FROM = "from";
    static final String TO = "to";
    static final String INTERVAL = "interval";
    static final String FRAMEWORK = "framework";
    static final String AS_OF = "as_of";
    static final Map<String, Duration> INTERVALS =
            Map.of("1h", Duration.ofHours(1), "1d", Duration.ofDays(1), "7d", Duration.ofDays(7));
    static final Duration DEFAULT_WINDOW = Duration.ofDays(30);
    static final int MAX_BUCKETS = 400;
    /**
     * Violation ids per composite page: each is at most four buckets (the id and its three
     * sub-aggregations), so 10,000 stays under Elasticsearch's default {@code search.max_buckets}
     * (65,536), and a tenant with tens of thousands of violations needs only a few passes (each
     * page is a pass over all of the tenant's violation changes: 10,000 rather than 5,000 halved
     * the passes, docs/performance.md).
     */
    static final int VIOLATION_PAGE = 10_000;

    static final int MAX_VIOLATIONS = 100_000;
    static final Set<String> OPEN_STATES = Set.of("OPENED", "REOPENED", "RISK_EXPIRED");
    private static final Set<String> PARAMETERS = Set.of(FROM, TO, INTERVAL, FRAMEWORK, AS_OF);
    private static final int MAX_TERMS = 1000;
    static final String LABEL_VIOLATION_ID = "labels.violation.id";

    private static CompositeAggregationSource terms(String field) {
        return CompositeAggregationSource.of(src -> src.terms(t -> t.field(field)));
    }

    /**
     * How long an answer is reused for the same question ({@link #cacheKey}). A cached answer is
     * the one computed then, unchanged: its {@code as_of} (now, when not given) and
     * {@code computed_at} say when Elasticsearch was read, {@code "cached": true} says it was
     * reused, and it is at most this much older than the request. It is exactly as correct as of
     * its {@code as_of} as a fresh answer (both miss records not yet indexed when they were read);
     * what it can miss is what was indexed during these seconds. Nothing invalidates an entry
     * early: it expires. A dashboard polling posture costs Elasticsearch one aggregation per
     * {@code CACHE_TTL} instead of one per viewer and refresh.
     */
    static final Duration CACHE_TTL = Duration.ofSeconds(5);

    static final int CACHE_ENTRIES = 256;
    /** Runs the open-violation search alongside the verdict aggregation (I/O-bound: virtual threads). */
    private static final ExecutorService PARALLEL = Executors.newVirtualThreadPerTaskExecutor();

    private final ElasticsearchClient client;
    private final String alias;
    private final ControlCatalog catalog;
    private final Clock clock;
    private final Duration cacheTtl;
    private final int violationPage;
    private final ConcurrentHashMap<CacheKey, Cached> cache = new ConcurrentHashMap<>();

    PostureSearch(ElasticsearchClient client, String alias, ControlCatalog catalog, Clock clock) {
        this(client, alias, catalog, clock, CACHE_TTL, VIOLATION_PAGE);
    }

    /** {@code cacheTtl} zero: never cache; {@code violationPage}: violation ids per composite page. */
    PostureSearch(
            ElasticsearchClient client,
            String alias,
            ControlCatalog catalog,
            Clock clock,
            Duration cacheTtl,
            int violationPage) {
        this.client = client;
        this.alias = alias;
        this.catalog = catalog;
        this.clock = clock;
        this.cacheTtl = cacheTtl;
        this.violationPage = violationPage;
    }

    /**
     * A validated query; {@code asOf} null means now. {@code fromGiven}/{@code toGiven}: whether the
     * caller named the window's ends or they are the defaults (relative to now), which decides
     * whether two requests ask the same question ({@link #cacheKey}).
     */
    record Request(
            Instant from,
            Instant to,
            String interval,
            String framework,
            Instant asOf,
            boolean fromGiven,
            boolean toGiven) {

        Request(Instant from, Instant to, String interval, String framework, Instant asOf) {
            this(from, to, interval, framework, asOf, true, true);
        }

        static Request parse(Map<String, List<String>> query, Instant now) {
            for (Map.Entry<String, List<String>> e : query.entrySet()) {
                if (!PARAMETERS.contains(e.getKey())) {
                    throw ApiProblems.invalidParameter(
                            RecordsRequest.escapePointer(e.getKey()),
                            "Unknown parameter; this endpoint takes from, to, interval, framework and as_of.");
                }
                if (e.getValue().size() > 1) {
                    throw ApiProblems.invalidParameter(e.getKey(), "Give this parameter at most once.");
                }
            }
            Instant asOf = RecordsRequest.instant(query, AS_OF);
            Instant to = RecordsRequest.instant(query, TO);
            Instant from = RecordsRequest.instant(query, FROM);
            boolean fromGiven = from != null;
            boolean toGiven = to != null;
            String interval = value(query, INTERVAL);
            if (interval == null) {
                interval = "1d";
            } else if (!INTERVALS.containsKey(interval.strip())) {
                throw ApiProblems.invalidParameter(INTERVAL, "Expected 1h, 1d or 7d.");
            } else {
                interval = interval.strip();
            }
            String framework = TrailTerms.framework(value(query, FRAMEWORK), FRAMEWORK);
            if (to == null) {
                to = asOf != null ? asOf : now;
            }
            if (from == null) {
                from = to.minus(DEFAULT_WINDOW);
            }
            if (!to.isAfter(from)) {
                throw ApiProblems.invalidParameter(TO, "'to' (exclusive) must be later than 'from' (inclusive).");
            }
            Duration step = INTERVALS.get(interval);
            // Bounded so one request cannot ask Elasticsearch for millions of buckets.
            if (Duration.between(from, to).dividedBy(step) > MAX_BUCKETS) {
                throw ApiProblems.invalidParameter(
                        INTERVAL,
                        "At most " + MAX_BUCKETS + " buckets: choose a longer interval or a shorter from/to range.");
            }
            return new Request(from, to, interval, framework, asOf, fromGiven, toGiven);
        }

        private static String value(Map<String, List<String>> query, String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
        }
    }

    /**
     * The posture of {@code tenant}, from the cache when the same question (same tenant and
     * parameters as given) was answered less than {@link #CACHE_TTL} ago: see {@link #CACHE_TTL}
     * for what such an answer says and how stale it may be.
     */
    Map<String, Object> posture(String tenant, Request request) throws IOException {
        CacheKey key = cacheKey(tenant, request);
        long now = System.nanoTime();
        Cached hit = cache.get(key);
        if (hit != null && now - hit.nanos() < cacheTtl.toNanos()) {
            return answer(hit.body(), hit.computedAt(), true);
        }
        Instant computedAt = clock.instant();
        Map<String, Object> body = compute(tenant, request, computedAt);
        if (!cacheTtl.isZero()) {
            if (cache.size() >= CACHE_ENTRIES) {
                cache.values().removeIf(c -> now - c.nanos() >= cacheTtl.toNanos());
                if (cache.size() >= CACHE_ENTRIES) {
                    cache.clear();
                }
            }
            cache.put(key, new Cached(body, computedAt, now));
        }
        return answer(body, computedAt, false);
    }

    /** The computed body plus the two fields that say when it was read and whether it was cached. */
    private static Map<String, Object> answer(Map<String, Object> body, Instant computedAt, boolean cached) {
        Map<String, Object> json = new LinkedHashMap<>(body);
        json.put("computed_at", computedAt.toString());
        json.put("cached", cached);
        return json;
    }

    /**
     * Two requests ask the same question when tenant and parameters, as given, are equal: a window
     * left to its defaults is "the last 30 days up to now" whatever the clock says.
     */
    static CacheKey cacheKey(String tenant, Request r) {
        return new CacheKey(
                tenant,
                r.fromGiven() ? r.from() : null,
                r.toGiven() ? r.to() : null,
                r.interval(),
                r.framework(),
                r.asOf());
    }

    record CacheKey(String tenant, Instant from, Instant to, String interval, String framework, Instant asOf) {}

    private record Cached(Map<String, Object> body, Instant computedAt, long nanos) {}

    private Map<String, Object> compute(String tenant, Request request, Instant now) throws IOException {
        Instant at = request.asOf() != null ? request.asOf() : now;
        // The open violations are a separate search (composite pages over violation ids): run it
        // alongside the verdict aggregation instead of after it.
        CompletableFuture<Map<String, Object>> open = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return openViolations(tenant, request.framework(), at, request.asOf() != null);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                PARALLEL);
        Map<String, Counts> controls = new TreeMap<>();
        Map<String, Counts> requirements = new TreeMap<>();
        List<Long> bucketKeys = new ArrayList<>();
        try {
            verdictCounts(tenant, request, controls, requirements, bucketKeys);
        } catch (IOException | RuntimeException e) {
            open.cancel(false);
            throw e;
        }
        for (Control c : catalog.controls()) {
            if (ControlsEndpoint.inFramework(c, request.framework())) {
                controls.computeIfAbsent(c.id(), k -> new Counts());
                for (String r : c.requirements()) {
                    if (request.framework() == null || r.startsWith(request.framework() + ":")) {
                        requirements.computeIfAbsent(r, k -> new Counts());
                    }
                }
            }
        }
        Map<String, Control> byId = new LinkedHashMap<>();
        catalog.controls().forEach(c -> byId.put(c.id(), c));

        List<Map<String, Object>> controlsJson = new ArrayList<>();
        controls.forEach((id, counts) -> {
            Control c = byId.get(id);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("control_id", id);
            json.put("title", c == null ? null : c.title());
            json.put(
                    "severity",
                    c == null || c.severity() == null ? null : c.severity().name());
            json.put("requirements", c == null ? List.of() : c.requirements());
            json.put("pass", counts.total("PASS"));
            json.put("fail", counts.total("FAIL"));
            json.put("not_applicable", counts.total("NOT_APPLICABLE"));
            json.put("error", counts.total("ERROR"));
            json.put("series", counts.series(bucketKeys));
            controlsJson.add(json);
        });
        List<Map<String, Object>> requirementsJson = new ArrayList<>();
        requirements.forEach((r, counts) -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("requirement", r);
            json.put("pass", counts.total("PASS"));
            json.put("fail", counts.total("FAIL"));
            json.put("series", counts.series(bucketKeys));
            requirementsJson.add(json);
        });

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", request.from().toString());
        body.put("to", request.to().toString());
        body.put("as_of", at.toString());
        body.put("interval", request.interval());
        body.put("framework", request.framework());
        body.put("controls", controlsJson);
        body.put("requirements", requirementsJson);
        body.put("open_violations", join(open));
        return body;
    }

    private static <T> T join(CompletableFuture<T> future) throws IOException {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    // ------------------------------------------------------------------ verdicts

    /** Verdict results per key (control id or requirement), in total and per bucket start (epoch ms). */
    static final class Counts {
        final Map<String, Long> totals = new TreeMap<>();
        final Map<Long, Map<String, Long>> perBucket = new TreeMap<>();

        long total(String result) {
            return totals.getOrDefault(result, 0L);
        }

        /** The histogram buckets cover [from, to) exactly as the query does, so they add up to the totals. */
        void add(long bucket, String result, long n) {
            totals.merge(result, n, Long::sum);
            perBucket.computeIfAbsent(bucket, k -> new TreeMap<>()).merge(result, n, Long::sum);
        }

        List<Map<String, Object>> series(List<Long> bucketKeys) {
            List<Map<String, Object>> out = new ArrayList<>(bucketKeys.size());
            for (Long key : bucketKeys) {
                Map<String, Long> counts = perBucket.getOrDefault(key, Map.of());
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("t", Instant.ofEpochMilli(key).toString());
                point.put("pass", counts.getOrDefault("PASS", 0L));
                point.put("fail", counts.getOrDefault("FAIL", 0L));
                out.add(point);
            }
            return out;
        }
    }

    private void verdictCounts(
            String tenant,
            Request request,
            Map<String, Counts> controls,
            Map<String, Counts> requirements,
            List<Long> bucketKeys)
            throws IOException {
        BoolQuery.Builder records = new BoolQuery.Builder();
        records.filter(q -> q.term(t -> t.field(AuditFields.TENANT).value(tenant)));
        records.filter(q -> q.range(r -> r.date(d -> d.field(AuditFields.TIMESTAMP)
                .gte(request.from().toString())
                .lt(request.to().toString()))));
        if (request.asOf() != null) {
            records.filter(RecordSearch.asOf(request.asOf()));
        }
        // No "has verdicts" (nested match_all) filter: the nested aggregation below only sees the
        // verdicts of the matched records anyway, and that join cost more than the records without
        // verdicts (access records, violation changes) cost the date histogram.
        Query inFramework = request.framework() == null
                ? Query.of(q -> q.matchAll(a -> a))
                : Query.of(q ->
                        q.prefix(p -> p.field(RecordSearch.VERDICT_REQUIREMENTS).value(request.framework() + ":")));
        String include = request.framework() == null ? null : request.framework() + ":.*";
        Aggregation verdicts = Aggregation.of(
                a -> a.nested(n -> n.path(RecordSearch.VERDICTS)).aggregations("f", f -> f.filter(inFramework)
                        .aggregations("controls", byResult(AuditFields.VERDICT_CONTROL, null))
                        .aggregations("requirements", byResult(RecordSearch.VERDICT_REQUIREMENTS, include))));
        long stepMillis = INTERVALS.get(request.interval()).toMillis();
        SearchResponse<Void> response =
                client.search(
                        s -> s.index(alias)
                                .size(0)
                                .trackTotalHits(t -> t.enabled(false))
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)
                                .query(q -> q.bool(records.build()))
                                // Only per bucket: the totals are the buckets' sums (Counts.add), so a
                                // top-level copy of the nested aggregation would double the work for nothing.
                                .aggregations("t", t -> t.dateHistogram(h -> h.field(AuditFields.TIMESTAMP)
                                                .fixedInterval(i -> i.time(request.interval()))
                                                .minDocCount(0)
                                                .extendedBounds(e -> e.min(co.elastic.clients.elasticsearch._types
                                                                .aggregations.FieldDateMath.of(m -> m.value(
                                                                request.from().toEpochMilli())))
                                                        .max(co.elastic.clients.elasticsearch._types.aggregations
                                                                .FieldDateMath.of(m -> m.value(
                                                                request.to().toEpochMilli() - 1)))))
                                        .aggregations("v", verdicts)),
                        Void.class);
        if (response.aggregations() == null || response.aggregations().isEmpty()) {
            // No index behind the alias yet: empty buckets over the range.
            long first = Math.floorDiv(request.from().toEpochMilli(), stepMillis) * stepMillis;
            for (long k = first; k < request.to().toEpochMilli(); k += stepMillis) {
                bucketKeys.add(k);
            }
            return;
        }
        for (DateHistogramBucket b :
                response.aggregations().get("t").dateHistogram().buckets().array()) {
            bucketKeys.add(b.key());
            addCounts(b.aggregations().get("v"), b.key(), controls, requirements);
        }
    }

    private static Aggregation byResult(String field, String include) {
        return Aggregation.of(a -> a.terms(t -> {
                    t.field(field).size(MAX_TERMS);
                    if (include != null) {
                        t.include(i -> i.regexp(include));
                    }
                    return t;
                })
                .aggregations(
                        "results",
                        r -> r.terms(t -> t.field(AuditFields.VERDICT_RESULT).size(8))));
    }

    private static void addCounts(
            Aggregate nested, long bucket, Map<String, Counts> controls, Map<String, Counts> requirements) {
        Aggregate filtered = nested.nested().aggregations().get("f");
        add(filtered.filter().aggregations().get("controls"), bucket, controls);
        add(filtered.filter().aggregations().get("requirements"), bucket, requirements);
    }

    private static void add(Aggregate terms, long bucket, Map<String, Counts> into) {
        for (StringTermsBucket key : terms.sterms().buckets().array()) {
            Counts counts = into.computeIfAbsent(key.key().stringValue(), k -> new Counts());
            for (StringTermsBucket result :
                    key.aggregations().get("results").sterms().buckets().array()) {
                counts.add(bucket, result.key().stringValue(), result.docCount());
            }
        }
    }

    // ------------------------------------------------------------------ open violations

    private Map<String, Object> openViolations(String tenant, String framework, Instant at, boolean asOfGiven)
            throws IOException {
        BoolQuery.Builder changes = new BoolQuery.Builder();
        changes.filter(q -> q.term(t -> t.field(AuditFields.TENANT).value(tenant)));
        changes.filter(q -> q.term(t -> t.field(AuditFields.EVENT_KIND).value("VIOLATION_CHANGE")));
        if (asOfGiven) {
            changes.filter(RecordSearch.asOf(at));
        }
        if (framework != null) {
            changes.filter(RecordSearch.violationFramework(framework));
        }
        Query query = Query.of(q -> q.bool(changes.build()));
        Map<String, Long> bySeverity = new LinkedHashMap<>();
        for (String s : TrailTerms.SEVERITIES) {
            bySeverity.put(s, 0L);
        }
        long[] byAge = new long[4];
        long total = 0;
        int seen = 0;
        boolean complete = true;
        Map<String, FieldValue> after = null;
        while (true) {
            Map<String, FieldValue> afterKey = after;
            SearchResponse<Void> response = client.search(
                    s -> s.index(alias)
                            .size(0)
                            .trackTotalHits(t -> t.enabled(false))
                            .ignoreUnavailable(true)
                            .allowNoIndices(true)
                            .query(query)
                            .aggregations("ids", a -> a.composite(c -> {
                                        c.size(violationPage)
                                                .sources(
                                                        NamedValue.of("id", terms(LABEL_VIOLATION_ID)),
                                                        // constant per violation: names the chain of its changes
                                                        NamedValue.of("chain", terms(AuditFields.CHAIN_ID)));
                                        if (afterKey != null) {
                                            c.after(afterKey);
                                        }
                                        return c;
                                    })
                                    .aggregations("last", l -> l.max(m -> m.field(AuditFields.CHAIN_SEQ)))
                                    .aggregations("open", o -> o.filter(
                                                    f -> f.terms(t -> t.field("labels.violation.state")
                                                            .terms(v -> v.value(OPEN_STATES.stream()
                                                                    .sorted()
                                                                    .map(FieldValue::of)
                                                                    .toList()))))
                                            .aggregations("last", l -> l.max(m -> m.field(AuditFields.CHAIN_SEQ))))),
                    Void.class);
            if (response.aggregations() == null || !response.aggregations().containsKey("ids")) {
                break;
            }
            CompositeAggregate ids = response.aggregations().get("ids").composite();
            // Open = the latest change (highest seq) is itself an open-state change: compared on
            // doc values, then only the open ones' latest changes are read.
            List<String> openChanges = new ArrayList<>();
            for (CompositeBucket bucket : ids.buckets().array()) {
                seen++;
                double last = bucket.aggregations().get("last").max().value();
                Aggregate open = bucket.aggregations().get("open");
                if (open.filter().docCount() == 0) {
                    continue;
                }
                double lastOpen = open.filter().aggregations().get("last").max().value();
                if (lastOpen == last) {
                    openChanges.add(bucket.key().get("chain").stringValue() + ":" + (long) last);
                }
            }
            if (!openChanges.isEmpty()) {
                SearchResponse<JsonData> latest = client.search(
                        s -> s.index(alias)
                                .size(openChanges.size())
                                .trackTotalHits(t -> t.enabled(false))
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)
                                .query(q -> q.bool(b -> b.filter(
                                        Query.of(f -> f.term(
                                                t -> t.field(AuditFields.TENANT).value(tenant))),
                                        Query.of(f -> f.ids(i -> i.values(openChanges))))))
                                .source(src -> src.filter(f -> f.includes("labels"))),
                        JsonData.class);
                for (Hit<JsonData> hit : latest.hits().hits()) {
                    JsonNode labels = Json.mapper()
                            .readTree(hit.source().toJson().toString())
                            .path("labels");
                    total++;
                    bySeverity.merge(labels.path("violation.severity").asText("UNKNOWN"), 1L, Long::sum);
                    byAge[ageBucket(labels.path("violation.opened-at").asText(null), at)]++;
                }
            }
            if (ids.buckets().array().size() < violationPage
                    || ids.afterKey() == null
                    || ids.afterKey().isEmpty()) {
                break;
            }
            if (seen >= MAX_VIOLATIONS) {
                complete = false;
                break;
            }
            after = new LinkedHashMap<>();
            for (Map.Entry<String, FieldValue> e : ids.afterKey().entrySet()) {
                after.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("total", total);
        json.put("by_severity", bySeverity);
        List<Map<String, Object>> ages = new ArrayList<>();
        String[] names = {"<1d", "1-7d", "7-30d", ">30d"};
        for (int i = 0; i < names.length; i++) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("bucket", names[i]);
            b.put("count", byAge[i]);
            ages.add(b);
        }
        json.put("by_age", ages);
        json.put("complete", complete);
        return json;
    }

    /** 0: under a day, 1: one to seven days, 2: seven to thirty, 3: older (or opened-at unknown: oldest). */
    static int ageBucket(String openedAt, Instant at) {
        if (openedAt == null) {
            return 3;
        }
        Duration age;
        try {
            age = Duration.between(Instant.parse(openedAt), at);
        } catch (DateTimeParseException e) {
            return 3;
        }
        if (age.compareTo(Duration.ofDays(1)) < 0) {
            return 0;
        }
        if (age.compareTo(Duration.ofDays(7)) < 0) {
            return 1;
        }
        return age.compareTo(Duration.ofDays(30)) < 0 ? 2 : 3;
    }

    static Set<String> keys(Map<String, ?> m) {
        return new TreeSet<>(m.keySet());
    }
}
