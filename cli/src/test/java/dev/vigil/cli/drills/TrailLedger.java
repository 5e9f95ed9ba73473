package dev.vigil.cli.drills;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.trail.AuditChain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the audit trail as the indexer does (read_committed, from the beginning, every
 * partition assigned, no group) and keeps one compact {@link Link} per record: a drill holds
 * hundreds of thousands of them. The hash is recomputed as each record is read.
 */
final class TrailLedger implements AutoCloseable {

    /** One trail record, reduced to what the drills compare. */
    record Link(String chain, long seq, String prevHash, String hash, boolean hashRecomputes, String kind, String id) {}

    private final KafkaConsumer<String, AuditRecord> consumer;
    private final List<TopicPartition> partitions;
    private final List<Link> links = new ArrayList<>();
    private long inputs;

    TrailLedger(String bootstrapServers, Topic<String, AuditRecord> trail) {
        this.consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        5000),
                trail.keySerde().deserializer(),
                trail.valueSerde().deserializer());
        this.partitions = consumer.partitionsFor(trail.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** INPUT records read so far. */
    long inputs() {
        return inputs;
    }

    List<Link> links() {
        return List.copyOf(links);
    }

    /** Reads for about {@code duration}. */
    void poll(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        do {
            for (ConsumerRecord<String, AuditRecord> record : consumer.poll(Duration.ofMillis(100))) {
                AuditRecord r = record.value();
                boolean input = r.getKind() == AuditRecordKind.INPUT;
                if (input) {
                    inputs++;
                }
                links.add(new Link(
                        AuditChain.chainId(r.getTenant(), r.getScope()),
                        r.getSeq(),
                        r.getPrevHash(),
                        r.getHash(),
                        AuditChain.computeHash(r).equals(r.getHash()),
                        r.getKind().name(),
                        r.getRecordId()));
            }
        } while (System.nanoTime() < deadline);
    }

    /** Reads until {@code done}; fails after {@code timeout} naming {@code what}. */
    void readUntil(BooleanSupplier done, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what + " after " + timeout + ": " + inputs
                        + " INPUT records of " + links.size() + " trail records read");
            }
            poll(Duration.ofMillis(200));
        }
    }

    /**
     * Reads up to the last stable offset of every partition as it is now: afterwards everything
     * committed so far has been read, so a duplicate cannot hide behind a count.
     */
    void readToEnd(Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        readUntil(
                () -> end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue()),
                timeout,
                "the end of the trail");
    }

    @Override
    public void close() {
        consumer.close();
    }
}
