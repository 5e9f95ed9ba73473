package dev.vigil.streams.indexer;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.mget.MultiGetOperation;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import co.elastic.clients.json.JsonData;
import dev.vigil.common.json.Json;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.schemas.serde.AvroSerde;
import dev.vigil.streams.StreamsAppConfig;
import dev.vigil.trail.ElasticsearchClients;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.CheckpointIndex;
import java.io.IOException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies signed checkpoints from {@code vigil.audit-checkpoints} into the checkpoint index
 * ({@link CheckpointIndex}) with the same guarantees as {@link AuditIndexer}: read_committed, one
 * {@code op_type=create} per checkpoint under {@link CheckpointDocument#documentId()}, offsets
 * committed only after the whole bulk was accepted, backoff and retry of the same records while
 * Elasticsearch refuses them. A 409 against an identical stored document is a replay; against a
 * different one it is an integrity alarm, logged as such, and the stored document is never
 * overwritten. Its own consumer group ({@code <vigil.indexer.group-id>-checkpoints}), so it
 * neither waits for nor holds back the trail indexer.
 */
public final class CheckpointIndexer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointIndexer.class);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
    private static final String VERSION_CONFLICT = "version_conflict_engine_exception";

    private final ElasticsearchClient es;
    private final KafkaConsumer<String, byte[]> consumer;
    private final BatchOffsets offsets;
    private final AvroSerde<Checkpoint> serde = AvroSerde.of(Checkpoint.class);
    private final String alias;
    private final String topic;
    private final Duration pollTimeout;
    private final Thread thread;
    private final AtomicLong indexed = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong alarms = new AtomicLong();
    private volatile boolean running = true;

    private CheckpointIndexer(
            ElasticsearchClient es, KafkaConsumer<String, byte[]> consumer, String alias, String topic, Duration poll) {
        this.es = es;
        this.consumer = consumer;
        this.offsets = new BatchOffsets(consumer, "checkpoint indexer");
        this.alias = alias;
        this.topic = topic;
        this.pollTimeout = poll;
        this.thread = new Thread(this::run, "vigil-checkpoint-indexer");
    }

    /** Installs the checkpoint index (idempotent) and starts the consumer thread. */
    public static CheckpointIndexer start(StreamsAppConfig cfg) {
        CheckpointIndex index = new CheckpointIndex(cfg.indexPrefix());
        ElasticsearchClient es = ElasticsearchClients.create(cfg.elasticsearchUrl());
        KafkaConsumer<String, byte[]> consumer;
        try {
            index.install(es);
            consumer = new KafkaConsumer<>(consumerProperties(cfg));
        } catch (RuntimeException e) {
            ElasticsearchClients.close(es);
            throw e;
        }
        CheckpointIndexer indexer = new CheckpointIndexer(
                es,
                consumer,
                index.alias(),
                cfg.topics().auditCheckpoints().name(),
                Duration.ofMillis(cfg.indexerFlushIntervalMs()));
        LOG.info(
                "indexing {} into Elasticsearch alias {} at {} (group {})",
                indexer.topic,
                indexer.alias,
                cfg.elasticsearchUrl(),
                groupId(cfg));
        indexer.thread.start();
        return indexer;
    }

    static String groupId(StreamsAppConfig cfg) {
        return cfg.indexerGroupId() + "-checkpoints";
    }

    static Properties consumerProperties(StreamsAppConfig cfg) {
        Properties props = AuditIndexer.consumerProperties(cfg);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(cfg));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId(cfg));
        return props;
    }

    /** Checkpoints this indexer created in Elasticsearch. */
    public long indexedCount() {
        return indexed.get();
    }

    /** Checkpoints already stored identically (replays). */
    public long replayedCount() {
        return replayed.get();
    }

    /** Checkpoints whose {@code _id} holds a different document (never overwritten). */
    public long integrityAlarms() {
        return alarms.get();
    }

    private void run() {
        Backoff backoff = new Backoff(AuditIndexer.INITIAL_BACKOFF, AuditIndexer.MAX_BACKOFF);
        try {
            consumer.subscribe(List.of(topic));
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                if (records.isEmpty()) {
                    continue;
                }
                long[] tally;
                try {
                    tally = index(records);
                } catch (IndexingFailure | IOException | RuntimeException e) {
                    Duration delay = backoff.next();
                    LOG.warn(
                            "indexing {} checkpoints into {} failed (attempt {}), retrying the same records in {}: {}."
                                    + " Nothing is skipped or committed until they are in",
                            records.count(),
                            alias,
                            backoff.failures(),
                            delay,
                            AuditIndexer.describe(e));
                    offsets.rewindAndWait(records, delay, () -> running);
                    continue;
                }
                offsets.commit(records);
                indexed.addAndGet(tally[0]);
                replayed.addAndGet(tally[1]);
                alarms.addAndGet(tally[2]);
                if (backoff.failures() > 0) {
                    LOG.info("indexing into {} recovered after {} failed attempts", alias, backoff.failures());
                }
                backoff.reset();
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("checkpoint indexer woken up unexpectedly; it stopped: restart the service", e);
            }
        } catch (RuntimeException e) {
            LOG.error(
                    "checkpoint indexer stopped on {}; checkpoints are no longer copied to Elasticsearch: fix the cause"
                            + " and restart the service (it resumes from its last committed offsets)",
                    e.toString(),
                    e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing the checkpoint indexer's consumer failed: {}", e.toString());
            }
        }
    }

    /** Returns {created, replayed, alarms}. */
    private long[] index(ConsumerRecords<String, byte[]> records) throws IOException, IndexingFailure {
        List<Entry> entries = new ArrayList<>(records.count());
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() == null) {
                LOG.warn(
                        "tombstone on the checkpoint topic at {}-{}@{} (key '{}'); nothing to index: checkpoints are"
                                + " never deleted, find who wrote it",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key());
                continue;
            }
            Checkpoint checkpoint;
            try {
                checkpoint = serde.decode(record.value());
            } catch (RuntimeException e) {
                throw new IndexingFailure(
                        "cannot decode the checkpoint at " + record.topic() + "-" + record.partition() + "@"
                                + record.offset() + " (" + e.getMessage() + "); upgrade the indexer to the release"
                                + " that wrote it",
                        e);
            }
            CheckpointDocument doc = CheckpointDocument.of(checkpoint);
            entries.add(new Entry(record, doc));
            bulk.operations(
                    op -> op.create(c -> c.index(alias).id(doc.documentId()).document(doc)));
        }
        long[] tally = new long[3];
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
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            BulkResponseItem item = items.get(i);
            if (item.error() == null && (item.status() == 201 || item.status() == 200)) {
                tally[0]++;
            } else if (item.status() == 409
                    && item.error() != null
                    && VERSION_CONFLICT.equals(item.error().type())) {
                conflicts.add(new Conflict(entries.get(i), item.index()));
            } else {
                failures.add(item.id() + ": " + item.status()
                        + (item.error() == null
                                ? ""
                                : " " + item.error().type() + " " + item.error().reason()));
            }
        }
        if (!failures.isEmpty()) {
            throw new IndexingFailure(
                    failures.size() + " of " + items.size() + " checkpoints refused, e.g. "
                            + String.join("; ", failures.subList(0, Math.min(3, failures.size()))),
                    null);
        }
        if (!conflicts.isEmpty()) {
            resolveConflicts(conflicts, tally);
        }
        return tally;
    }

    /**
     * A checkpoint is small and wholly signed, so "identical" means the whole stored document
     * equals ours: same head, time, key and signature. mget reads in real time.
     */
    private void resolveConflicts(List<Conflict> conflicts, long[] tally) throws IOException, IndexingFailure {
        List<MultiGetOperation> gets = conflicts.stream()
                .map(c -> MultiGetOperation.of(
                        g -> g.index(c.index()).id(c.entry().doc().documentId())))
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
            CheckpointDocument ours = conflict.entry().doc();
            if (got.isFailure() || !got.result().found() || got.result().source() == null) {
                throw new IndexingFailure(
                        "checkpoint " + ours.documentId() + " conflicted on create but cannot be read back from "
                                + conflict.index(),
                        null);
            }
            CheckpointDocument stored = parse(got.result().source());
            if (ours.equals(stored)) {
                tally[1]++;
            } else {
                tally[2]++;
                ConsumerRecord<String, byte[]> source = conflict.entry().record();
                LOG.error(
                        "INTEGRITY ALARM: checkpoint {} in index {} (hash {}, key {}, signature {}) differs from the"
                                + " checkpoint at {}-{}@{} (hash {}, key {}, signature {}). The stored document was NOT"
                                + " overwritten. Verify chain {} and investigate who wrote that document: the index"
                                + " may have been tampered with",
                        ours.documentId(),
                        conflict.index(),
                        stored.chain() == null ? null : stored.chain().hash(),
                        stored.keyId(),
                        stored.signature(),
                        source.topic(),
                        source.partition(),
                        source.offset(),
                        ours.chain().hash(),
                        ours.keyId(),
                        ours.signature(),
                        ours.chain().id());
            }
        }
    }

    /** Raw JSON parsed whole: a stored document with unexpected content is a mismatch, not a crash. */
    private static CheckpointDocument parse(JsonData source) {
        try {
            return Json.mapper().readValue(source.toJson().toString(), CheckpointDocument.class);
        } catch (IOException | RuntimeException e) {
            return new CheckpointDocument(null, null, null, null, null, null, "unreadable: " + e.getMessage(), 0);
        }
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
            LOG.warn("checkpoint indexer thread did not stop within {}", CLOSE_TIMEOUT);
        }
        ElasticsearchClients.close(es);
    }

    private record Entry(ConsumerRecord<String, byte[]> record, CheckpointDocument doc) {}

    private record Conflict(Entry entry, String index) {}

    /** A batch Elasticsearch did not fully accept: retried, never skipped. */
    private static final class IndexingFailure extends Exception {
        IndexingFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
