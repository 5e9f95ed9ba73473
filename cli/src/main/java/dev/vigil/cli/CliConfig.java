package dev.vigil.cli;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import dev.vigil.common.config.SharedFields;
import java.nio.file.Path;
import java.util.List;

/** Keys owned by the command itself (the services declare their own). */
final class CliConfig {

    static final ConfigField<String> DATA_DIR = SharedFields.DATA_DIR;
    static final ConfigField<String> API_KEYS_FILE = ConfigField.string(
            "vigil.api-keys-file", "", "API key store (hashes only). Default: <data-dir>/api-keys.json.");
    static final ConfigField<Boolean> EMBEDDED_KAFKA = ConfigField.bool(
            "vigil.embedded.kafka",
            true,
            "vigil up starts its own Kafka broker; false = use vigil.kafka.bootstrap-servers.");
    static final ConfigField<Boolean> EMBEDDED_ELASTICSEARCH = ConfigField.bool(
            "vigil.embedded.elasticsearch",
            true,
            "vigil up starts its own Elasticsearch node; false = use vigil.elasticsearch.url.");
    static final ConfigField<Integer> KAFKA_PORT =
            ConfigField.integer("vigil.embedded.kafka-port", 9092, 0, 65535, "Port of the embedded broker.");
    static final ConfigField<Integer> ELASTICSEARCH_PORT = ConfigField.integer(
            "vigil.embedded.elasticsearch-port", 9200, 0, 65535, "HTTP port of the embedded Elasticsearch node.");
    static final ConfigField<Integer> READY_TIMEOUT_SECONDS = ConfigField.integer(
            "vigil.embedded.ready-timeout-seconds", 120, 5, 3600, "How long vigil up waits for each embedded server.");

    static final List<ConfigField<?>> FIELDS = List.of(
            DATA_DIR,
            API_KEYS_FILE,
            EMBEDDED_KAFKA,
            EMBEDDED_ELASTICSEARCH,
            KAFKA_PORT,
            ELASTICSEARCH_PORT,
            READY_TIMEOUT_SECONDS);

    private CliConfig() {}

    static Path dataDir(Config config) {
        return Path.of(config.get(DATA_DIR)).toAbsolutePath().normalize();
    }

    static Path apiKeysFile(Config config) {
        String file = config.get(API_KEYS_FILE);
        return file == null || file.isBlank() ? dataDir(config).resolve("api-keys.json") : Path.of(file);
    }
}
