package dev.vigil.streams.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.streams.Inputs;
import dev.vigil.streams.StreamsApp;
import dev.vigil.streams.StreamsAppConfig;
import dev.vigil.streams.TestEngine;
import dev.vigil.streams.TestSigningKey;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.CheckpointIndex;
import dev.vigil.trail.checkpoint.PublicKeyRing;
import dev.vigil.trail.checkpoint.SigningKey;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** Streams app, trail indexer and checkpoint indexer on the real broker and Elasticsearch node. */
class CheckpointIndexerIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final List<String> SUBJECTS =
            List.of("github.com/acme/shop", "github.com/acme/billing", "payments-gateway");

    @TempDir
    Path dataDir;

    private String bootstrap;
    private String prefix;
    private Topics topics;
    private ElasticsearchClient es;
    private Map<String, String> config;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp(TestInfo test) {
        bootstrap = SharedServers.kafka().bootstrapServers();
        String esUrl = SharedServers.elasticsearch().httpUrl();
        prefix = "it-" + test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT) + "-"
                + UUID.randomUUID().toString().substring(0, 8) + "-";
        topics = Topics.withPrefix(prefix);
        es = ElasticsearchClients.create(esUrl);
        config = new LinkedHashMap<>();
        config.put("vigil.kafka.bootstrap-servers", bootstrap);
        config.put("vigil.topic-prefix", prefix);
        config.put("vigil.elasticsearch.url", esUrl);
        config.put("vigil.index-prefix", prefix);
        config.put("vigil.data-dir", dataDir.toString());
        config.put("vigil.streams.application-id", prefix + "streams");
        config.put("vigil.indexer.group-id", prefix + "indexer");
        config.put("vigil.indexer.flush-interval-ms", "200");
        config.put("vigil.trail.signing-key-file", TestSigningKey.file().toString());
        config.put("vigil.trail.checkpoint-interval-ms", "500");
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

    @Test
    void shouldIndexSignedCheckpointsMatchingTheTrailHeadOfEveryChain() throws Exception {
        StreamsAppConfig cfg = StreamsAppConfig.of(config);
        StreamsApp app = StreamsApp.start(cfg, new TestEngine());
        open.add(app);
        app.waitUntilRunning(TIMEOUT);
        open.add(AuditIndexer.start(cfg));
        CheckpointIndexer checkpoints = CheckpointIndexer.start(cfg);
        open.add(checkpoints);

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 30; i++) {
                String scope = SUBJECTS.get(i % SUBJECTS.size());
                producer.send(new ProducerRecord<>(
                        topics.pipelineEvents().name(),
                        SubjectKey.of(Inputs.TENANT, scope),
                        topics.pipelineEvents()
                                .valueSerde()
                                .serializer()
                                .serialize(null, Inputs.merged(scope, "in-" + i))));
            }
        }

        // The trail's heads, as indexed, and the newest checkpoint of each chain must meet.
        AuditIndex trailIndex = new AuditIndex(prefix);
        CheckpointIndex checkpointIndex = new CheckpointIndex(prefix);
        await(() -> {
            Map<String, Long> heads = trailHeads(trailIndex);
            Map<String, CheckpointDocument> newest = newestCheckpoints(checkpointIndex);
            return heads.size() == SUBJECTS.size()
                    && heads.values().stream().allMatch(seq -> seq >= 10)
                    && heads.entrySet().stream()
                            .allMatch(h -> newest.containsKey(h.getKey())
                                    && newest.get(h.getKey()).chain().seq() == h.getValue());
        });

        PublicKeyRing ring = PublicKeyRing.load(cfg.publicKeysDir());
        SigningKey signing = SigningKeys.load(TestSigningKey.file());
        assertThat(ring.activeKeyId()).contains(signing.keyId());
        List<CheckpointDocument> all = allCheckpoints(checkpointIndex);
        assertThat(all).isNotEmpty().allSatisfy(doc -> {
            assertThat(doc.keyId()).isEqualTo(signing.keyId());
            assertThat(ring.verify(doc.toCheckpoint()))
                    .as("signature of %s", doc.documentId())
                    .isTrue();
            assertThat(trailHash(trailIndex, doc.documentId()))
                    .isEqualTo(doc.chain().hash());
        });
        assertThat(all.stream().map(CheckpointDocument::documentId).distinct().count())
                .isEqualTo(all.size());
        assertThat(checkpoints.integrityAlarms()).isZero();
    }

    @Test
    void shouldCountReplaysAndRaiseAlarmWithoutOverwritingADifferentCheckpoint() throws Exception {
        SigningKey key = SigningKeys.generate();
        List<Checkpoint> sent = new ArrayList<>();
        for (int i = 0; i < SUBJECTS.size(); i++) {
            sent.add(key.sign(Checkpoint.newBuilder()
                    .setTenant(Inputs.TENANT)
                    .setScope(SUBJECTS.get(i))
                    .setSeq(10 + i)
                    .setHash(String.valueOf(i).repeat(64))
                    .setCreatedAt(Instant.parse("2026-11-24T10:00:00.123Z"))
                    .setKeyId("")
                    .setSignature(ByteBuffer.allocate(0))
                    .build()));
        }
        CheckpointIndex index = new CheckpointIndex(prefix);
        index.install(es);
        // Someone wrote a different checkpoint under the id of the first one.
        CheckpointDocument forged = CheckpointDocument.of(
                Checkpoint.newBuilder(sent.get(0)).setHash("f".repeat(64)).build());
        es.create(c -> c.index(index.alias()).id(forged.documentId()).document(forged));
        try (KafkaProducer<String, Checkpoint> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                topics.auditCheckpoints().keySerde().serializer(),
                topics.auditCheckpoints().valueSerde().serializer())) {
            for (Checkpoint c : sent) {
                producer.send(new ProducerRecord<>(
                        topics.auditCheckpoints().name(), SubjectKey.of(c.getTenant(), c.getScope()), c));
            }
        }

        CheckpointIndexer first = CheckpointIndexer.start(StreamsAppConfig.of(config));
        open.add(first);
        await(() -> first.indexedCount() + first.integrityAlarms() == sent.size());
        Map<String, String> again = new LinkedHashMap<>(config);
        again.put("vigil.indexer.group-id", prefix + "again");
        CheckpointIndexer second = CheckpointIndexer.start(StreamsAppConfig.of(again));
        open.add(second);
        await(() -> second.replayedCount() + second.integrityAlarms() == sent.size());

        assertThat(first.indexedCount()).isEqualTo(2);
        assertThat(first.integrityAlarms()).isEqualTo(1);
        assertThat(second.indexedCount()).isZero();
        assertThat(second.replayedCount()).isEqualTo(2);
        assertThat(second.integrityAlarms()).isEqualTo(1);
        Map<String, CheckpointDocument> stored = new LinkedHashMap<>();
        allCheckpoints(index).forEach(d -> stored.put(d.documentId(), d));
        assertThat(stored).hasSize(3);
        assertThat(stored.get(forged.documentId())).isEqualTo(forged);
        assertThat(stored.get(CheckpointDocument.of(sent.get(1)).documentId()))
                .isEqualTo(CheckpointDocument.of(sent.get(1)));
    }

    private Map<String, Long> trailHeads(AuditIndex index) {
        Map<String, Long> heads = new LinkedHashMap<>();
        for (JsonData source : search(index.alias())) {
            var chain = source.toJson().asJsonObject().getJsonObject("chain");
            heads.merge(chain.getString("id"), chain.getJsonNumber("seq").longValue(), Math::max);
        }
        return heads;
    }

    private String trailHash(AuditIndex index, String id) throws Exception {
        var got = es.get(g -> g.index(index.alias()).id(id), JsonData.class);
        return got.found()
                ? got.source().toJson().asJsonObject().getJsonObject("chain").getString("hash")
                : null;
    }

    private Map<String, CheckpointDocument> newestCheckpoints(CheckpointIndex index) {
        Map<String, CheckpointDocument> newest = new LinkedHashMap<>();
        for (CheckpointDocument doc : allCheckpoints(index)) {
            newest.merge(
                    doc.chain().id(),
                    doc,
                    (a, b) -> a.chain().seq() >= b.chain().seq() ? a : b);
        }
        return newest;
    }

    private List<CheckpointDocument> allCheckpoints(CheckpointIndex index) {
        return search(index.alias()).stream().map(CheckpointIndexerIT::parse).toList();
    }

    private List<JsonData> search(String alias) {
        try {
            es.indices().refresh(r -> r.index(alias));
            SearchResponse<JsonData> response = es.search(s -> s.index(alias).size(10_000), JsonData.class);
            return response.hits().hits().stream().map(Hit::source).toList();
        } catch (Exception e) {
            return List.of();
        }
    }

    private static CheckpointDocument parse(JsonData source) {
        try {
            return Json.mapper().readValue(source.toJson().toString(), CheckpointDocument.class);
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
            Thread.sleep(200);
        }
    }
}
