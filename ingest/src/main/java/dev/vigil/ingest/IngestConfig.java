package dev.vigil.ingest;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
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
        Map<String, String> producerOverrides) {

    public static final String PRODUCER_PREFIX = "vigil.kafka.producer.";

    public static final ConfigField<String> BOOTSTRAP_SERVERS = ConfigField.string(
                    "vigil.kafka.bootstrap-servers",
                    "127.0.0.1:9092",
                    "Kafka bootstrap servers, host:port[,host:port...].")
            .withValidator(s -> !s.isBlank(), "must not be blank");

    public static final ConfigField<String> TOPIC_PREFIX = ConfigField.string(
                    "vigil.topic-prefix", "", "Prefix of every Vigil topic name (one Kafka cluster, several Vigils).")
            .withValidator(s -> s.matches("[A-Za-z0-9._-]*"), "may contain only letters, digits, '.', '_' and '-'");

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

    public static final List<ConfigField<?>> FIELDS =
            List.of(BOOTSTRAP_SERVERS, TOPIC_PREFIX, HOST, PORT, MAX_BODY_BYTES);

    public IngestConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        topicPrefix = topicPrefix == null ? "" : topicPrefix;
        Objects.requireNonNull(host, "host");
        producerOverrides = producerOverrides == null ? Map.of() : Map.copyOf(producerOverrides);
    }

    public static IngestConfig from(Config config) {
        return new IngestConfig(
                config.get(BOOTSTRAP_SERVERS),
                config.get(TOPIC_PREFIX),
                config.get(HOST),
                config.get(PORT),
                config.get(MAX_BODY_BYTES),
                config.withPrefix(PRODUCER_PREFIX));
    }
}
