package dev.vigil.streams.indexer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offset discipline every indexer shares: commit a batch only once Elasticsearch holds all of
 * it, and otherwise rewind to its first records and wait, paused but still polling so the
 * consumer keeps its group membership. Nothing is skipped: a batch is either committed whole or
 * read again.
 */
final class BatchOffsets {

    private static final Logger LOG = LoggerFactory.getLogger(BatchOffsets.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String what;

    /** {@code what} names the indexer in log lines (e.g. "evidence indexer"). */
    BatchOffsets(KafkaConsumer<String, byte[]> consumer, String what) {
        this.consumer = consumer;
        this.what = what;
    }

    /** Commits the position after the batch's last record of each partition. */
    void commit(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> part = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
        }
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // The documents are in Elasticsearch; whoever owns these partitions next re-reads them as replays.
            LOG.warn(
                    "committing {} offsets {} failed ({}); those records will be replayed",
                    what,
                    offsets,
                    e.toString());
        }
    }

    /** Rewinds to the batch's start and waits {@code delay} (or until {@code running} turns false). */
    void rewindAndWait(ConsumerRecords<String, byte[]> records, Duration delay, BooleanSupplier running) {
        rewind(records);
        consumer.pause(consumer.assignment());
        long deadline = System.nanoTime() + delay.toNanos();
        long remaining;
        while (running.getAsBoolean() && (remaining = deadline - System.nanoTime()) > 0) {
            ConsumerRecords<String, byte[]> stray = consumer.poll(Duration.ofNanos(remaining));
            // Only partitions assigned during the wait are not paused; their records wait like the rest.
            rewind(stray);
            consumer.pause(consumer.assignment());
        }
        consumer.resume(consumer.paused());
    }

    private void rewind(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
        }
    }
}
