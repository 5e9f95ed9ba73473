package dev.vigil.cli;

import dev.vigil.schemas.RejectedInput;
import dev.vigil.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads vigil.ingest-rejected from the beginning up to the end offsets seen when it started, with
 * {@code read_committed} and without a consumer group ({@code assign()}, no commits): an operator
 * looking at refusals must never move anyone's offsets, and the listing must end.
 */
final class ReplayRejectedReader {

    /** One record of the topic: decoded, or why it could not be. */
    record Entry(int partition, long offset, RejectedInput value, String unreadable) {}

    private ReplayRejectedReader() {}

    static List<Entry> readAll(
            String bootstrapServers,
            Map<String, String> clientOverrides,
            Topic<String, RejectedInput> topic,
            Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientOverrides);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-replay-rejected");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Deserializer<RejectedInput> values = topic.valueSerde().deserializer();
        List<Entry> entries = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        // Bytes, decoded one by one: a record this release cannot read is reported, not fatal to the listing.
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic.name(), timeout);
            } catch (TimeoutException e) {
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
            // With read_committed these are the last stable offsets: the end of what may be read.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic.name() + " to its end took longer than "
                            + timeout.toSeconds() + " s; raise --timeout or check the broker");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue;
                    }
                    entries.add(decode(values, r));
                }
            }
        }
        return entries;
    }

    private static Entry decode(Deserializer<RejectedInput> values, ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return new Entry(r.partition(), r.offset(), null, "empty record");
        }
        try {
            return new Entry(r.partition(), r.offset(), values.deserialize(r.topic(), r.value()), null);
        } catch (SerializationException e) {
            return new Entry(r.partition(), r.offset(), null, e.getMessage());
        }
    }
}
