package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.VerdictSummary;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Search latency of the audit API over a large trail: bulk-loads {@code bench.docs} (1,000,000)
 * realistic trail documents into a fresh prefix on the shared embedded Elasticsearch node
 * ({@code bench.tenants} tenants × {@code bench.scopes} scopes each, hash-chained; inputs with 1–4
 * verdicts of catalog controls, violation lifecycles, time-based evaluations, access records;
 * 90 days of event time), then measures p50/p95/p99 of a query mix through the real HTTP API
 * (every request also writes its access record to Kafka, acks=all, as in production), first
 * idle, then while a concurrent bulk-indexing load appends to the same chains as fast as the node
 * takes it. Not part of the suite (tag {@code bench}); it asserts statuses, never timing. Run:
 *
 * <pre>
 *   ./mvnw -B -ntp -pl audit-api -am verify -Dquick -Dtest=SearchLatencyBench \
 *       -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.test.excludedGroups=none -Dbench.docs=1000000
 * </pre>
 *
 * Writes {@code audit-api/target/bench/search-bench.json}. {@code bench.rounds} (100) rounds of
 * the {@value #QUERY_TYPES}-query mix per phase, after {@code bench.warmup} (20) rounds.
 */
@Tag("bench")
class SearchLatencyBench {

    static final int DOCS = Integer.getInteger("bench.docs", 1_000_000);
    static final int TENANTS = Integer.getInteger("bench.tenants", 4);
    static final int SCOPES = Integer.getInteger("bench.scopes", 50);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 100);
    static final int WARMUP = Integer.getInteger("bench.warmup", 20);
    static final int BULK = Integer.getInteger("bench.bulk", 2000);
    /**
     * Seconds to keep the node up (and the ingest running) after the under-ingest phase, to profile
     * queries against it by hand ({@code "profile": true}, {@code _nodes/hot_threads}); 0: none.
     */
    static final int HOLD_SECONDS = Integer.getInteger("bench.hold-seconds", 0);

    static final int QUERY_TYPES = 8;
    static final Instant START = Instant.parse("2026-06-01T00:00:00Z");
    static final Duration SPAN = Duration.ofDays(90);

    static final String[][] CONTROLS = {
        {"CM-01", "HIGH", "SOC2:CC8.1,GDPR:Art.25,GDPR:Art.32"},
        {"CM-02", "HIGH", "SOC2:CC8.1"},
        {"CM-03", "HIGH", "SOC2:CC8.1"},
        {"CM-05", "HIGH", "SOC2:CC8.1"},
        {"DP-01", "HIGH", "SOC2:CC6.1,SOC2:CC6.7,GDPR:Art.32,GDPR:Art.25"},
        {"SEC-01", "CRITICAL", "SOC2:CC6.1,SOC2:CC6.8,GDPR:Art.32"},
        {"VM-01", "HIGH", "SOC2:CC7.1,SOC2:CC8.1,GDPR:Art.25,GDPR:Art.32"},
        {"VM-02", "HIGH", "SOC2:CC7.1,GDPR:Art.32"},
        {"VM-06", "HIGH", "SOC2:CC7.1,SOC2:CC7.4,SOC2:CC3.2,GDPR:Art.32"},
        {"IR-01", "HIGH", "SOC2:CC7.2,SOC2:CC7.3,GDPR:Art.32"},
    };
    static final String[] TYPES = {
        "CHANGE_MERGED", "BRANCH_PUSHED", "SERVICE_DEPLOYED", "TEST_SUITE_FINISHED", "BUILD_FINISHED", "SCAN"
    };
    static final String[] ACTORS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};

    /** One chain being generated: its position, head hash and the violations open in it. */
    static final class Chain {
        final String tenant;
        final String scope;
        long seq;
        /** The last seq of the initial load: detail lookups stay below it while the chain grows. */
        volatile long loadedSeq;

        String prevHash = AuditChain.GENESIS_HASH;
        final Map<String, String[]> open = new LinkedHashMap<>();
        int violations;

        Chain(String tenant, String scope) {
            this.tenant = tenant;
            this.scope = scope;
        }
    }

    final Random random = new Random(42);

    @Test
    void measure() throws Exception {
        String esUrl = SharedServers.elasticsearch().httpUrl();
        String prefix = "bench-search-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        ElasticsearchClient es = ElasticsearchClients.create(esUrl);
        AuditIndex index = new AuditIndex(prefix);
        index.install(es);
        List<Chain> chains = new ArrayList<>();
        for (int t = 0; t < TENANTS; t++) {
            for (int s = 0; s < SCOPES; s++) {
                chains.add(new Chain("tenant-" + t, String.format(Locale.ROOT, "github.com/org-%d/svc-%03d", t, s)));
            }
        }
        int perChain = DOCS / chains.size();
        Duration step = SPAN.dividedBy(perChain);

        // ---- load
        long t0 = System.nanoTime();
        ExecutorService senders = Executors.newFixedThreadPool(2);
        Semaphore inFlight = new Semaphore(3);
        List<Future<?>> sent = new ArrayList<>();
        List<AuditDocument> batch = new ArrayList<>(BULK);
        long loaded = 0;
        for (int i = 0; i < perChain; i++) {
            Instant at = START.plus(step.multipliedBy(i));
            for (Chain c : chains) {
                batch.add(next(c, at.plusMillis(random.nextInt(1000)), random));
                if (batch.size() == BULK) {
                    List<AuditDocument> docs = batch;
                    batch = new ArrayList<>(BULK);
                    inFlight.acquire();
                    sent.add(senders.submit(() -> {
                        try {
                            bulk(es, index, docs);
                        } finally {
                            inFlight.release();
                        }
                        return null;
                    }));
                    loaded += docs.size();
                    if (loaded % 100_000 == 0) {
                        System.out.printf(
                                Locale.ROOT,
                                "search bench: %,d documents sent (%.0f s)%n",
                                loaded,
                                (System.nanoTime() - t0) / 1e9);
                    }
                }
            }
        }
        if (!batch.isEmpty()) {
            bulk(es, index, batch);
            loaded += batch.size();
        }
        for (Future<?> f : sent) {
            f.get();
        }
        senders.shutdown();
        chains.forEach(c -> c.loadedSeq = c.seq);
        es.indices().refresh(r -> r.index(index.alias()));
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        long count = es.count(c -> c.index(index.alias())).count();
        System.out.printf(
                Locale.ROOT,
                "search bench: loaded %,d documents in %.0f s (%.0f docs/s)%n",
                count,
                loadSeconds,
                count / loadSeconds);
        assertThat(count).isEqualTo(loaded);

        // ---- the API
        ApiKeys keys = new ApiKeys(List.of());
        String auditor = keys.mint("tenant-0", java.util.Set.of(Role.AUDITOR), "bench auditor")
                .key();
        Instant dataEnd = START.plus(SPAN);
        List<Chain> tenant0 =
                chains.stream().filter(c -> c.tenant.equals("tenant-0")).toList();
        Map<String, List<Long>> idle;
        Map<String, List<Long>> loadedPhase;
        long ingestedDuringLoad;
        double ingestSeconds;
        try (AuditApiServer server = AuditApiServer.start(
                TestConfigs.onSharedServers(new AuditApiConfig(esUrl, prefix, "127.0.0.1", 0, 500, "30s"), prefix),
                keys)) {
            ApiClient api = new ApiClient(server.baseUrl());
            mix(api, auditor, tenant0, dataEnd, WARMUP);
            idle = mix(api, auditor, tenant0, dataEnd, ROUNDS);

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ingested = new AtomicLong();
            long i0 = System.nanoTime();
            Thread ingest = Thread.ofPlatform().name("bench-ingest").start(() -> {
                Instant at = dataEnd;
                Random rnd = new Random(7);
                try {
                    while (!stop.get()) {
                        List<AuditDocument> docs = new ArrayList<>(BULK);
                        while (docs.size() < BULK) {
                            for (Chain c : chains) {
                                docs.add(next(c, at, rnd));
                            }
                            at = at.plusSeconds(1);
                        }
                        bulk(es, index, docs);
                        ingested.addAndGet(docs.size());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            loadedPhase = mix(api, auditor, tenant0, dataEnd, ROUNDS);
            if (HOLD_SECONDS > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "search bench: holding %d s, ingest running: %s alias %s%n",
                        HOLD_SECONDS,
                        esUrl,
                        index.alias());
                Thread.sleep(HOLD_SECONDS * 1000L);
            }
            stop.set(true);
            ingest.join();
            ingestSeconds = (System.nanoTime() - i0) / 1e9;
            ingestedDuringLoad = ingested.get();
        }
        ElasticsearchClients.close(es);
        report(count, loadSeconds, idle, loadedPhase, ingestedDuringLoad, ingestSeconds);
    }

    // ------------------------------------------------------------------ generation

    private static AuditDocument next(Chain c, Instant at, Random rnd) {
        c.seq++;
        int roll = rnd.nextInt(100);
        AuditRecord.Builder r = AuditRecord.newBuilder()
                .setTenant(c.tenant)
                .setScope(c.scope)
                .setSeq(c.seq)
                .setEventTime(at)
                .setRecordedAt(at.plusMillis(200))
                .setInputTopic("vigil.pipeline-events")
                .setInputPartition(0)
                .setInputOffset(c.seq)
                .setPrevHash(c.prevHash)
                .setHash("");
        String sha = String.format(Locale.ROOT, "%016x", rnd.nextLong());
        Subject subject = Subject.newBuilder()
                .setCommitSha((sha + sha + sha).substring(0, 40))
                .setBranch("main")
                .setService(c.scope.substring(c.scope.lastIndexOf('/') + 1))
                .setEnvironment(rnd.nextInt(3) == 0 ? "production" : "staging")
                .build();
        if (roll < 12 && !c.open.isEmpty() && rnd.nextBoolean()) {
            // a violation changes state: resolved, risk-accepted or reopened
            String id = c.open.keySet().iterator().next();
            String[] v = c.open.remove(id);
            String state = rnd.nextInt(4) == 0 ? "RISK_ACCEPTED" : "RESOLVED";
            change(r, c, id, v, state, at);
        } else if (roll < 12) {
            String[] control = CONTROLS[rnd.nextInt(CONTROLS.length)];
            String id = "viol-" + c.tenant + "-" + c.scope.hashCode() + "-" + (++c.violations);
            String[] v = {control[0], control[1], control[2], at.toString()};
            c.open.put(id, v);
            change(r, c, id, v, "OPENED", at);
        } else if (roll < 20) {
            r.setKind(AuditRecordKind.EVALUATION)
                    .setRecordId("timer:" + c.tenant + "/" + c.scope + "@" + at.toEpochMilli())
                    .setEventType("evaluation.TIMER")
                    .setSourceType("vigil:controls")
                    .setSource("vigil/controls")
                    .setSourceEventId("timer-" + c.seq)
                    .setSubject(Subject.newBuilder().build())
                    .setSummary("Time-based evaluation: " + c.scope)
                    .setVerdicts(verdicts(1, rnd))
                    .setCatalogVersion("2026.11+bench");
        } else if (roll < 24) {
            r.setKind(AuditRecordKind.ACCESS)
                    .setRecordId("access:" + UUID.randomUUID())
                    .setEventType("pipeline.TRAIL_ACCESSED")
                    .setSourceType("vigil:audit-api.search")
                    .setSource("audit-api")
                    .setSourceEventId("access-" + c.seq)
                    .setSubject(Subject.newBuilder().setService("audit-api").build())
                    .setActorId("key:k" + rnd.nextInt(5))
                    .setSummary("Trail accessed: search")
                    .setAttributes(Map.of("access.action", "search", "access.request", "GET /v1/audit/records"));
        } else {
            String type = TYPES[rnd.nextInt(TYPES.length)];
            String actor = ACTORS[rnd.nextInt(ACTORS.length)];
            r.setKind(AuditRecordKind.INPUT)
                    .setRecordId("evt-" + UUID.randomUUID())
                    .setEventType("pipeline." + type)
                    .setSourceType("dev.cdevents." + type.toLowerCase(Locale.ROOT) + ".0.3.0")
                    .setSource("/ci/" + c.scope)
                    .setSourceEventId("run-" + c.seq)
                    .setSubject(subject)
                    .setActorId(actor)
                    .setSummary(type.toLowerCase(Locale.ROOT).replace('_', ' ') + " of " + c.scope + " by " + actor
                            + (type.equals("SERVICE_DEPLOYED") ? " to production, deploy approved" : ""))
                    .setOutcome(rnd.nextInt(10) == 0 ? "FAILURE" : "SUCCESS")
                    .setAttributes(Map.of("pipeline.run-url", "https://ci.example/" + c.seq))
                    .setVerdicts(verdicts(1 + rnd.nextInt(4), rnd))
                    .setCatalogVersion("2026.11+bench")
                    .setEvidenceSha256((sha + sha + sha + sha + sha + sha + sha + sha).substring(0, 64));
        }
        AuditRecord rec = r.build();
        rec.setHash(AuditChain.computeHash(rec));
        c.prevHash = rec.getHash();
        return AuditChain.document(rec);
    }

    private static void change(AuditRecord.Builder r, Chain c, String id, String[] v, String state, Instant at) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("violation.id", id);
        labels.put("violation.control-id", v[0]);
        labels.put("violation.severity", v[1]);
        labels.put("violation.requirements", v[2]);
        labels.put("violation.opened-at", v[3]);
        labels.put("violation.state", state);
        labels.put("violation.subject-key", "commit:" + c.seq);
        r.setKind(AuditRecordKind.VIOLATION_CHANGE)
                .setRecordId(id + "#" + c.seq)
                .setEventType("violation." + state)
                .setSourceType("vigil:controls")
                .setSource("vigil/controls")
                .setSourceEventId(id)
                .setSubject(Subject.newBuilder().build())
                .setSummary("Violation " + state.toLowerCase(Locale.ROOT) + ": " + v[0] + " on " + c.scope)
                .setOutcome(state)
                .setAttributes(labels);
    }

    private static List<VerdictSummary> verdicts(int n, Random rnd) {
        List<VerdictSummary> out = new ArrayList<>(n);
        int first = rnd.nextInt(CONTROLS.length);
        for (int i = 0; i < n; i++) {
            String[] c = CONTROLS[(first + i) % CONTROLS.length];
            int roll = rnd.nextInt(100);
            VerdictResult result = roll < 80
                    ? VerdictResult.PASS
                    : roll < 92 ? VerdictResult.FAIL : roll < 99 ? VerdictResult.NOT_APPLICABLE : VerdictResult.ERROR;
            out.add(VerdictSummary.newBuilder()
                    .setControlId(c[0])
                    .setVerdict(result)
                    .setSeverity(Severity.valueOf(c[1]))
                    .setRequirements(List.of(c[2].split(",")))
                    .setReason(c[0] + " " + result.name().toLowerCase(Locale.ROOT))
                    .build());
        }
        return out;
    }

    private static void bulk(ElasticsearchClient es, AuditIndex index, List<AuditDocument> docs) throws Exception {
        BulkRequest.Builder b = new BulkRequest.Builder();
        for (AuditDocument d : docs) {
            b.operations(op ->
                    op.create(c -> c.index(index.indexFor(d)).id(d.documentId()).document(d)));
        }
        BulkResponse response = es.bulk(b.build());
        if (response.errors()) {
            throw new IllegalStateException("bulk errors: "
                    + response.items().stream()
                            .filter(i -> i.error() != null)
                            .findFirst()
                            .map(i -> i.error().reason())
                            .orElse("?"));
        }
    }

    // ------------------------------------------------------------------ the query mix

    private Map<String, List<Long>> mix(ApiClient api, String key, List<Chain> chains, Instant end, int rounds)
            throws Exception {
        Map<String, List<Long>> lat = new LinkedHashMap<>();
        String[] controls = {"CM-01", "CM-03", "VM-01", "DP-01", "SEC-01"};
        for (int round = 0; round < rounds; round++) {
            Chain chain = chains.get(random.nextInt(chains.size()));
            Instant weekStart = START.plus(Duration.ofDays(random.nextInt(83)));
            time(
                    lat,
                    "search scope + 7 days",
                    api,
                    key,
                    "/v1/audit/records",
                    "scope",
                    chain.scope,
                    "from",
                    weekStart.toString(),
                    "to",
                    weekStart.plus(Duration.ofDays(7)).toString(),
                    "size",
                    "50");
            JsonNode first = time(
                    lat,
                    "search control + verdict",
                    api,
                    key,
                    "/v1/audit/records",
                    "control",
                    controls[random.nextInt(controls.length)],
                    "verdict",
                    "FAIL",
                    "size",
                    "50");
            if (first.hasNonNull("next")) {
                time(
                        lat,
                        "next page (cursor)",
                        api,
                        key,
                        "/v1/audit/records",
                        "cursor",
                        first.get("next").asText());
            }
            time(
                    lat,
                    "search requirement + text",
                    api,
                    key,
                    "/v1/audit/records",
                    "requirement",
                    "SOC2:CC8.1",
                    "q",
                    "deploy production",
                    "size",
                    "50");
            time(
                    lat,
                    "search newest first, severity",
                    api,
                    key,
                    "/v1/audit/records",
                    "sort",
                    "-time",
                    "severity",
                    "CRITICAL",
                    "size",
                    "50");
            time(
                    lat,
                    "search as_of, violation changes",
                    api,
                    key,
                    "/v1/audit/records",
                    "as_of",
                    START.plus(Duration.ofHours(random.nextInt(24 * 90))).toString(),
                    "kind",
                    "VIOLATION_CHANGE",
                    "size",
                    "50");
            time(
                    lat,
                    "posture 30 days, 1d",
                    api,
                    key,
                    "/v1/audit/posture",
                    "from",
                    end.minus(Duration.ofDays(30)).toString(),
                    "to",
                    end.toString(),
                    "interval",
                    "1d");
            time(
                    lat,
                    "record detail",
                    api,
                    key,
                    "/v1/audit/record",
                    "chain",
                    chain.tenant + "/" + chain.scope,
                    "seq",
                    Long.toString(1 + random.nextInt((int) chain.loadedSeq)));
        }
        return lat;
    }

    private static JsonNode time(
            Map<String, List<Long>> lat, String name, ApiClient api, String key, String path, String... params)
            throws Exception {
        String url = path + ApiClient.query(ApiClient.params(params));
        long t0 = System.nanoTime();
        ApiClient.Reply r = api.get(url, key);
        long micros = (System.nanoTime() - t0) / 1000;
        assertThat(r.status()).as("%s: %s", url, r.body()).isEqualTo(200);
        lat.computeIfAbsent(name, k -> new ArrayList<>()).add(micros);
        lat.computeIfAbsent("all", k -> new ArrayList<>()).add(micros);
        return r.body();
    }

    // ------------------------------------------------------------------ report

    static double pct(List<Long> micros, double p) {
        List<Long> sorted = micros.stream().sorted().toList();
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, i)) / 1000.0;
    }

    private static void report(
            long docs,
            double loadSeconds,
            Map<String, List<Long>> idle,
            Map<String, List<Long>> busy,
            long ingested,
            double ingestSeconds)
            throws Exception {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%nsearch latency over %,d trail documents (loaded in %.0f s); under ingest: %,d documents"
                        + " bulk-indexed meanwhile (%.0f docs/s)%n",
                docs,
                loadSeconds,
                ingested,
                ingested / ingestSeconds));
        out.append(String.format(
                Locale.ROOT,
                "| %-34s | %5s | %8s | %8s | %8s | %8s | %8s | %8s |%n",
                "query (ms)",
                "n",
                "idle p50",
                "idle p95",
                "idle p99",
                "load p50",
                "load p95",
                "load p99"));
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> names = new ArrayList<>(idle.keySet());
        names.remove("all");
        names.add("all");
        for (String name : names) {
            List<Long> i = idle.get(name);
            List<Long> b = busy.getOrDefault(name, List.of(0L));
            out.append(String.format(
                    Locale.ROOT,
                    "| %-34s | %5d | %8.1f | %8.1f | %8.1f | %8.1f | %8.1f | %8.1f |%n",
                    name,
                    i.size(),
                    pct(i, 50),
                    pct(i, 95),
                    pct(i, 99),
                    pct(b, 50),
                    pct(b, 95),
                    pct(b, 99)));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("query", name);
            row.put("n", i.size());
            row.put("idle_ms", Map.of("p50", pct(i, 50), "p95", pct(i, 95), "p99", pct(i, 99)));
            row.put("under_ingest_ms", Map.of("p50", pct(b, 50), "p95", pct(b, 95), "p99", pct(b, 99)));
            rows.add(row);
        }
        System.out.println(out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("documents", docs);
        json.put("load_seconds", loadSeconds);
        json.put("ingested_during_load_phase", ingested);
        json.put("ingest_docs_per_second", ingested / ingestSeconds);
        json.put("rows", rows);
        Path file = Path.of("target", "bench", "search-bench.json");
        Files.createDirectories(file.getParent());
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
    }
}
