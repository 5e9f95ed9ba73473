package dev.vigil.ingest;

import dev.vigil.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one idempotent producer of the ingest service. A send returns only once the broker has
 * acknowledged the record to all in-sync replicas, so the HTTP answer never runs ahead of Kafka.
 * Records are serialized with the registry's serdes before they reach the producer, so one
 * producer serves every topic.
 */
final class KafkaSink implements AutoCloseable {

    /** A record Kafka did not acknowledge; {@code tooLarge} when retrying cannot help. */
    static final class SendFailedException extends Exception {
        private final boolean tooLarge;

        SendFailedException(String message, Throwable cause) {
            super(message, cause);
            this.tooLarge = cause instanceof RecordTooLargeException;
        }

        boolean tooLarge() {
            return tooLarge;
        }
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final Duration awaitTimeout;

    private KafkaSink(Map<String, Object> properties) {
        this.producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
        long delivery = Long.parseLong(
                properties.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG).toString());
        long block = Long.parseLong(
                properties.get(ProducerConfig.MAX_BLOCK_MS_CONFIG).toString());
        // The producer itself fails a record after delivery.timeout.ms; the margin only guards against a hang.
        this.awaitTimeout = Duration.ofMillis(delivery + block + 5_000);
    }

    static KafkaSink create(IngestConfig config) {
        return new KafkaSink(properties(config));
    }

    static Map<String, Object> properties(IngestConfig config) {
        Map<String, Object> p = new HashMap<>(config.producerOverrides());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        IngestConfig.PRODUCER_DEFAULTS.forEach(p::putIfAbsent);
        // A normalized event carries the body's content twice at most (attributes + customData);
        // the broker's own limit (compressed) then decides, and a refusal is answered 413.
        long maxRequest = Math.max(1L << 20, 2 * config.maxBodyBytes() + (1L << 20));
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(maxRequest));
        p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(Math.max(32L << 20, 2 * maxRequest)));
        // Not overridable: an accepted event must survive a broker loss and never be duplicated by retries.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return p;
    }

    /** One record already encoded with its topic's serdes. */
    record Encoded(String topic, byte[] key, byte[] value) {}

    static <V> Encoded encode(Topic<String, V> topic, String key, V value) {
        byte[] keyBytes = key == null ? null : topic.keySerde().serializer().serialize(topic.name(), key);
        return new Encoded(
                topic.name(), keyBytes, topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    /** Sends one record and waits for the acknowledgement. */
    <V> RecordMetadata send(Topic<String, V> topic, String key, V value) throws SendFailedException {
        return sendAll(List.of(encode(topic, key, value))).get(0);
    }

    /**
     * Sends the records in order and waits until Kafka acknowledged every one. Not atomic: when one
     * fails, earlier ones may be stored; the caller answers 503 and the client's retry carries the
     * same deterministic record ids, which the streams app drops as duplicates.
     */
    List<RecordMetadata> sendAll(List<Encoded> records) throws SendFailedException {
        List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
        for (Encoded r : records) {
            try {
                futures.add(producer.send(new ProducerRecord<>(r.topic(), r.key(), r.value())));
            } catch (KafkaException | IllegalStateException e) {
                throw new SendFailedException("cannot send to " + r.topic() + ": " + e.getMessage(), e);
            }
        }
        long deadline = System.nanoTime() + awaitTimeout.toNanos();
        List<RecordMetadata> acked = new ArrayList<>(futures.size());
        for (int i = 0; i < futures.size(); i++) {
            acked.add(await(futures.get(i), records.get(i).topic(), deadline));
        }
        return acked;
    }

    private RecordMetadata await(Future<RecordMetadata> future, String topic, long deadline)
            throws SendFailedException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new SendFailedException("Kafka refused the record for " + topic + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new SendFailedException("no acknowledgement from Kafka for " + topic + " within " + awaitTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendFailedException("interrupted while waiting for Kafka (" + topic + ")", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
