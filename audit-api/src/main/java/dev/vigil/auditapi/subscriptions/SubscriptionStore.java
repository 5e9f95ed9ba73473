package dev.vigil.auditapi.subscriptions;

import dev.vigil.common.json.Json;
import dev.vigil.schemas.topic.Topic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook subscriptions, durable on the compacted topic {@code vigil.subscriptions}: writes go to
 * Kafka (acks=all) before they count; a reader thread replays the topic from the beginning and
 * follows it, so every audit-api instance holds the same set in memory (subscriptions are few).
 */
public final class SubscriptionStore implements AutoCloseable {

    /** Kafka did not acknowledge a change. */
    public static final class UnavailableException extends Exception {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionStore.class);

    private final Topic<String, byte[]> topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Subscription> byKey = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread reader;

    public SubscriptionStore(String bootstrapServers, Topic<String, byte[]> topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000",
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000",
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                        ProducerConfig.LINGER_MS_CONFIG, "0",
                        ProducerConfig.CLIENT_ID_CONFIG, "vigil-audit-api-subscriptions"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        this.consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                        ConsumerConfig.CLIENT_ID_CONFIG, "vigil-audit-api-subscriptions-reader"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.reader =
                Thread.ofPlatform().daemon().name("vigil-subscriptions-reader").unstarted(this::follow);
    }

    public SubscriptionStore start() {
        reader.start();
        return this;
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            while (!closed.get() && partitions.isEmpty()) {
                try {
                    consumer.partitionsFor(topic.name(), Duration.ofSeconds(5))
                            .forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    LOG.debug("topic {} not reachable yet: {}", topic.name(), e.getMessage());
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!closed.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(new String(r.key(), StandardCharsets.UTF_8), r.value());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed.get()) {
                LOG.error("the subscriptions reader stopped; new subscriptions from other instances are not seen", e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void apply(String key, byte[] value) {
        if (value == null) {
            byKey.remove(key);
            return;
        }
        try {
            byKey.put(key, Json.mapper().readValue(value, Subscription.class));
        } catch (IOException e) {
            LOG.warn("skipping an unreadable subscription {}: {}", key, e.getMessage());
        }
    }

    public void put(Subscription s) throws UnavailableException {
        try {
            send(s.key(), Json.mapper().writeValueAsBytes(s));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byKey.put(s.key(), s);
    }

    public void delete(Subscription s) throws UnavailableException {
        send(s.key(), null);
        byKey.remove(s.key());
    }

    private void send(String key, byte[] value) throws UnavailableException {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8), value))
                    .get(25, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new UnavailableException("Kafka did not acknowledge: " + e.getCause(), e.getCause());
        } catch (TimeoutException | KafkaException e) {
            throw new UnavailableException("Kafka did not acknowledge: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted", e);
        }
    }

    public List<Subscription> of(String tenant) {
        return byKey.values().stream()
                .filter(s -> s.tenant().equals(tenant))
                .sorted(Comparator.comparing(Subscription::createdAt).thenComparing(Subscription::id))
                .toList();
    }

    public Optional<Subscription> get(String tenant, String id) {
        return Optional.ofNullable(byKey.get(tenant + "/" + id));
    }

    @Override
    public void close() {
        closed.set(true);
        if (!reader.isAlive() && reader.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(2));
            producer.close(Duration.ofSeconds(5));
            return;
        }
        consumer.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
