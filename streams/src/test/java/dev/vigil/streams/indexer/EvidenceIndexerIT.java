package dev.vigil.streams.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.GetResponse;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.streams.StreamsAppConfig;
import dev.vigil.trail.ElasticsearchClients;
import dev.vigil.trail.evidence.EvidenceDocument;
import dev.vigil.trail.evidence.EvidenceIndex;
import dev.vigil.trail.evidence.EvidenceKeyDocument;
import dev.vigil.trail.evidence.EvidenceKeyIndex;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The evidence indexer between the real broker and the real Elasticsearch node. */
class EvidenceIndexerIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int CHUNK = 512 * 1024;

    @TempDir
    Path dataDir;

    private String bootstrap;
    private Topics topics;
    private EvidenceIndex index;
    private ElasticsearchClient es;
    private Map<String, String> config;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp(TestInfo test) {
        bootstrap = SharedServers.kafka().bootstrapServers();
        String esUrl = SharedServers.elasticsearch().httpUrl();
        String id = "it-ev-" + test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT) + "-"
                + UUID.randomUUID().toString().substring(0, 8) + "-";
        topics = Topics.withPrefix(id);
        index = new EvidenceIndex(id);
        es = ElasticsearchClients.create(esUrl);
        config = new LinkedHashMap<>();
        config.put("vigil.kafka.bootstrap-servers", bootstrap);
        config.put("vigil.topic-prefix", id);
        config.put("vigil.elasticsearch.url", esUrl);
        config.put("vigil.index-prefix", id);
        config.put("vigil.data-dir", dataDir.toString());
        config.put("vigil.indexer.group-id", id + "indexer");
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

    private EvidenceIndexer startIndexer(String groupId) {
        Map<String, String> values = new LinkedHashMap<>(config);
        values.put("vigil.indexer.group-id", groupId);
        EvidenceIndexer indexer = EvidenceIndexer.start(StreamsAppConfig.of(values));
        open.add(indexer);
        return indexer;
    }

    @Test
    void shouldIndexEveryChunkByteIdenticalUnderItsKeyAndTreatReplaysAsSuccess() throws Exception {
        byte[] large = new byte[2 * CHUNK + 12_345];
        new Random(1).nextBytes(large);
        byte[] small = "{\"runs\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<EvidenceChunk> chunks = new ArrayList<>(chunks("acme", large, "application/octet-stream"));
        chunks.addAll(chunks("globex", small, "application/sarif+json"));
        produce(chunks);

        EvidenceIndexer first = startIndexer(config.get("vigil.indexer.group-id"));
        await(() -> first.indexedCount() == 4);
        assertThat(first.integrityAlarms()).isZero();

        String sha = sha256(large);
        ByteArrayOutputStream reassembled = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            EvidenceDocument doc = get(EvidenceIndex.documentId("acme", sha, i));
            assertThat(doc.count()).isEqualTo(3);
            assertThat(doc.size()).isEqualTo(large.length);
            assertThat(doc.index()).isEqualTo(i);
            reassembled.write(doc.data());
        }
        assertThat(reassembled.toByteArray()).isEqualTo(large);
        EvidenceDocument smallDoc = get(EvidenceIndex.documentId("globex", sha256(small), 0));
        assertThat(smallDoc.data()).isEqualTo(small);
        assertThat(smallDoc.mediaType()).isEqualTo("application/sarif+json");
        first.close();
        open.remove(first);

        EvidenceIndexer replay = startIndexer(config.get("vigil.indexer.group-id") + "-replay");
        await(() -> replay.replayedCount() == 4);
        assertThat(replay.indexedCount()).isZero();
        assertThat(replay.integrityAlarms()).isZero();
    }

    @Test
    void shouldRaiseIntegrityAlarmAndKeepTheStoredChunkWhenItsIdHoldsOtherBytes() throws Exception {
        byte[] payload = "genuine scanner report".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        EvidenceChunk genuine = chunks("acme", payload, "application/json").getFirst();
        EvidenceDocument forged = new EvidenceDocument(
                "acme",
                genuine.getSha256(),
                0,
                1,
                payload.length,
                "application/json",
                "2026-03-01T00:00:00Z",
                "forged scanner report!".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        index.install(es);
        es.create(c -> c.index(index.alias()).id(forged.documentId()).document(forged));

        produce(List.of(genuine));
        EvidenceIndexer indexer = startIndexer(config.get("vigil.indexer.group-id"));
        await(() -> indexer.integrityAlarms() == 1);

        assertThat(indexer.replayedCount()).isZero();
        assertThat(get(forged.documentId()).data()).isEqualTo(forged.data());
    }

    @Test
    void shouldIndexEncryptedChunksAndTheirDataKeyAndDeleteTheKeyOnItsTombstone() throws Exception {
        byte[] payload = ("{\"actor\":{\"email\":\"alice@example.com\"},\"pad\":\"" + "x".repeat(CHUNK) + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String sha = sha256(payload);
        byte[] key = EvidenceChunks.newDataKey();
        List<EvidenceChunk> encrypted = EvidenceChunks.chunks(
                "acme", sha, "application/json", Instant.parse("2026-03-01T08:00:00Z"), payload, CHUNK, key);
        String keyId = EvidenceChunks.dataKeyId("acme", sha);
        produceKey(keyId, key);
        produce(encrypted);

        EvidenceIndexer indexer = startIndexer(config.get("vigil.indexer.group-id"));
        await(() -> indexer.indexedCount() == 2 && indexer.keysIndexedCount() == 1);

        EvidenceKeyIndex keyIndex = new EvidenceKeyIndex(topics.prefix());
        GetResponse<EvidenceKeyDocument> keyDoc =
                es.get(g -> g.index(keyIndex.name()).id(keyId), EvidenceKeyDocument.class);
        assertThat(keyDoc.found()).isTrue();
        assertThat(keyDoc.source().key()).isEqualTo(key);
        assertThat(keyDoc.source().sha256()).isEqualTo(sha);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        for (int i = 0; i < 2; i++) {
            EvidenceDocument doc = get(EvidenceIndex.documentId("acme", sha, i));
            assertThat(doc.encryption()).isEqualTo(EvidenceChunks.AES_256_GCM_V1);
            assertThat(new String(doc.data(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain("alice@example.com");
            plain.write(EvidenceChunks.decrypt(key, "acme", sha, i, 2, doc.data()));
        }
        assertThat(plain.toByteArray()).isEqualTo(payload);

        // The erasure of the person: a tombstone for the payload's key.
        produceKey(keyId, null);
        await(() -> indexer.keysDeletedCount() == 1);

        assertThat(es.get(g -> g.index(keyIndex.name()).id(keyId), EvidenceKeyDocument.class)
                        .found())
                .isFalse();
        assertThat(get(EvidenceIndex.documentId("acme", sha, 0)).encryption())
                .as("the chunks stay, as ciphertext nobody can open")
                .isEqualTo(EvidenceChunks.AES_256_GCM_V1);
        assertThat(indexer.integrityAlarms()).isZero();
    }

    private void produceKey(String id, byte[] key) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                topics.evidenceKeys().keySerde().serializer(),
                topics.evidenceKeys().valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topics.evidenceKeys().name(), id, key))
                    .get();
        }
    }

    private EvidenceDocument get(String id) throws Exception {
        GetResponse<EvidenceDocument> got = es.get(g -> g.index(index.alias()).id(id), EvidenceDocument.class);
        assertThat(got.found()).as("chunk %s indexed", id).isTrue();
        return got.source();
    }

    /** Chunks as ingest writes them: at most 512 KiB each, keyed tenant/sha256/index. */
    private static List<EvidenceChunk> chunks(String tenant, byte[] payload, String mediaType) throws Exception {
        String sha = sha256(payload);
        int count = Math.max(1, (payload.length + CHUNK - 1) / CHUNK);
        List<EvidenceChunk> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chunks.add(EvidenceChunk.newBuilder()
                    .setTenant(tenant)
                    .setSha256(sha)
                    .setIndex(i)
                    .setCount(count)
                    .setSize(payload.length)
                    .setMediaType(mediaType)
                    .setReceivedAt(Instant.parse("2026-03-01T08:00:00Z"))
                    .setData(ByteBuffer.wrap(
                            Arrays.copyOfRange(payload, i * CHUNK, Math.min(payload.length, (i + 1) * CHUNK))))
                    .build());
        }
        return chunks;
    }

    private void produce(List<EvidenceChunk> chunks) {
        try (KafkaProducer<String, EvidenceChunk> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        2_000_000),
                topics.evidence().keySerde().serializer(),
                topics.evidence().valueSerde().serializer())) {
            for (EvidenceChunk c : chunks) {
                producer.send(new ProducerRecord<>(
                        topics.evidence().name(),
                        EvidenceIndex.documentId(c.getTenant(), c.getSha256(), c.getIndex()),
                        c));
            }
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
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
