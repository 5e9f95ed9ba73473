package dev.vigil.streams.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.Subject;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The indexer between the real broker and the real Elasticsearch node. */
class AuditIndexerIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final List<String> SUBJECTS =
            List.of("github.com/acme/shop", "github.com/acme/billing", "payments-gateway");

    @TempDir
    Path dataDir;

    private String bootstrap;
    private Topics topics;
    private AuditIndex index;
    private ElasticsearchClient es;
    private Map<String, String> config;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp(TestInfo test) {
        bootstrap = SharedServers.kafka().bootstrapServers();
        String esUrl = SharedServers.elasticsearch().httpUrl();
        String id = "it-" + test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT) + "-"
                + UUID.randomUUID().toString().substring(0, 8) + "-";
        topics = Topics.withPrefix(id);
        index = new AuditIndex(id);
        es = ElasticsearchClients.create(esUrl);
        config = new LinkedHashMap<>();
        config.put("vigil.kafka.bootstrap-servers", bootstrap);
        config.put("vigil.topic-prefix", id);
        config.put("vigil.elasticsearch.url", esUrl);
        config.put("vigil.index-prefix", id);
        config.put("vigil.data-dir", dataDir.toString());
        config.put("vigil.indexer.group-id", id + "indexer");
        config.put("vigil.indexer.batch-size", "40");
        config.put("vigil.indexer.flush-interval-ms", "200");
        // The fixtures are chained in 2026-03: the indexer's own sealer must leave their month open here.
        config.put("vigil.trail.seal-grace-days", "3660");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, topics, (short) 1);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        ElasticsearchClients.close(es);
    }

    private AuditIndexer startIndexer(String groupId) {
        Map<String, String> values = new LinkedHashMap<>(config);
        values.put("vigil.indexer.group-id", groupId);
        AuditIndexer indexer = AuditIndexer.start(StreamsAppConfig.of(values));
        open.add(indexer);
        return indexer;
    }

    @Test
    void shouldIndexEveryTrailRecordOnceUnderItsChainIdAndTreatReplaysAsSuccess() throws Exception {
        List<AuditRecord> records = TrailFixtures.chains(topics, SUBJECTS, 50, dataDir.resolve("fixtures"));
        // Every kind the streams app writes goes through the strict mapping and the hash check below.
        assertThat(records)
                .extracting(AuditRecord::getKind)
                .contains(AuditRecordKind.INPUT, AuditRecordKind.VIOLATION_CHANGE, AuditRecordKind.EVALUATION);
        List<AuditRecord> firstPart = records.subList(0, 120);
        produce(firstPart);

        AuditIndexer first = startIndexer(config.get("vigil.indexer.group-id"));
        await(() -> first.indexedCount() == 120);
        assertThat(first.replayedCount()).isZero();
        assertThat(first.integrityAlarms()).isZero();
        assertIndexHoldsExactly(firstPart);
        first.close();

        // A new group starts from the earliest offset: every record is replayed and found identical.
        AuditIndexer second = startIndexer(config.get("vigil.indexer.group-id") + "-replay");
        await(() -> second.replayedCount() == 120);
        produce(records.subList(120, records.size()));
        await(() -> second.indexedCount() == records.size() - 120);
        assertThat(second.replayedCount()).isEqualTo(120);
        assertThat(second.integrityAlarms()).isZero();
        assertIndexHoldsExactly(records);
    }

    @Test
    void shouldRaiseIntegrityAlarmAndKeepTheStoredDocumentWhenItsIdHoldsADifferentHash() throws Exception {
        List<AuditRecord> records = TrailFixtures.chains(topics, SUBJECTS.subList(0, 1), 3, dataDir.resolve("f"));
        AuditDocument genuine = AuditChain.document(records.get(1));
        AuditDocument forged = new AuditDocument(
                genuine.timestamp(),
                genuine.tenant(),
                genuine.scope(),
                new AuditDocument.Chain(
                        genuine.chain().id(),
                        genuine.chain().seq(),
                        genuine.chain().prevHash(),
                        "f".repeat(64),
                        genuine.chain().version()),
                genuine.event(),
                genuine.subject(),
                genuine.user(),
                "forged: nothing to see here",
                genuine.verdicts(),
                genuine.catalogVersion(),
                genuine.labels(),
                genuine.evidence(),
                genuine.kafka());
        index.install(es);
        es.create(c -> c.index(index.indexFor(genuine)).id(genuine.documentId()).document(forged));

        produce(records);
        AuditIndexer indexer = startIndexer(config.get("vigil.indexer.group-id"));
        await(() -> indexer.indexedCount() == records.size() - 1 && indexer.integrityAlarms() == 1);

        assertThat(indexer.replayedCount()).isZero();
        AuditDocument stored =
                parse(es.get(g -> g.index(index.indexFor(genuine)).id(genuine.documentId()), JsonData.class)
                        .source());
        assertThat(stored).isEqualTo(forged);
    }

    @Test
    void shouldRetryARefusedBatchWithoutCommittingUntilElasticsearchAcceptsIt() throws Exception {
        List<AuditRecord> records = TrailFixtures.chains(topics, SUBJECTS, 10, dataDir.resolve("f"));
        index.install(es);
        // Every write to the records' monthly indices is refused (403 cluster_block_exception) until the block is
        // lifted.
        List<String> months = records.stream()
                .map(r -> index.indexFor(r.getRecordedAt()))
                .distinct()
                .toList();
        for (String month : months) {
            AuditIndex.createIndex(es, month);
        }
        es.indices().putSettings(s -> s.index(months).settings(t -> t.blocks(b -> b.write(true))));
        produce(records);
        String group = config.get("vigil.indexer.group-id");

        AuditIndexer indexer = startIndexer(group);
        await(() -> indexer.sealedRefusals() >= 2);

        assertThat(indexer.indexedCount()).isZero();
        assertThat(committedOffsets(group)).isEmpty();

        es.indices().putSettings(s -> s.index(months).settings(t -> t.blocks(b -> b.write(false))));
        await(() -> indexer.indexedCount() == records.size());
        assertIndexHoldsExactly(records);
        await(() -> committedOffsets(group).values().stream()
                        .mapToLong(OffsetAndMetadata::offset)
                        .sum()
                == records.size());
    }

    @Test
    void shouldWriteEachMonthToItsIndexReplayIntoASealedMonthAndRetryALateRecordUntilLetIn() throws Exception {
        String shop = AuditChain.chainId("acme", "github.com/acme/shop");
        Instant january = Instant.parse("2026-01-20T10:00:00Z");
        Instant february = Instant.parse("2026-02-03T10:00:00Z");
        // Chained time only grows: the first two records in January, the next two in February.
        List<AuditRecord> shopChain =
                chain("acme", "github.com/acme/shop", List.of(january, january.plusSeconds(60), february, february));
        produce(shopChain);
        String group = config.get("vigil.indexer.group-id");
        AuditIndexer indexer = startIndexer(group);
        await(() -> indexer.indexedCount() == 4);

        String januaryIndex = index.indexFor(YearMonth.of(2026, 1));
        String februaryIndex = index.indexFor(YearMonth.of(2026, 2));
        assertThat(es.indices().getAlias(g -> g.name(index.alias())).aliases().keySet())
                .contains(januaryIndex, februaryIndex);
        assertThat(es.get(g -> g.index(januaryIndex).id(shop + ":2"), JsonData.class)
                        .found())
                .isTrue();
        assertThat(es.get(g -> g.index(februaryIndex).id(shop + ":3"), JsonData.class)
                        .found())
                .isTrue();
        assertIndexHoldsExactly(shopChain);

        // Ten days into February, January (ended more than 7 days ago) is sealed; February is not.
        IndexSealer sealer = new IndexSealer(
                es, index, Duration.ofDays(7), Clock.fixed(Instant.parse("2026-02-10T00:00:00Z"), ZoneOffset.UTC));
        assertThat(sealer.sealDue()).containsExactly(januaryIndex);
        assertThat(sealer.sealDue()).as("sealing is idempotent").isEmpty();

        // A full replay meets the sealed month's documents: they are there and identical, so it is a replay.
        AuditIndexer replay = startIndexer(group + "-replay");
        await(() -> replay.replayedCount() == 4);
        assertThat(replay.sealedRefusals()).isZero();
        replay.close();
        open.remove(replay);

        // A record chained in January arrives after the seal: refused, alarmed, retried, never committed.
        List<AuditRecord> late = chain("acme", "payments-gateway", List.of(Instant.parse("2026-01-31T23:59:59Z")));
        produce(late);
        await(() -> indexer.sealedRefusals() >= 2);
        assertThat(indexer.indexedCount()).isEqualTo(4);
        String lateId = AuditChain.chainId("acme", "payments-gateway") + ":1";
        assertThat(es.get(g -> g.index(januaryIndex).id(lateId), JsonData.class).found())
                .isFalse();

        // The operator lifts the block (docs/operations.md): the record the indexer kept retrying goes in.
        es.indices().putSettings(s -> s.index(januaryIndex).settings(t -> t.blocks(b -> b.write(false))));
        await(() -> indexer.indexedCount() == 5);
        assertThat(es.get(g -> g.index(januaryIndex).id(lateId), JsonData.class).found())
                .isTrue();
        List<AuditRecord> all = new ArrayList<>(shopChain);
        all.addAll(late);
        assertIndexHoldsExactly(all);
    }

    /** A hash-chained run of INPUT records of one subject, chained at the given times. */
    private static List<AuditRecord> chain(String tenant, String scope, List<Instant> recordedAt) {
        List<AuditRecord> records = new ArrayList<>();
        String prevHash = AuditChain.GENESIS_HASH;
        for (int i = 0; i < recordedAt.size(); i++) {
            int seq = i + 1;
            AuditRecord r = AuditRecord.newBuilder()
                    .setTenant(tenant)
                    .setScope(scope)
                    .setSeq(seq)
                    .setKind(AuditRecordKind.INPUT)
                    .setRecordId(tenant + "-" + scope + "-" + seq)
                    .setEventType("pipeline.BUILD_FINISHED")
                    .setSourceType("dev.cdevents.build.finished.0.3.0")
                    .setSource("/ci/" + scope)
                    .setSourceEventId("evt-" + seq)
                    // the event itself may be much older than its chaining: the month follows recordedAt
                    .setEventTime(Instant.parse("2025-06-01T00:00:00Z"))
                    .setRecordedAt(recordedAt.get(i))
                    .setSubject(
                            Subject.newBuilder().setCommitSha("c0ffee" + seq).build())
                    .setSummary("build finished for " + scope)
                    .setInputTopic("vigil.pipeline-events")
                    .setInputPartition(0)
                    .setInputOffset(seq)
                    .setPrevHash(prevHash)
                    .setHash("")
                    .build();
            r.setHash(AuditChain.computeHash(r));
            prevHash = r.getHash();
            records.add(r);
        }
        return records;
    }

    private void produce(List<AuditRecord> records) {
        try (KafkaProducer<String, AuditRecord> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                topics.auditTrail().keySerde().serializer(),
                topics.auditTrail().valueSerde().serializer())) {
            for (AuditRecord r : records) {
                producer.send(new ProducerRecord<>(
                        topics.auditTrail().name(), SubjectKey.of(r.getTenant(), r.getScope()), r));
            }
        }
    }

    private void assertIndexHoldsExactly(List<AuditRecord> records) throws Exception {
        es.indices().refresh(r -> r.index(index.alias()));
        SearchResponse<JsonData> response = es.search(
                s -> s.index(index.alias()).size(10_000).trackTotalHits(t -> t.enabled(true)), JsonData.class);
        assertThat(response.hits().total().value()).isEqualTo(records.size());
        Map<String, AuditDocument> byId = new LinkedHashMap<>();
        for (Hit<JsonData> hit : response.hits().hits()) {
            byId.put(hit.id(), parse(hit.source()));
        }
        Map<String, AuditDocument> expected = new LinkedHashMap<>();
        for (AuditRecord r : records) {
            expected.put(r.getTenant() + "/" + r.getScope() + ":" + r.getSeq(), AuditChain.document(r));
        }
        assertThat(byId).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(byId.values()).allSatisfy(doc -> assertThat(AuditChain.recomputeHash(doc))
                .isEqualTo(doc.chain().hash()));
    }

    /**
     * Typed reads through {@code ElasticsearchClients.create} fail on nested {@code _source}
     * (its mapper has FAIL_ON_TRAILING_TOKENS); the raw JSON is parsed whole instead.
     */
    private static AuditDocument parse(JsonData source) throws Exception {
        return Json.mapper().readValue(source.toJson().toString(), AuditDocument.class);
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get());
            offsets.values().removeIf(o -> o == null);
            return offsets;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + TIMEOUT);
            }
            Thread.sleep(100);
        }
    }
}
