package dev.vigil.trail.verify;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.trail.AuditChain;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The head (highest seq, its hash) of every chain on the Kafka trail, read with
 * {@code read_committed} from the beginning up to the end offsets seen at start, without a consumer
 * group (assign, no commits), keeping one entry per chain. A chain in Elasticsearch that ends below
 * its Kafka head lost its tail even where no checkpoint covers it yet.
 */
public final class KafkaTrailHeads {

    private KafkaTrailHeads() {}

    /** Heads of the chains of {@code tenant} (all when null) and {@code scope} (all when null). */
    public static Map<String, TrailHead> read(
            String bootstrapServers,
            Map<String, String> clientOverrides,
            Topic<String, AuditRecord> topic,
            String tenant,
            String scope,
            Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientOverrides);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-verify");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Deserializer<AuditRecord> values = topic.valueSerde().deserializer();
        Map<String, TrailHead> heads = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic.name(), timeout);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + " within "
                        + timeout.toSeconds() + " s: check vigil.kafka.bootstrap-servers and that the broker is up");
            }
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic.name() + " does not exist on Kafka at "
                        + bootstrapServers + ": check vigil.kafka.bootstrap-servers and vigil.topic-prefix");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "reading " + topic.name() + " to its end took longer than " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null || r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    AuditRecord a = values.deserialize(r.topic(), r.value());
                    if ((tenant != null && !tenant.equals(a.getTenant()))
                            || (scope != null && !scope.equals(a.getScope()))) {
                        continue;
                    }
                    heads.merge(
                            AuditChain.chainId(a.getTenant(), a.getScope()),
                            new TrailHead(a.getSeq(), a.getHash()),
                            (x, y) -> x.seq() >= y.seq() ? x : y);
                }
            }
        }
        return heads;
    }
}
