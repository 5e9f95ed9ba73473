package dev.vigil.streams;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import dev.vigil.common.config.SharedFields;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.checkpoint.SigningKeyConfig;
import dev.vigil.trail.privacy.PseudonymKeyConfig;
import dev.vigil.trail.privacy.Pseudonyms;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
        List<Path> controlFiles,
        Duration dedupRetention,
        Duration punctuationInterval,
        long factCacheBytes,
        int trailSealGraceDays,
        Map<String, String> streamsPassthrough,
        SigningKeyConfig.Source signingKey,
        Path publicKeysDir,
        Duration checkpointInterval,
        int checkpointEvery,
        PseudonymKeyConfig.Source pseudonymKey) {

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
    /**
     * Kept at 100 ms after measuring 500 ms with {@code EvaluationBench}: the transaction (flush,
     * offsets, commit) is under 5 % of the stream thread's time, so a longer interval adds trail
     * visibility latency without throughput (docs/performance.md). Likewise one stream thread, the
     * Kafka Streams default, was kept: two measured no faster on 2 cores.
     */
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

    public static final ConfigField<String> CONTROL_FILES = ConfigField.string(
            "vigil.controls.files",
            "",
            "Comma-separated paths of user control catalog files, evaluated in addition to the built-in"
                    + " catalog. Empty: the built-in catalog only.");
    public static final ConfigField<Long> DEDUP_RETENTION_MS = ConfigField.longValue(
            "vigil.streams.dedup-retention-ms",
            Duration.ofDays(7).toMillis(),
            60_000,
            Duration.ofDays(365).toMillis(),
            "How long (in stream time) the streams app remembers an input id: a redelivery within it gets no"
                    + " second verdicts or audit record. The seen-inputs store and its changelog grow with the"
                    + " number of inputs in this window.");
    public static final ConfigField<Long> PUNCTUATION_INTERVAL_MS = ConfigField.longValue(
            "vigil.streams.punctuation-interval-ms",
            30_000,
            100,
            Duration.ofHours(1).toMillis(),
            "How often time-based controls are checked for due subjects (wall-clock and stream time), and"
                    + " expired subject state is swept. A deadline fires at most this late.");

    /** New with the evaluation profile (docs/performance.md): 32 MiB, 0 = off. */
    public static final ConfigField<Long> FACT_CACHE_BYTES = ConfigField.longValue(
            "vigil.streams.fact-cache-bytes",
            ComplianceTopology.Settings.DEFAULT_FACT_CACHE_BYTES,
            0,
            4L * 1024 * 1024 * 1024,
            "Heap budget (estimated bytes) of decoded subject state the streams app keeps across inputs, so"
                    + " the facts an input re-reads (a subject's commits, changes, last results) are not decoded"
                    + " from JSON again; a cached fact is used only while the store holds the exact bytes it was"
                    + " decoded from. 0 disables it.");

    public static final ConfigField<Integer> TRAIL_SEAL_GRACE_DAYS = ConfigField.integer(
            "vigil.trail.seal-grace-days",
            7,
            0,
            3660,
            "Days after a month ends before the indexer seals that month's trail index (index.blocks.write):"
                    + " records chained later than that for the month are refused and alarmed, never dropped.");

    public static final ConfigField<String> SIGNING_KEY_FILE = SigningKeyConfig.SIGNING_KEY_FILE;
    public static final ConfigField<String> SIGNING_KEY = SigningKeyConfig.SIGNING_KEY;
    public static final ConfigField<String> PUBLIC_KEYS_DIR = SigningKeyConfig.PUBLIC_KEYS_DIR;
    public static final ConfigField<Long> CHECKPOINT_INTERVAL_MS = ConfigField.longValue(
            "vigil.trail.checkpoint-interval-ms",
            Checkpointing.DEFAULT_INTERVAL.toMillis(),
            100,
            Duration.ofDays(1).toMillis(),
            "How often (wall clock) the streams app signs a checkpoint of every chain whose head moved since its"
                    + " last checkpoint. A tampered trail record younger than this is not yet covered by a signature.");
    public static final ConfigField<Integer> CHECKPOINT_EVERY = ConfigField.integer(
            "vigil.trail.checkpoint-every",
            Checkpointing.DEFAULT_EVERY,
            1,
            10_000_000,
            "A chain is also checkpointed at once when it grew by this many links since its last checkpoint.");

    public static final ConfigField<String> PSEUDONYM_KEY_FILE = PseudonymKeyConfig.PSEUDONYM_KEY_FILE;
    public static final ConfigField<String> PSEUDONYM_KEY = PseudonymKeyConfig.PSEUDONYM_KEY;

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
            REPLICATION_FACTOR,
            CONTROL_FILES,
            DEDUP_RETENTION_MS,
            PUNCTUATION_INTERVAL_MS,
            FACT_CACHE_BYTES,
            TRAIL_SEAL_GRACE_DAYS,
            SIGNING_KEY_FILE,
            SIGNING_KEY,
            PUBLIC_KEYS_DIR,
            CHECKPOINT_INTERVAL_MS,
            CHECKPOINT_EVERY,
            PSEUDONYM_KEY_FILE,
            PSEUDONYM_KEY);

    public StreamsAppConfig {
        controlFiles = List.copyOf(controlFiles);
        streamsPassthrough = Map.copyOf(streamsPassthrough);
    }

    public static StreamsAppConfig from(Config config) {
        Path dataDir = Path.of(config.get(DATA_DIR)).toAbsolutePath().normalize();
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
                paths(config.get(CONTROL_FILES)),
                Duration.ofMillis(config.get(DEDUP_RETENTION_MS)),
                Duration.ofMillis(config.get(PUNCTUATION_INTERVAL_MS)),
                config.get(FACT_CACHE_BYTES),
                config.get(TRAIL_SEAL_GRACE_DAYS),
                config.withPrefix(STREAMS_PASSTHROUGH_PREFIX),
                SigningKeyConfig.Source.of(
                        config.get(SIGNING_KEY),
                        SigningKeyConfig.signingKeyFile(config.get(SIGNING_KEY_FILE), dataDir)),
                SigningKeyConfig.publicKeysDir(config.get(PUBLIC_KEYS_DIR), dataDir),
                Duration.ofMillis(config.get(CHECKPOINT_INTERVAL_MS)),
                config.get(CHECKPOINT_EVERY),
                PseudonymKeyConfig.Source.of(config.get(PSEUDONYM_KEY), config.get(PSEUDONYM_KEY_FILE), dataDir));
    }

    /** Resolves from explicit values only (tests, embedding): no file, no environment. */
    public static StreamsAppConfig of(Map<String, String> values) {
        return from(Config.resolve(FIELDS, null, Map.of(), values));
    }

    private static List<Path> paths(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(","))
                .map(String::strip)
                .filter(p -> !p.isEmpty())
                .map(p -> Path.of(p).toAbsolutePath().normalize())
                .toList();
    }

    /** The evaluation tunables of {@link ComplianceTopology}. */
    public ComplianceTopology.Settings topologySettings() {
        return new ComplianceTopology.Settings(
                dedupRetention,
                punctuationInterval,
                AuditChainProcessorSupplier.DEFAULT_MAX_RECORD_BYTES,
                factCacheBytes);
    }

    /** Loads the signing key (fails with what to configure when there is none) with the configured cadence. */
    public Checkpointing checkpointing() {
        return new Checkpointing(signingKey.load(), checkpointInterval, checkpointEvery);
    }

    /**
     * The pseudonym key; generated into {@code <data-dir>/keys/pseudonym.key} on first start when
     * none is configured (like ingest's secret-hash key). Instances sharing the partitions must share it.
     */
    public Pseudonyms pseudonyms() {
        return pseudonymKey.loadOrGenerate();
    }

    /** Kafka Streams' state.dir: RocksDB stores and checkpoints of the chain heads. */
    public Path stateDir() {
        return dataDir.resolve("streams-state");
    }

    public Topics topics() {
        return Topics.withPrefix(topicPrefix);
    }
}
