package dev.vigil.ingest;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import dev.vigil.common.config.SharedFields;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of the ingest service. Kafka client properties pass through from
 * {@code vigil.kafka.producer.*} (security, timeouts); the delivery guarantees
 * (acks=all, idempotence) are not overridable.
 */
public record IngestConfig(
        String bootstrapServers,
        String topicPrefix,
        String host,
        int port,
        long maxBodyBytes,
        Map<String, String> producerOverrides,
        Path webhookSourcesFile,
        int dedupMaxEntries,
        Duration dedupTtl,
        String secretHashKey,
        String dataDir) {

    public static final String PRODUCER_PREFIX = "vigil.kafka.producer.";

    /**
     * The producer settings ingest uses unless {@code vigil.kafka.producer.<name>} overrides one
     * (acks=all and idempotence are not among them: they cannot be overridden at all). Tuned for the
     * request path, where every request waits for three acknowledgements in turn (the payload's data
     * key, then its evidence chunks, then its records) before it is answered:
     *
     * <ul>
     *   <li>{@code linger.ms} 1 (was 5): each of the three sends waited up to linger.ms before its batch
     *       left, so 5 ms put a 15 ms floor under every 202; 1 ms still lets the records of concurrent
     *       requests share a produce request.
     *   <li>{@code batch.size} 65536 (Kafka's default 16384): a batched request's 100 records, or a scan
     *       report's parts, leave in fewer, larger batches (less per-batch framing and compression setup).
     *   <li>{@code compression.type} lz4 (unchanged): cheap, and the Avro records compress well.
     *   <li>{@code max.in.flight.requests.per.connection} 5 (Kafka's default, the most idempotence allows
     *       while keeping order per partition).
     * </ul>
     */
    public static final Map<String, String> PRODUCER_DEFAULTS = Map.of(
            "client.id", "vigil-ingest",
            "linger.ms", "1",
            "batch.size", "65536",
            "compression.type", "lz4",
            "max.in.flight.requests.per.connection", "5",
            "delivery.timeout.ms", "30000",
            "request.timeout.ms", "10000",
            "max.block.ms", "10000");

    public static final ConfigField<String> BOOTSTRAP_SERVERS = SharedFields.KAFKA_BOOTSTRAP_SERVERS;

    public static final ConfigField<String> TOPIC_PREFIX = SharedFields.TOPIC_PREFIX;

    public static final ConfigField<String> HOST = ConfigField.string(
                    "vigil.ingest.host",
                    "127.0.0.1",
                    "Address the ingest HTTP server binds to (0.0.0.0 for every interface).")
            .withValidator(s -> !s.isBlank(), "must not be blank");

    public static final ConfigField<Integer> PORT = ConfigField.integer(
            "vigil.ingest.port", 8080, 0, 65535, "Port of the ingest HTTP server; 0 picks a free port.");

    public static final ConfigField<Long> MAX_BODY_BYTES = ConfigField.longValue(
            "vigil.ingest.max-body-bytes",
            10L * 1024 * 1024,
            1,
            256L * 1024 * 1024,
            "Largest request body accepted; larger ones are answered 413 before they are read.");

    /**
     * Key of the HMAC that replaces secrets found by scanners (gitleaks, Trivy, SARIF secret rules):
     * keyed so a hash in the trail cannot be brute-forced back to a short secret.
     */
    public static final ConfigField<String> SECRET_HASH_KEY = ConfigField.secret(
                    "vigil.ingest.secret-hash-key",
                    "Key (at least 16 characters) of the HMAC-SHA256 that replaces secret values in scanner reports;"
                            + " empty: a random key is generated once into <data-dir>/ingest/secret-hash.key. Several"
                            + " ingest instances must share one key.")
            .withValidator(s -> s.isEmpty() || s.length() >= 16, "must be at least 16 characters (or empty)");

    public static final ConfigField<String> DATA_DIR = SharedFields.DATA_DIR;

    public static final ConfigField<String> WEBHOOK_SOURCES_FILE = ConfigField.string(
            "vigil.ingest.webhook-sources-file",
            "",
            "Webhook sources (id, tenant, kind, secret), written by 'vigil webhooks add'; re-read when it changes."
                    + " Default: <data-dir>/webhook-sources.json. No file = no webhook sources.");

    public static final ConfigField<Integer> DEDUP_MAX_ENTRIES = ConfigField.integer(
            "vigil.ingest.dedup.max-entries",
            100_000,
            0,
            10_000_000,
            "How many recent deliveries (by record ids) this instance remembers to answer a repeated delivery"
                    + " 200 duplicate without writing; 0 turns the cache off (the streams app still drops"
                    + " duplicate record ids).");

    public static final ConfigField<Long> DEDUP_TTL_SECONDS = ConfigField.longValue(
            "vigil.ingest.dedup.ttl-seconds",
            24L * 3600,
            1,
            30L * 24 * 3600,
            "How long a delivery is remembered as already accepted (GitHub redelivers within days at most).");

    public static final List<ConfigField<?>> FIELDS = List.of(
            BOOTSTRAP_SERVERS,
            TOPIC_PREFIX,
            HOST,
            PORT,
            MAX_BODY_BYTES,
            DATA_DIR,
            WEBHOOK_SOURCES_FILE,
            DEDUP_MAX_ENTRIES,
            DEDUP_TTL_SECONDS,
            SECRET_HASH_KEY);

    public IngestConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        topicPrefix = topicPrefix == null ? "" : topicPrefix;
        Objects.requireNonNull(host, "host");
        producerOverrides = producerOverrides == null ? Map.of() : Map.copyOf(producerOverrides);
        Objects.requireNonNull(webhookSourcesFile, "webhookSourcesFile");
        dedupTtl = dedupTtl == null ? Duration.ofHours(24) : dedupTtl;
        secretHashKey = secretHashKey == null ? "" : secretHashKey;
        dataDir = dataDir == null ? ".vigil" : dataDir;
    }

    @Override
    public String toString() {
        // The secret hash key must not reach a log line through the record's generated toString.
        return "IngestConfig[bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix + ", host=" + host
                + ", port=" + port + ", maxBodyBytes=" + maxBodyBytes + ", dataDir=" + dataDir + "]";
    }

    public static IngestConfig from(Config config) {
        return new IngestConfig(
                config.get(BOOTSTRAP_SERVERS),
                config.get(TOPIC_PREFIX),
                config.get(HOST),
                config.get(PORT),
                config.get(MAX_BODY_BYTES),
                config.withPrefix(PRODUCER_PREFIX),
                webhookSourcesFile(config),
                config.get(DEDUP_MAX_ENTRIES),
                Duration.ofSeconds(config.get(DEDUP_TTL_SECONDS)),
                config.get(SECRET_HASH_KEY),
                config.get(DATA_DIR));
    }

    /** The configured file, else {@code <data-dir>/webhook-sources.json}. */
    public static Path webhookSourcesFile(Config config) {
        String file = config.get(WEBHOOK_SOURCES_FILE);
        if (file != null && !file.isBlank()) {
            return Path.of(file).toAbsolutePath().normalize();
        }
        return Path.of(config.get(DATA_DIR)).toAbsolutePath().normalize().resolve("webhook-sources.json");
    }
}
