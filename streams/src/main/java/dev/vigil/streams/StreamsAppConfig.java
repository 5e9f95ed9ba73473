package dev.vigil.streams;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import dev.vigil.common.config.SharedFields;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Configuration of the streams app and the audit indexer (they run side by side and share the
 * Kafka, topic and Elasticsearch settings). Kafka Streams properties beyond these keys pass
 * through verbatim under {@value #STREAMS_PASSTHROUGH_PREFIX} (e.g.
 * {@code vigil.kafka.streams.num.stream.threads=2}); the keys set here win over them.
 */
public record StreamsAppConfig(
        String bootstrapServers,
        String topicPrefix,
        String elasticsearchUrl,
        String indexPrefix,
        Path dataDir,
        String applicationId,
        long commitIntervalMs,
        int indexerBatchSize,
        long indexerFlushIntervalMs,
        String indexerGroupId,
        int replicationFactor,
        Map<String, String> streamsPassthrough) {

    public static final String STREAMS_PASSTHROUGH_PREFIX = "vigil.kafka.streams.";

    public static final ConfigField<String> BOOTSTRAP_SERVERS = SharedFields.KAFKA_BOOTSTRAP_SERVERS;
    public static final ConfigField<String> TOPIC_PREFIX = SharedFields.TOPIC_PREFIX;
    public static final ConfigField<String> ELASTICSEARCH_URL = SharedFields.ELASTICSEARCH_URL;
    public static final ConfigField<String> INDEX_PREFIX = SharedFields.INDEX_PREFIX;
    public static final ConfigField<String> DATA_DIR = SharedFields.DATA_DIR;
    public static final ConfigField<String> APPLICATION_ID = ConfigField.string(
                    "vigil.streams.application-id",
                    "vigil-streams",
                    "Kafka Streams application.id: consumer group, transactional id and internal topic prefix."
                            + " Changing it starts every chain again from seq 1.")
            .withValidator(s -> s.matches("[a-zA-Z0-9._-]+"), "may contain only letters, digits, '.', '_' and '-'");
    public static final ConfigField<Long> COMMIT_INTERVAL_MS = ConfigField.longValue(
            "vigil.streams.commit-interval-ms",
            100,
            1,
            60_000,
            "How often the streams app commits its transaction; trail records become visible to"
                    + " read_committed readers (the indexer) at each commit.");
    public static final ConfigField<Integer> INDEXER_BATCH_SIZE = ConfigField.integer(
            "vigil.indexer.batch-size", 1000, 1, 10_000, "Most trail records the indexer sends in one bulk request.");
    public static final ConfigField<Long> INDEXER_FLUSH_INTERVAL_MS = ConfigField.longValue(
            "vigil.indexer.flush-interval-ms",
            500,
            1,
            60_000,
            "Longest the indexer waits for trail records before sending what it has.");
    public static final ConfigField<String> INDEXER_GROUP_ID = ConfigField.string(
            "vigil.indexer.group-id",
            "vigil-indexer",
            "Consumer group of the audit indexer (holds its committed offsets).");

    public static final ConfigField<Integer> REPLICATION_FACTOR = SharedFields.KAFKA_REPLICATION_FACTOR;

    public static final List<ConfigField<?>> FIELDS = List.of(
            BOOTSTRAP_SERVERS,
            TOPIC_PREFIX,
            ELASTICSEARCH_URL,
            INDEX_PREFIX,
            DATA_DIR,
            APPLICATION_ID,
            COMMIT_INTERVAL_MS,
            INDEXER_BATCH_SIZE,
            INDEXER_FLUSH_INTERVAL_MS,
            INDEXER_GROUP_ID,
            REPLICATION_FACTOR);

    public StreamsAppConfig {
        streamsPassthrough = Map.copyOf(streamsPassthrough);
    }

    public static StreamsAppConfig from(Config config) {
        return new StreamsAppConfig(
                config.get(BOOTSTRAP_SERVERS),
                config.get(TOPIC_PREFIX),
                config.get(ELASTICSEARCH_URL),
                config.get(INDEX_PREFIX),
                Path.of(config.get(DATA_DIR)).toAbsolutePath().normalize(),
                config.get(APPLICATION_ID),
                config.get(COMMIT_INTERVAL_MS),
                config.get(INDEXER_BATCH_SIZE),
                config.get(INDEXER_FLUSH_INTERVAL_MS),
                config.get(INDEXER_GROUP_ID),
                config.get(REPLICATION_FACTOR),
                config.withPrefix(STREAMS_PASSTHROUGH_PREFIX));
    }

    /** Resolves from explicit values only (tests, embedding): no file, no environment. */
    public static StreamsAppConfig of(Map<String, String> values) {
        return from(Config.resolve(FIELDS, null, Map.of(), values));
    }

    /** Kafka Streams' state.dir: RocksDB stores and checkpoints of the chain heads. */
    public Path stateDir() {
        return dataDir.resolve("streams-state");
    }

    public Topics topics() {
        return Topics.withPrefix(topicPrefix);
    }
}
