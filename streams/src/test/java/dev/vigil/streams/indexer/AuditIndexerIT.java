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
        es.create(c -> c.index(index.alias()).id(genuine.documentId()).document(forged));

        produce(records);
        AuditIndexer indexer = startIndexer(config.get("vigil.indexer.group-id"));
        await(() -> indexer.indexedCount() == records.size() - 1 && indexer.integrityAlarms() == 1);

        assertThat(indexer.replayedCount()).isZero();
        AuditDocument stored = parse(es.get(g -> g.index(index.alias()).id(genuine.documentId()), JsonData.class)
                .source());
        assertThat(stored).isEqualTo(forged);
    }

    @Test
    void shouldRetryARefusedBatchWithoutCommittingUntilElasticsearchAcceptsIt() throws Exception {
        List<AuditRecord> records = TrailFixtures.chains(topics, SUBJECTS, 10, dataDir.resolve("f"));
        index.install(es);
        // Every write to the index is refused (403 cluster_block_exception) until the block is lifted.
        es.indices().putSettings(s -> s.index(index.alias()).settings(t -> t.blocks(b -> b.write(true))));
        produce(records);
        String group = config.get("vigil.indexer.group-id");

        AuditIndexer indexer = startIndexer(group);
        Thread.sleep(1_500);

        assertThat(indexer.indexedCount()).isZero();
        assertThat(committedOffsets(group)).isEmpty();

        es.indices().putSettings(s -> s.index(index.alias()).settings(t -> t.blocks(b -> b.write(false))));
        await(() -> indexer.indexedCount() == records.size());
        assertIndexHoldsExactly(records);
        await(() -> committedOffsets(group).values().stream()
                        .mapToLong(OffsetAndMetadata::offset)
                        .sum()
                == records.size());
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
