package dev.vigil.streams.indexer;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.mget.MultiGetOperation;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.serde.AvroSerde;
import dev.vigil.streams.StreamsAppConfig;
import dev.vigil.trail.ElasticsearchClients;
import dev.vigil.trail.evidence.EvidenceDocument;
import dev.vigil.trail.evidence.EvidenceIndex;
import dev.vigil.trail.evidence.EvidenceKeyDocument;
import dev.vigil.trail.evidence.EvidenceKeyIndex;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * Copies the raw evidence ({@code vigil.evidence}, one {@link EvidenceChunk} per record) into
 * Elasticsearch ({@link EvidenceIndex}), so an auditor can fetch the payload a trail record's
 * {@code evidence.sha256} names. Same guarantees as {@link AuditIndexer}: read_committed, bulk
 * {@code create} under {@code _id} = {@code tenant/sha256/index}, offsets committed only after
 * Elasticsearch accepted the whole batch, backoff and retry (never skip) on errors. A 409 on an
 * identical chunk is a replay; on a chunk with other bytes it is an integrity alarm, and the stored
 * chunk is never overwritten.
 */
public final class EvidenceIndexer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceIndexer.class);

    /** Chunks are up to 512 KiB: a bulk of this many stays around 20 MB of base64. */
    static final int MAX_BATCH = 32;

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
    private static final String VERSION_CONFLICT = "version_conflict_engine_exception";

    private final ElasticsearchClient es;
    private final KafkaConsumer<String, byte[]> consumer;
    private final BatchOffsets offsets;
    private final AvroSerde<EvidenceChunk> serde = AvroSerde.of(EvidenceChunk.class);
    private final String alias;
    private final String topic;
    private final String keyIndex;
    private final String keyTopic;
    private final Duration pollTimeout;
    private final Thread thread;
    private final AtomicLong indexed = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong alarms = new AtomicLong();
    private final AtomicLong keysIndexed = new AtomicLong();
    private final AtomicLong keysDeleted = new AtomicLong();
    private volatile boolean running = true;

    private EvidenceIndexer(
            ElasticsearchClient es,
            KafkaConsumer<String, byte[]> consumer,
            String alias,
            String topic,
            String keyIndex,
            String keyTopic,
            Duration pollTimeout) {
        this.es = es;
        this.consumer = consumer;
        this.offsets = new BatchOffsets(consumer, "evidence indexer");
        this.alias = alias;
        this.topic = topic;
        this.keyIndex = keyIndex;
        this.keyTopic = keyTopic;
        this.pollTimeout = pollTimeout;
        this.thread = new Thread(this::run, "vigil-evidence-indexer");
    }

    /** Installs the evidence index (idempotent) and starts the consumer thread. */
    public static EvidenceIndexer start(StreamsAppConfig cfg) {
        EvidenceIndex index = new EvidenceIndex(cfg.indexPrefix());
        EvidenceKeyIndex keys = new EvidenceKeyIndex(cfg.indexPrefix());
        ElasticsearchClient es = ElasticsearchClients.create(cfg.elasticsearchUrl());
        KafkaConsumer<String, byte[]> consumer;
        try {
            index.install(es);
            keys.install(es);
            consumer = new KafkaConsumer<>(consumerProperties(cfg));
        } catch (RuntimeException e) {
            ElasticsearchClients.close(es);
            throw e;
        }
        EvidenceIndexer indexer = new EvidenceIndexer(
                es,
                consumer,
                index.alias(),
                cfg.topics().evidence().name(),
                keys.name(),
                cfg.topics().evidenceKeys().name(),
                Duration.ofMillis(cfg.indexerFlushIntervalMs()));
        LOG.info(
                "indexing {} into Elasticsearch alias {} and {} into {} at {} (group {})",
                indexer.topic,
                indexer.alias,
                indexer.keyTopic,
                indexer.keyIndex,
                cfg.elasticsearchUrl(),
                groupId(cfg));
        indexer.thread.start();
        return indexer;
    }

    /** Its own group beside the trail indexer's, so each keeps its own offsets. */
    static String groupId(StreamsAppConfig cfg) {
        return cfg.indexerGroupId() + "-evidence";
    }

    static Properties consumerProperties(StreamsAppConfig cfg) {
        Properties props = AuditIndexer.consumerProperties(cfg);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(cfg));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId(cfg));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(MAX_BATCH, cfg.indexerBatchSize()));
        return props;
    }

    /** Chunks this indexer created in Elasticsearch. */
    public long indexedCount() {
        return indexed.get();
    }

    /** Chunks already in Elasticsearch with the same bytes. */
    public long replayedCount() {
        return replayed.get();
    }

    /** Data keys of encrypted payloads written to the key index. */
    public long keysIndexedCount() {
        return keysIndexed.get();
    }

    /** Data keys deleted from the key index by a tombstone (an erasure). */
    public long keysDeletedCount() {
        return keysDeleted.get();
    }

    /** Chunks whose {@code _id} was taken by a chunk with other bytes (never overwritten). */
    public long integrityAlarms() {
        return alarms.get();
    }

    private void run() {
        Backoff backoff = new Backoff(AuditIndexer.INITIAL_BACKOFF, AuditIndexer.MAX_BACKOFF);
        try {
            consumer.subscribe(List.of(topic, keyTopic));
            while (running) {
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
                            "indexing {} evidence chunks into {} failed (attempt {}), retrying the same chunks in {}:"
                                    + " {}. Nothing is skipped or committed until they are in; if Elasticsearch is"
                                    + " down or refuses writes to {}, that is what to fix",
                            records.count(),
                            alias,
                            backoff.failures(),
                            delay,
                            AuditIndexer.describe(e),
                            alias);
                    offsets.rewindAndWait(records, delay, () -> running);
                    continue;
                }
                offsets.commit(records);
                indexed.addAndGet(tally.created);
                replayed.addAndGet(tally.replayed);
                alarms.addAndGet(tally.alarms);
                keysIndexed.addAndGet(tally.keysIndexed);
                keysDeleted.addAndGet(tally.keysDeleted);
                if (backoff.failures() > 0) {
                    LOG.info("indexing into {} recovered after {} failed attempts", alias, backoff.failures());
                }
                backoff.reset();
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("evidence indexer woken up unexpectedly; it stopped: restart the service", e);
            }
        } catch (RuntimeException e) {
            LOG.error(
                    "evidence indexer stopped on {}; evidence is no longer copied to Elasticsearch: fix the cause"
                            + " and restart the service (it resumes from its last committed offsets)",
                    e.toString(),
                    e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing the evidence indexer's consumer failed: {}", e.toString());
            }
        }
    }

    private Tally index(ConsumerRecords<String, byte[]> records) throws IOException, IndexingFailure {
        List<Entry> entries = new ArrayList<>(records.count());
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.topic().equals(keyTopic)) {
                keyOperation(record, bulk).ifPresent(entries::add);
                continue;
            }
            if (record.value() == null) {
                // Compaction keeps the latest value per key; a tombstone would erase evidence on the topic.
                LOG.warn(
                        "tombstone on the evidence topic at {}-{}@{} (key '{}'); nothing to index and nothing is"
                                + " deleted from Elasticsearch: evidence is never deleted, find who wrote it",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key());
                continue;
            }
            EvidenceChunk chunk;
            try {
                chunk = serde.decode(record.value());
            } catch (RuntimeException e) {
                throw new IndexingFailure(
                        "cannot decode the evidence chunk at " + record.topic() + "-" + record.partition() + "@"
                                + record.offset() + " (" + e.getMessage() + "); upgrade the indexer to the release"
                                + " that wrote it",
                        e);
            }
            EvidenceDocument doc = EvidenceDocument.of(chunk);
            entries.add(new Entry(record, doc, null));
            bulk.operations(
                    op -> op.create(c -> c.index(alias).id(doc.documentId()).document(doc)));
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
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            BulkResponseItem item = items.get(i);
            Entry entry = entries.get(i);
            boolean ok = item.error() == null && (item.status() == 201 || item.status() == 200);
            if (entry.keyDelete() != null) {
                // A key deleted twice (a replay, or an erasure of a payload never indexed) is not found: fine.
                if (ok || (item.status() == 404 && item.error() == null)) {
                    tally.keysDeleted += ok ? 1 : 0;
                    continue;
                }
            } else if (entry.doc() == null) {
                if (ok) {
                    tally.keysIndexed++;
                    continue;
                }
                if (item.status() == 409) {
                    // The payload's first key stays, as its first chunks do (create-only): a later delivery of the
                    // same bytes came with another key that would not open the chunks already indexed.
                    continue;
                }
            } else if (ok) {
                tally.created++;
                continue;
            } else if (item.status() == 409
                    && item.error() != null
                    && VERSION_CONFLICT.equals(item.error().type())) {
                conflicts.add(new Conflict(entry, item.index()));
                continue;
            }
            failures.add(item.id() + ": " + item.status()
                    + (item.error() == null
                            ? ""
                            : " " + item.error().type() + " " + item.error().reason()));
        }
        if (!failures.isEmpty()) {
            throw new IndexingFailure(
                    failures.size() + " of " + items.size() + " chunks refused, e.g. "
                            + String.join("; ", failures.subList(0, Math.min(3, failures.size()))),
                    null);
        }
        if (!conflicts.isEmpty()) {
            resolveConflicts(conflicts, tally);
        }
        return tally;
    }

    /** A 409 is a replay when the stored chunk has the same address and bytes, an integrity alarm otherwise. */
    private void resolveConflicts(List<Conflict> conflicts, Tally tally) throws IOException, IndexingFailure {
        List<MultiGetOperation> gets = conflicts.stream()
                .map(c -> MultiGetOperation.of(
                        g -> g.index(c.index()).id(c.entry().doc().documentId())))
                .toList();
        MgetResponse<EvidenceDocument> response = es.mget(m -> m.docs(gets), EvidenceDocument.class);
        List<MultiGetResponseItem<EvidenceDocument>> docs = response.docs();
        if (docs.size() != conflicts.size()) {
            throw new IndexingFailure(
                    "mget returned " + docs.size() + " chunks for " + conflicts.size() + " conflicts", null);
        }
        for (int i = 0; i < conflicts.size(); i++) {
            Conflict conflict = conflicts.get(i);
            MultiGetResponseItem<EvidenceDocument> got = docs.get(i);
            String id = conflict.entry().doc().documentId();
            if (got.isFailure() || !got.result().found() || got.result().source() == null) {
                throw new IndexingFailure(
                        "chunk " + id + " conflicted on create but cannot be read back from " + conflict.index(), null);
            }
            if (conflict.entry().doc().sameChunk(got.result().source())) {
                tally.replayed++;
            } else {
                tally.alarms++;
                ConsumerRecord<String, byte[]> source = conflict.entry().record();
                LOG.error(
                        "INTEGRITY ALARM: evidence chunk {} in index {} differs from the chunk at {}-{}@{} with the"
                                + " same address. The stored chunk was NOT overwritten. Fetch the evidence through"
                                + " the audit API (it checks the SHA-256) and investigate who wrote that chunk: the"
                                + " index may have been tampered with",
                        id,
                        conflict.index(),
                        source.topic(),
                        source.partition(),
                        source.offset());
            }
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
            LOG.warn("evidence indexer thread did not stop within {}", CLOSE_TIMEOUT);
        }
        ElasticsearchClients.close(es);
    }

    /**
     * A payload's data key: created under {@code tenant/sha256} (the first wins, like the chunks it
     * opens), and a tombstone DELETES the document: this index is not the trail, erasing the key is
     * its purpose (docs/erasure.md).
     */
    private Optional<Entry> keyOperation(ConsumerRecord<String, byte[]> record, BulkRequest.Builder bulk) {
        String id = record.key();
        int slash = id == null ? -1 : id.lastIndexOf('/');
        if (slash <= 0) {
            LOG.warn(
                    "evidence key at {}-{}@{} has no tenant/sha256 key ('{}'); skipped",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    id);
            return Optional.empty();
        }
        if (record.value() == null) {
            bulk.operations(op -> op.delete(d -> d.index(keyIndex).id(id)));
            return Optional.of(new Entry(record, null, id));
        }
        EvidenceKeyDocument doc =
                new EvidenceKeyDocument(id.substring(0, slash), id.substring(slash + 1), record.value());
        bulk.operations(op -> op.create(c -> c.index(keyIndex).id(id).document(doc)));
        return Optional.of(new Entry(record, null, null));
    }

    /** One bulk operation: a chunk ({@code doc}), a key deletion ({@code keyDelete}) or a key (neither). */
    private record Entry(ConsumerRecord<String, byte[]> record, EvidenceDocument doc, String keyDelete) {}

    private record Conflict(Entry entry, String index) {}

    private static final class Tally {
        long created;
        long replayed;
        long alarms;
        long keysIndexed;
        long keysDeleted;
    }

    private static final class IndexingFailure extends Exception {
        IndexingFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
