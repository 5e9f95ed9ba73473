package dev.vigil.streams.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.streams.StreamsAppConfig;
import dev.vigil.streams.TrailFixtures;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit indexer end to end (audit-trail topic → Elasticsearch, read_committed consumer, bulk
 * {@code create}, offsets committed after each batch) against raw Elasticsearch bulk
 * {@code create} of the very same documents with the same batch size, in one run on the shared
 * embedded servers, over a small sweep of {@code vigil.indexer.batch-size} ×
 * {@code vigil.indexer.flush-interval-ms}. Not part of the test suite (tag {@code bench},
 * excluded by default); it asserts counts, never timing. Run (see streams/README.md):
 *
 * <pre>
 *   ./mvnw -B -ntp -pl streams -am verify -Dquick -Dtest=IndexerThroughputBench \
 *       -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.test.excludedGroups=none
 * </pre>
 *
 * Sizes: {@code bench.subjects} (200) × {@code bench.per-subject} (100) pipeline events, chained
 * by the topology with the test engine (the trail then also holds violation changes and
 * evaluations); {@code bench.batch-sizes} (250,1000,5000); {@code bench.flush-intervals}
 * (100,500).
 */
@Tag("bench")
class IndexerThroughputBench {

    private static final int SUBJECTS = Integer.getInteger("bench.subjects", 200);
    private static final int PER_SUBJECT = Integer.getInteger("bench.per-subject", 100);
    private static final List<Integer> BATCH_SIZES = ints(System.getProperty("bench.batch-sizes", "250,1000,5000"));
    private static final List<Integer> FLUSH_INTERVALS = ints(System.getProperty("bench.flush-intervals", "100,500"));
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    record Row(int batchSize, long flushMs, long documents, double rawPerSecond, double indexerPerSecond) {}

    @TempDir
    Path dataDir;

    private String bootstrap;
    private String esUrl;

