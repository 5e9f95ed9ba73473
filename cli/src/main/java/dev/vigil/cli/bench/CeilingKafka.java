package dev.vigil.cli.bench;

import dev.vigil.ingest.IngestNormalizer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The Kafka ceilings: raw produce with ingest's producer, read_committed consume, consume→produce loops. */
final class CeilingKafka {

    /** Kafka Streams' own consumer default (it raises the client's 500). */
    static final int MAX_POLL_RECORDS = 1000;

    private final String bootstrap;
    private final Duration minDuration;
    private final long minCount;
    private final Duration timeout;

    CeilingKafka(String bootstrap, Duration minDuration, long minCount) {
        this.bootstrap = bootstrap;
        this.minDuration = minDuration;
        this.minCount = minCount;
        // A stuck loop must end the ceiling, not the bench: generous, since the box may be loaded.
        this.timeout = Duration.ofSeconds(120).plus(minDuration.multipliedBy(20));
    }

    /** What one timed run counted. */
    record Run(long count, long bytes, double seconds, int repeats) {}

    /**
     * Sends {@code writes} (repeated whole until the run lasted {@code minDuration} and counted {@code minCount}) to
     * {@code topic} with ingest's producer settings, asynchronously; the clock stops when the producer flushed, i.e.
     * every record was acknowledged by all in-sync replicas. A pass counts {@code countPerPass} (the records among the
     * writes); the run's count is that times the passes.
     */
    Run produce(String topic, List<IngestNormalizer.Write> writes, long countPerPass, String clientId) {
        if (writes.isEmpty()) {
            throw new IllegalArgumentException("nothing to produce");
        }
        Map<String, Object> props = new HashMap<>(IngestNormalizer.producerProperties(bootstrap));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback callback = (md, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        };
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            // Metadata before the clock starts.
            producer.partitionsFor(topic);
            long count = 0;
            long bytes = 0;
            int repeats = 0;
            long started = System.nanoTime();
            do {
                for (IngestNormalizer.Write w : writes) {
                    producer.send(new ProducerRecord<>(topic, w.key(), w.value()), callback);
                    bytes += w.bytes();
                }
                count += countPerPass;
                repeats++;
                if (failure.get() != null) {
                    break;
                }
            } while (System.nanoTime() - started < minDuration.toNanos() || count < minCount);
            producer.flush();
            double seconds = seconds(started);
            if (failure.get() != null) {
                throw new IllegalStateException("Kafka refused a record: " + failure.get(), failure.get());
            }
            return new Run(count, bytes, seconds, repeats);
        }
    }

    /** Reads {@code topic} from its beginning to its end offsets with a read_committed consumer (no group). */
    Run consume(String topic, long expected, String clientId) {
        Map<String, Object> props = consumerProperties(clientId);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long count = 0;
            long bytes = 0;
            long started = System.nanoTime();
            long deadline = started + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "reading " + topic + " stuck at " + count + " of " + expected + " records");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    count++;
                    bytes += size(r);
                }
            }
            return new Run(count, bytes, seconds(started), 1);
        }
    }

    /**
     * Copies {@code from} to {@code to} in a consumer group: each poll batch is produced, then (plain) flushed and its
     * offsets committed synchronously — at least once — or (eos) produced in a transaction with its offsets
     * ({@code sendOffsetsToTransaction}) and committed, read_committed, as the streams app's exactly-once does. The
     * clock starts at the first batch (group join excluded) and stops when {@code expected} records were committed.
     */
    Run consumeProduce(String from, String to, long expected, String groupId, boolean eos) {
        Map<String, Object> consumerProps = consumerProperties(groupId);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, groupId);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Kafka Streams' producer default; both loops flush (or commit) per batch anyway.
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 100);
        if (eos) {
            producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, groupId);
        }
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            if (eos) {
                producer.initTransactions();
            }
            producer.partitionsFor(to);
            consumer.subscribe(List.of(from));
            long count = 0;
            long bytes = 0;
            long started = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("copy loop " + groupId + " stuck at " + count + " of " + expected);
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                if (batch.isEmpty()) {
                    continue;
                }
                if (started == 0) {
                    started = System.nanoTime();
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                if (eos) {
                    producer.beginTransaction();
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    producer.send(new ProducerRecord<>(to, r.key(), r.value()));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    bytes += size(r);
                }
                if (eos) {
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                } else {
                    // At least once: the copies are acknowledged before the input offsets are committed.
                    producer.flush();
                    consumer.commitSync(offsets);
                }
                count += batch.count();
            }
            return new Run(count, bytes, seconds(started), 1);
        }
    }

    private Map<String, Object> consumerProperties(String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        return props;
    }

    private static long size(ConsumerRecord<byte[], byte[]> r) {
        return (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
    }

    static double seconds(long startedNanos) {
        return Math.max(1e-9, (System.nanoTime() - startedNanos) / 1e9);
    }
}
