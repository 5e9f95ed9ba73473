package dev.vigil.streams.indexer;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.mget.MultiGetOperation;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import co.elastic.clients.json.JsonData;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.serde.AvroSerde;
import dev.vigil.streams.StreamsAppConfig;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditFields;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the audit trail from Kafka into Elasticsearch, at least once and without duplicates:
 * it reads only committed trail records, writes each with {@code op_type=create} under its
 * deterministic {@code _id} ({@code tenant/scope:seq}), and commits offsets only after
 * Elasticsearch accepted the whole batch. A replayed record therefore collides with itself (409
 * on an identical document counts as success); a collision with a <em>different</em> document is
 * an integrity alarm and is never overwritten. While Elasticsearch is down or refuses a batch the
 * indexer backs off and retries the same records: it never skips one.
 *
 * <p>Each record goes to the monthly index of its chained time ({@link AuditIndex#indexFor}), so
 * the same record always meets itself. The indexer also runs the {@link IndexSealer} at start and
 * then every {@link #SEAL_INTERVAL}; a record refused because its month is sealed is an alarm,
 * retried with backoff like any refusal until an operator lets it in.
 */
public final class AuditIndexer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditIndexer.class);

    static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
    static final Duration SEAL_INTERVAL = Duration.ofHours(1);
    private static final Duration SEAL_RETRY = Duration.ofMinutes(1);
    private static final String VERSION_CONFLICT = "version_conflict_engine_exception";
    private static final String CLUSTER_BLOCK = "cluster_block_exception";

    private final ElasticsearchClient es;
    private final KafkaConsumer<String, byte[]> consumer;
    private final BatchOffsets offsets;
    private final AvroSerde<AuditRecord> serde = AvroSerde.of(AuditRecord.class);
    private final AuditIndex auditIndex;
    private final String alias;
    private final IndexSealer sealer;
    private final String topic;
    private final Duration pollTimeout;
    private final Thread thread;
    private final AtomicLong indexed = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong alarms = new AtomicLong();
    private final AtomicLong sealedRefusals = new AtomicLong();
    private volatile boolean running = true;
    private long nextSealNanos = System.nanoTime();

    private AuditIndexer(
            ElasticsearchClient es,
            KafkaConsumer<String, byte[]> consumer,
            AuditIndex auditIndex,
            Duration sealGrace,
            String topic,
            Duration pollTimeout) {
        this.es = es;
        this.consumer = consumer;
        this.offsets = new BatchOffsets(consumer, "indexer");
        this.auditIndex = auditIndex;
        this.alias = auditIndex.alias();
        this.sealer = new IndexSealer(es, auditIndex, sealGrace, Clock.systemUTC());
        this.topic = topic;
        this.pollTimeout = pollTimeout;
        this.thread = new Thread(this::run, "vigil-audit-indexer");
    }

    /** Installs the trail index (idempotent) and starts the consumer thread. */
    public static AuditIndexer start(StreamsAppConfig cfg) {
        AuditIndex index = new AuditIndex(cfg.indexPrefix());
        ElasticsearchClient es = ElasticsearchClients.create(cfg.elasticsearchUrl());
        KafkaConsumer<String, byte[]> consumer;
        try {
            index.install(es);
            consumer = new KafkaConsumer<>(consumerProperties(cfg));
        } catch (RuntimeException e) {
            ElasticsearchClients.close(es);
            throw e;
        }
        AuditIndexer indexer = new AuditIndexer(
                es,
                consumer,
                index,
                Duration.ofDays(cfg.trailSealGraceDays()),
                cfg.topics().auditTrail().name(),
                Duration.ofMillis(cfg.indexerFlushIntervalMs()));
        LOG.info(
                "indexing {} into Elasticsearch alias {} at {} (group {})",
                indexer.topic,
                indexer.alias,
                cfg.elasticsearchUrl(),
                cfg.indexerGroupId());
        indexer.thread.start();
        return indexer;
    }

    static Properties consumerProperties(StreamsAppConfig cfg) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, cfg.indexerGroupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, cfg.indexerGroupId());
        // Records of an aborted streams transaction never reach the index.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group indexes the whole trail: it is kept forever and Elasticsearch may be empty.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, cfg.indexerBatchSize());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        // Decoded per record by the indexer, so a record it cannot read stops it at that record (retrying) instead
        // of failing inside poll.
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    /** Trail records this indexer created in Elasticsearch. */
    public long indexedCount() {
        return indexed.get();
    }

    /** Trail records already in Elasticsearch with the same hash (replays after a restart or retry). */
    public long replayedCount() {
        return replayed.get();
    }

    /** Trail records whose {@code _id} was taken by a document with a different hash (never overwritten). */
    public long integrityAlarms() {
        return alarms.get();
    }

    /** Batches refused (and retried) because a record's month is sealed: each one an alarm. */
    public long sealedRefusals() {
        return sealedRefusals.get();
    }

    private void run() {
        Backoff backoff = new Backoff(INITIAL_BACKOFF, MAX_BACKOFF);
        try {
            consumer.subscribe(List.of(topic));
            while (running) {
                sealIfDue();
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                if (records.isEmpty()) {
                    continue;
                }
                Tally tally;
                try {
                    tally = index(records);
                } catch (IndexingFailure | IOException | RuntimeException e) {
                    Duration delay = backoff.next();
                    LOG.warn(
                            "indexing {} trail records into {} failed (attempt {}), retrying the same records in {}:"
                                    + " {}. Nothing is skipped or committed until they are in; if Elasticsearch is"
                                    + " down or refuses writes to {}, that is what to fix",
                            records.count(),
                            alias,
                            backoff.failures(),
                            delay,
                            describe(e),
                            alias);
                    offsets.rewindAndWait(records, delay, () -> running);
                    continue;
                }
                offsets.commit(records);
                indexed.addAndGet(tally.created);
                replayed.addAndGet(tally.replayed);
                alarms.addAndGet(tally.alarms);
                if (backoff.failures() > 0) {
                    LOG.info("indexing into {} recovered after {} failed attempts", alias, backoff.failures());
                }
                backoff.reset();
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("audit indexer woken up unexpectedly; it stopped: restart the service", e);
            }
        } catch (RuntimeException e) {
            LOG.error(
                    "audit indexer stopped on {}; the trail is no longer copied to Elasticsearch: fix the cause and"
                            + " restart the service (it resumes from its last committed offsets)",
                    e.toString(),
                    e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing the indexer's consumer failed: {}", e.toString());
            }
        }
    }

    private Tally index(ConsumerRecords<String, byte[]> records) throws IOException, IndexingFailure {
        List<Entry> entries = new ArrayList<>(records.count());
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() == null) {
                LOG.warn(
                        "tombstone on the audit trail at {}-{}@{} (key '{}'); nothing to index: the trail is never"
                                + " deleted, find who wrote it",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key());
                continue;
            }
            AuditRecord trailRecord;
            try {
                trailRecord = serde.decode(record.value());
            } catch (RuntimeException e) {
                throw new IndexingFailure(
                        "cannot decode the trail record at " + record.topic() + "-" + record.partition() + "@"
                                + record.offset() + " (" + e.getMessage() + "); upgrade the indexer to the release"
                                + " that wrote it",
                        e);
            }
            AuditDocument doc = AuditChain.document(trailRecord);
            String target = auditIndex.indexFor(trailRecord.getRecordedAt());
            entries.add(new Entry(record, doc, target));
            bulk.operations(
                    op -> op.create(c -> c.index(target).id(doc.documentId()).document(doc)));
        }
        Tally tally = new Tally();
        if (entries.isEmpty()) {
            return tally;
        }
        BulkResponse response = es.bulk(bulk.build());
        List<BulkResponseItem> items = response.items();
        if (items.size() != entries.size()) {
            throw new IndexingFailure(
                    "bulk response has " + items.size() + " items for " + entries.size() + " operations", null);
        }
        List<Conflict> conflicts = new ArrayList<>();
        List<Conflict> blocked = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            BulkResponseItem item = items.get(i);
            if (item.error() == null && (item.status() == 201 || item.status() == 200)) {
                tally.created++;
            } else if (item.status() == 409
                    && item.error() != null
                    && VERSION_CONFLICT.equals(item.error().type())) {
                conflicts.add(new Conflict(entries.get(i), entries.get(i).target()));
            } else if (item.error() != null && CLUSTER_BLOCK.equals(item.error().type())) {
                // A sealed month refuses every write before it looks for the _id: a replay lands here too.
                blocked.add(new Conflict(entries.get(i), entries.get(i).target()));
            } else {
                failures.add(item.id() + ": " + item.status()
                        + (item.error() == null
                                ? ""
                                : " " + item.error().type() + " " + item.error().reason()));
            }
        }
        if (!failures.isEmpty()) {
            throw new IndexingFailure(
                    failures.size() + " of " + items.size() + " documents refused, e.g. "
                            + String.join("; ", failures.subList(0, Math.min(3, failures.size()))),
                    null);
        }
        if (!conflicts.isEmpty()) {
            resolveConflicts(conflicts, tally, false);
        }
        List<String> sealed = blocked.isEmpty() ? List.of() : resolveConflicts(blocked, tally, true);
        if (!sealed.isEmpty()) {
            sealedRefusals.incrementAndGet();
            LOG.error(
                    "ALARM: {} trail records belong to a sealed month and were refused (index.blocks.write), e.g."
                            + " {}. They are NOT dropped: the indexer retries them with backoff and stops there."
                            + " The pipeline delivered them later than vigil.trail.seal-grace-days allows; check"
                            + " why, then lift the block on that index, let them in and seal it again"
                            + " (docs/operations.md, 'A record for a sealed month')",
                    sealed.size(),
                    String.join("; ", sealed.subList(0, Math.min(3, sealed.size()))));
            throw new IndexingFailure(sealed.size() + " records for sealed months refused", null);
        }
        return tally;
    }

    /**
     * A 409 is a replay when the stored document has the same hash, and an integrity alarm
     * otherwise. Only {@code chain.hash} is fetched, as raw JSON: the comparison must work whatever
     * else the stored document holds. mget reads in real time, so a document created a moment ago
     * (not yet searchable) is found.
     *
     * <p>With {@code sealedMonth}, the writes were refused by a sealed index instead: a document
     * already there is judged the same way, and the ones that are not there (late records) are
     * answered, as {@code id -> index}, for the caller to alarm and retry.
     */
    private List<String> resolveConflicts(List<Conflict> conflicts, Tally tally, boolean sealedMonth)
            throws IOException, IndexingFailure {
        List<String> missing = new ArrayList<>();
        List<MultiGetOperation> gets = conflicts.stream()
                .map(c -> MultiGetOperation.of(g -> g.index(c.index())
                        .id(c.entry().doc().documentId())
                        .source(src -> src.filter(f -> f.includes(AuditFields.CHAIN_HASH)))))
                .toList();
        MgetResponse<JsonData> response = es.mget(m -> m.docs(gets), JsonData.class);
        List<MultiGetResponseItem<JsonData>> docs = response.docs();
        if (docs.size() != conflicts.size()) {
            throw new IndexingFailure(
                    "mget returned " + docs.size() + " documents for " + conflicts.size() + " conflicts", null);
        }
        for (int i = 0; i < conflicts.size(); i++) {
            Conflict conflict = conflicts.get(i);
            MultiGetResponseItem<JsonData> got = docs.get(i);
            String id = conflict.entry().doc().documentId();
            if (sealedMonth && !got.isFailure() && !got.result().found()) {
                missing.add(id + " -> " + conflict.index());
                continue;
            }
            if (got.isFailure() || !got.result().found() || got.result().source() == null) {
                throw new IndexingFailure(
                        "document " + id + " conflicted on create but cannot be read back from " + conflict.index(),
                        null);
            }
            String storedHash = chainHash(got.result().source());
            String ourHash = conflict.entry().doc().chain().hash();
            if (ourHash.equals(storedHash)) {
                tally.replayed++;
            } else {
                tally.alarms++;
                ConsumerRecord<String, byte[]> source = conflict.entry().record();
                LOG.error(
                        "INTEGRITY ALARM: trail document {} in index {} has chain.hash {}, but the audit-trail record"
                                + " at {}-{}@{} has chain.hash {}. The stored document was NOT overwritten. Verify"
                                + " chain {} and investigate who wrote that document: the index may have been"
                                + " tampered with",
                        id,
                        conflict.index(),
                        storedHash,
                        source.topic(),
                        source.partition(),
                        source.offset(),
                        ourHash,
                        conflict.entry().doc().chain().id());
            }
        }
        return missing;
    }

    /** Seals due monthly indices at start and then every {@link #SEAL_INTERVAL}; a failure is retried soon. */
    private void sealIfDue() {
        if (System.nanoTime() - nextSealNanos < 0) {
            return;
        }
        try {
            sealer.sealDue();
            nextSealNanos = System.nanoTime() + SEAL_INTERVAL.toNanos();
        } catch (IOException | RuntimeException e) {
            nextSealNanos = System.nanoTime() + SEAL_RETRY.toNanos();
            LOG.warn(
                    "sealing due trail indices behind {} failed ({}); retrying in {}: indexing goes on meanwhile",
                    alias,
                    describe(e),
                    SEAL_RETRY);
        }
    }

    /** The exception and its causes on one line: the root cause is what an operator acts on. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.toString());
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            text.append(" <- ").append(cause);
        }
        return text.toString();
    }

    private static String chainHash(JsonData source) {
        JsonValue json = source.toJson();
        if (json.getValueType() != JsonValue.ValueType.OBJECT) {
            return null;
        }
        JsonObject chain = json.asJsonObject().getJsonObject("chain");
        return chain == null ? null : chain.getString("hash", null);
    }

    /** Stops the thread; a batch not yet committed is read again by the next start (as replays). */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("audit indexer thread did not stop within {}", CLOSE_TIMEOUT);
        }
        ElasticsearchClients.close(es);
    }

    private record Entry(ConsumerRecord<String, byte[]> record, AuditDocument doc, String target) {}

    private record Conflict(Entry entry, String index) {}

    private static final class Tally {
        long created;
        long replayed;
        long alarms;
    }

    /** A batch Elasticsearch did not fully accept: retried, never skipped. */
    private static final class IndexingFailure extends Exception {
        IndexingFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