    @Test
    void measure() throws Exception {
        bootstrap = SharedServers.kafka().bootstrapServers();
        esUrl = SharedServers.elasticsearch().httpUrl();
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Topics topics = Topics.withPrefix(run);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, topics, (short) 1);
        }
        List<String> scopes = IntStream.range(0, SUBJECTS)
                .mapToObj(i -> String.format(Locale.ROOT, "github.com/acme/svc-%03d", i))
                .toList();
        List<AuditRecord> trail = TrailFixtures.chains(topics, scopes, PER_SUBJECT, dataDir.resolve("fixtures"));
        produce(topics, trail);
        List<AuditDocument> documents = trail.stream().map(AuditChain::document).toList();
        System.out.printf(
                Locale.ROOT, "indexer bench: %d trail records over %d subjects%n", documents.size(), SUBJECTS);

        // Warm-up on a slice: JIT, connections, index creation paths.
        raw(run + "warm-raw-", documents.subList(0, Math.min(5_000, documents.size())), 1000);

        List<Row> rows = new ArrayList<>();
        for (int batchSize : BATCH_SIZES) {
            double raw = raw(run + "raw-" + batchSize + "-", documents, batchSize);
            for (long flushMs : FLUSH_INTERVALS) {
                double indexer = indexer(run, topics, documents.size(), batchSize, flushMs);
                rows.add(new Row(batchSize, flushMs, documents.size(), raw, indexer));
            }
        }
        report(rows);
    }

    /**
     * Trail record acknowledged on the audit-trail topic → searchable through the alias, with the
     * real indexer, at a steady {@code bench.latency-rate} (500) records/s for
     * {@code bench.latency-seconds} (20) s, over {@code bench.latency-combos}
     * ({@code batch:flushMs:refresh}, comma-separated). Every 10th record is a probe: its producer
     * acknowledgement starts the clock, and an {@code ids} search through the alias (every 20 ms
     * for all pending probes) stops it. Run alone with {@code -Dtest=IndexerThroughputBench#searchableLatency}.
     */
    @Test
    void searchableLatency() throws Exception {
        bootstrap = SharedServers.kafka().bootstrapServers();
        esUrl = SharedServers.elasticsearch().httpUrl();
        String run = "lat-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int rate = Integer.getInteger("bench.latency-rate", 500);
        int seconds = Integer.getInteger("bench.latency-seconds", 20);
        List<String> combos = Arrays.stream(System.getProperty(
                                "bench.latency-combos", "1000:500:1s,1000:100:1s,1000:100:500ms,1000:100:250ms")
                        .split(","))
                .map(String::strip)
                .toList();
        StringBuilder table = new StringBuilder(String.format(
                Locale.ROOT,
                "%n%-8s %-8s %-8s %8s %8s %8s %8s %8s %10s%n",
                "batch",
                "flush ms",
                "refresh",
                "probes",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "max ms",
                "indexed/s"));
        for (int i = 0; i < combos.size(); i++) {
            String[] c = combos.get(i).split(":");
            int batch = Integer.parseInt(c[0]);
            long flushMs = Long.parseLong(c[1]);
            String refresh = c[2];
            String prefix = run + i + "-";
            Topics topics = Topics.withPrefix(prefix);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicAdmin.ensureTopics(admin, topics, (short) 1);
            }
            ElasticsearchClient es = ElasticsearchClients.create(esUrl);
            AuditIndex index = new AuditIndex(prefix);
            index.install(es);
            String month = index.indexFor(java.time.Instant.now());
            es.indices().putSettings(s -> s.index(month).settings(t -> t.refreshInterval(r -> r.time(refresh))));
            Map<String, String> values = new LinkedHashMap<>();
            values.put("vigil.kafka.bootstrap-servers", bootstrap);
            values.put("vigil.topic-prefix", topics.prefix());
            values.put("vigil.elasticsearch.url", esUrl);
            values.put("vigil.index-prefix", prefix);
            values.put("vigil.data-dir", dataDir.resolve(prefix).toString());
            values.put("vigil.indexer.group-id", prefix + "indexer");
            values.put("vigil.indexer.batch-size", Integer.toString(batch));
            values.put("vigil.indexer.flush-interval-ms", Long.toString(flushMs));
            java.util.concurrent.ConcurrentHashMap<String, Long> pending =
                    new java.util.concurrent.ConcurrentHashMap<>();
            List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicBoolean producing = new java.util.concurrent.atomic.AtomicBoolean(true);
            long produced;
            double indexedPerSecond;
            try (AuditIndexer indexer = AuditIndexer.start(StreamsAppConfig.of(values));
                    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                            Map.of(
                                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    bootstrap,
                                    ProducerConfig.ACKS_CONFIG,
                                    "all",
                                    ProducerConfig.LINGER_MS_CONFIG,
                                    5),
                            new StringSerializer(),
                            new ByteArraySerializer())) {
                Thread prober = Thread.ofPlatform().name("bench-prober").start(() -> {
                    ElasticsearchClient probeEs = ElasticsearchClients.create(esUrl);
                    try {
                        while (producing.get() || !pending.isEmpty()) {
                            Thread.sleep(20);
                            List<String> ids = new ArrayList<>(pending.keySet());
                            if (ids.isEmpty()) {
                                continue;
                            }
                            var found = probeEs.search(
                                    q -> q.index(index.alias())
                                            .size(ids.size())
                                            .source(src -> src.fetch(false))
                                            .query(x -> x.ids(d -> d.values(ids))),
                                    Void.class);
                            long now = System.nanoTime();
                            for (var hit : found.hits().hits()) {
                                Long acked = pending.remove(hit.id());
                                if (acked != null) {
                                    latencies.add((now - acked) / 1e6);
                                }
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    } finally {
                        ElasticsearchClients.close(probeEs);
                    }
                });
                String topic = topics.auditTrail().name();
                var serializer = topics.auditTrail().valueSerde().serializer();
                Map<String, long[]> chains = new LinkedHashMap<>();
                Map<String, String> heads = new LinkedHashMap<>();
                long t0 = System.nanoTime();
                long n = 0;
                long total = (long) rate * seconds;
                while (n < total) {
                    long due = t0 + n * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    String scope = String.format(Locale.ROOT, "github.com/acme/svc-%03d", n % 50);
                    long seq = ++chains.computeIfAbsent(scope, k -> new long[1])[0];
                    AuditRecord r =
                            latencyRecord("acme", scope, seq, heads.getOrDefault(scope, AuditChain.GENESIS_HASH));
                    heads.put(scope, r.getHash());
                    boolean probe = n % 10 == 0;
                    String id = AuditChain.document(r).documentId();
                    producer.send(
                            new ProducerRecord<>(
                                    topic, SubjectKey.of(r.getTenant(), r.getScope()), serializer.serialize(topic, r)),
                            (md, e) -> {
                                if (e == null && probe) {
                                    pending.put(id, System.nanoTime());
                                }
                            });
                    n++;
                }
                producer.flush();
                produced = n;
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (indexer.indexedCount() < produced && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                indexedPerSecond = indexer.indexedCount() / ((System.nanoTime() - t0) / 1e9);
                producing.set(false);
                prober.join(TIMEOUT.toMillis());
                assertThat(indexer.indexedCount()).isEqualTo(produced);
            } finally {
                ElasticsearchClients.close(es);
            }
            double[] ms =
                    latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            table.append(String.format(
                    Locale.ROOT,
                    "%-8d %-8d %-8s %8d %8.0f %8.0f %8.0f %8.0f %10.0f%n",
                    batch,
                    flushMs,
                    refresh,
                    ms.length,
                    pct(ms, 50),
                    pct(ms, 95),
                    pct(ms, 99),
                    ms.length == 0 ? 0 : ms[ms.length - 1],
                    indexedPerSecond));
            System.out.printf(Locale.ROOT, "indexer latency bench: %s done%n", combos.get(i));
        }
        System.out.println(table);
        System.out.flush();
    }

    private static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** One INPUT trail record chained now, the shape of a merged change with two verdicts. */
    private static AuditRecord latencyRecord(String tenant, String scope, long seq, String prevHash) {
        java.time.Instant now = java.time.Instant.now();
        AuditRecord r = AuditRecord.newBuilder()
                .setTenant(tenant)
                .setScope(scope)
                .setSeq(seq)
                .setKind(dev.vigil.schemas.AuditRecordKind.INPUT)
                .setRecordId("evt-" + UUID.randomUUID())
                .setEventType("pipeline.CHANGE_MERGED")
                .setSourceType("dev.cdevents.change.merged.0.3.0")
                .setSource("/ci/" + scope)
                .setSourceEventId("run-" + seq)
                .setEventTime(now)
                .setRecordedAt(now)
                .setInputTopic("vigil.pipeline-events")
                .setInputPartition(0)
                .setInputOffset(seq)
                .setSubject(dev.vigil.schemas.Subject.newBuilder()
                        .setBranch("main")
                        .setService(scope.substring(scope.lastIndexOf('/') + 1))
                        .build())
                .setActorId("alice")
                .setSummary("change merged of " + scope)
                .setOutcome("SUCCESS")
                .setVerdicts(List.of(
                        dev.vigil.schemas.VerdictSummary.newBuilder()
                                .setControlId("CM-01")
                                .setVerdict(dev.vigil.schemas.VerdictResult.PASS)
                                .setSeverity(dev.vigil.schemas.Severity.HIGH)
                                .setRequirements(List.of("SOC2:CC8.1"))
                                .setReason("reviewed")
                                .build(),
                        dev.vigil.schemas.VerdictSummary.newBuilder()
                                .setControlId("CM-02")
                                .setVerdict(dev.vigil.schemas.VerdictResult.FAIL)
                                .setSeverity(dev.vigil.schemas.Severity.HIGH)
                                .setRequirements(List.of("SOC2:CC8.1"))
                                .setReason("not reviewed")
                                .build()))
                .setCatalogVersion("2026.11+bench")
                .setPrevHash(prevHash)
                .setHash("")
                .build();
        r.setHash(AuditChain.computeHash(r));
        return r;
    }

    private void produce(Topics topics, List<AuditRecord> trail) {
        String topic = topics.auditTrail().name();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        10),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (AuditRecord r : trail) {
                producer.send(new ProducerRecord<>(
                        topic,
                        SubjectKey.of(r.getTenant(), r.getScope()),
                        topics.auditTrail().valueSerde().serializer().serialize(topic, r)));
            }
            producer.flush();
        }
    }

    /** Bulk {@code create} of the documents in batches, one request at a time: docs/s. */
    private double raw(String prefix, List<AuditDocument> documents, int batchSize) throws Exception {
        AuditIndex index = new AuditIndex(prefix);
        ElasticsearchClient es = ElasticsearchClients.create(esUrl);
        try {
            index.install(es);
            long t0 = System.nanoTime();
            for (int from = 0; from < documents.size(); from += batchSize) {
                BulkRequest.Builder bulk = new BulkRequest.Builder();
                for (AuditDocument doc : documents.subList(from, Math.min(from + batchSize, documents.size()))) {
                    bulk.operations(op -> op.create(
                            c -> c.index(index.alias()).id(doc.documentId()).document(doc)));
                }
                BulkResponse response = es.bulk(bulk.build());
                assertThat(response.errors()).as("raw bulk errors").isFalse();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            es.indices().refresh(r -> r.index(index.alias()));
            assertThat(es.count(c -> c.index(index.alias())).count()).isEqualTo(documents.size());
            return documents.size() / seconds;
        } finally {
            ElasticsearchClients.close(es);
        }
    }

    /** The indexer from a fresh group and index until every record is in: docs/s. */
    private double indexer(String run, Topics topics, int expected, int batchSize, long flushMs) throws Exception {
        String prefix = run + "idx-" + batchSize + "-" + flushMs + "-";
        Map<String, String> values = new LinkedHashMap<>();
        values.put("vigil.kafka.bootstrap-servers", bootstrap);
        values.put("vigil.topic-prefix", topics.prefix());
        values.put("vigil.elasticsearch.url", esUrl);
        values.put("vigil.index-prefix", prefix);
        values.put("vigil.data-dir", dataDir.resolve(prefix).toString());
        values.put("vigil.indexer.group-id", prefix + "indexer");
        values.put("vigil.indexer.batch-size", Integer.toString(batchSize));
        values.put("vigil.indexer.flush-interval-ms", Long.toString(flushMs));
        long t0 = System.nanoTime();
        double seconds;
        try (AuditIndexer indexer = AuditIndexer.start(StreamsAppConfig.of(values))) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (indexer.indexedCount() + indexer.replayedCount() < expected) {
                assertThat(System.nanoTime()).as("indexer finished in time").isLessThan(deadline);
                Thread.sleep(5);
            }
            seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(indexer.indexedCount()).isEqualTo(expected);
            assertThat(indexer.integrityAlarms()).isZero();
        }
        ElasticsearchClient es = ElasticsearchClients.create(esUrl);
        try {
            AuditIndex index = new AuditIndex(prefix);
            es.indices().refresh(r -> r.index(index.alias()));
            assertThat(es.count(c -> c.index(index.alias())).count()).isEqualTo(expected);
        } finally {
            ElasticsearchClients.close(es);
        }
        return expected / seconds;
    }

    private static void report(List<Row> rows) {
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "%n%-10s %-10s %10s %14s %14s %8s%n",
                "batch",
                "flush ms",
                "documents",
                "raw bulk/s",
                "indexer/s",
                "ratio"));
        for (Row r : rows) {
            table.append(String.format(
                    Locale.ROOT,
                    "%-10d %-10d %10d %14.0f %14.0f %8.2f%n",
                    r.batchSize(),
                    r.flushMs(),
                    r.documents(),
                    r.rawPerSecond(),
                    r.indexerPerSecond(),
                    r.indexerPerSecond() / r.rawPerSecond()));
        }
        System.out.println(table);
        System.out.flush();
    }

    private static List<Integer> ints(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(","))
                .map(String::strip)
                .map(Integer::parseInt)
                .toList();
    }
}
