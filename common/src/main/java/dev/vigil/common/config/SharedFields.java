package dev.vigil.common.config;

/**
 * Keys every service reads the same way: one declaration each, so their defaults and validation
 * cannot drift apart between ingest, streams and audit-api.
 */
public final class SharedFields {

    public static final ConfigField<String> KAFKA_BOOTSTRAP_SERVERS = ConfigField.string(
                    "vigil.kafka.bootstrap-servers",
                    "127.0.0.1:9092",
                    "Kafka bootstrap servers, host:port[,host:port...].")
            .withValidator(s -> !s.isBlank(), "must not be blank");

    public static final ConfigField<String> TOPIC_PREFIX = ConfigField.string(
                    "vigil.topic-prefix", "", "Prefix of every Vigil topic name (one Kafka cluster, several Vigils).")
            .withValidator(s -> s.matches("[A-Za-z0-9._-]*"), "may contain only letters, digits, '.', '_' and '-'");

    public static final ConfigField<Integer> KAFKA_REPLICATION_FACTOR = ConfigField.integer(
            "vigil.kafka.replication-factor",
            1,
            1,
            16,
            "Replication factor of the topics Vigil creates (its registry's and Kafka Streams' internal ones):"
                    + " 1 on one broker, 3 on a production cluster.");

    public static final ConfigField<String> ELASTICSEARCH_URL = ConfigField.string(
                    "vigil.elasticsearch.url", "http://127.0.0.1:9200", "Base URL of the Elasticsearch cluster.")
            .withValidator(
                    u -> u.startsWith("http://") || u.startsWith("https://"), "must be an http:// or https:// URL");

    public static final ConfigField<String> INDEX_PREFIX = ConfigField.string(
            "vigil.index-prefix", "", "Prefix of every Elasticsearch index, alias and template Vigil uses.");

    public static final ConfigField<String> DATA_DIR = ConfigField.string(
            "vigil.data-dir",
            ".vigil",
            "Folder for local data: the one-box broker and index, the streams state (<data-dir>/streams-state),"
                    + " API keys.");

    private SharedFields() {}
}
