package dev.vigil.auditapi;

import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes inputs that audit-api itself causes (an auditor's access to the trail, an officer's risk
 * acceptance) to {@code vigil.pipeline-events}, exactly as ingest writes a CI system's event: the
 * raw payload first on {@code vigil.evidence}, then the event, both acknowledged by all in-sync
 * replicas (idempotent producer) before {@link #publish} returns. The streams app then chains them
 * into the tenant's trail like any other input.
 */
public final class TrailInputs implements AutoCloseable {

    /** Kafka did not acknowledge: the caller answers 503 and does nothing it could not record. */
    public static final class UnavailableException extends Exception {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topics topics;
    private final Duration awaitTimeout;

    public TrailInputs(String bootstrapServers, String topicPrefix, Map<String, Object> overrides) {
        Map<String, Object> p = new HashMap<>(overrides);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "vigil-audit-api");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topics = Topics.withPrefix(topicPrefix);
        long delivery =
                Long.parseLong(p.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG).toString());
        long block = Long.parseLong(p.get(ProducerConfig.MAX_BLOCK_MS_CONFIG).toString());
        this.awaitTimeout = Duration.ofMillis(delivery + block + 2_000);
    }

    public Topics topics() {
        return topics;
    }

    /**
     * Keeps {@code payload} as the event's evidence, then writes the event. The event's
     * {@code evidenceSha256}/{@code evidenceSize} must describe {@code payload} (use
     * {@link EvidenceChunks#sha256}); its key is {@code tenant/scope}.
     */
    public RecordMetadata publish(PipelineEvent event, byte[] payload, String mediaType) throws UnavailableException {
        String sha = EvidenceChunks.sha256(payload);
        if (!sha.equals(event.getEvidenceSha256())) {
            throw new IllegalArgumentException("the event's evidenceSha256 does not match its payload");
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Instant receivedAt = Instant.ofEpochMilli(event.getReceivedAt().toEpochMilli());
        for (EvidenceChunk chunk : EvidenceChunks.chunks(event.getTenant(), sha, mediaType, receivedAt, payload)) {
            records.add(encode(topics.evidence(), EvidenceChunks.key(event.getTenant(), sha, chunk.getIndex()), chunk));
        }
        records.add(encode(topics.pipelineEvents(), event.getTenant() + "/" + event.getScope(), event));
        // Evidence first: a record never points at a payload Kafka has not kept.
        RecordMetadata last = null;
        try {
            List<Future<RecordMetadata>> evidence = new ArrayList<>();
            for (int i = 0; i < records.size() - 1; i++) {
                evidence.add(producer.send(records.get(i)));
            }
            for (Future<RecordMetadata> f : evidence) {
                f.get(awaitTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            last = producer.send(records.get(records.size() - 1)).get(awaitTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new UnavailableException("Kafka did not acknowledge: " + e.getCause(), e.getCause());
        } catch (TimeoutException | KafkaException e) {
            throw new UnavailableException("Kafka did not acknowledge: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while waiting for Kafka", e);
        }
        return last;
    }

    private static <V> ProducerRecord<byte[], byte[]> encode(Topic<String, V> topic, String key, V value) {
        return new ProducerRecord<>(
                topic.name(),
                topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
