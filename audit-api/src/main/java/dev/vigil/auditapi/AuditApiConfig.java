package dev.vigil.auditapi;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import dev.vigil.common.config.SharedFields;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Configuration of the audit API. Every key is declared here with its default and validation,
 * so {@link Config#resolve} reports all problems of a configuration at once.
 */
public record AuditApiConfig(
        String elasticsearchUrl,
        String indexPrefix,
        String host,
        int port,
        int maxPageSize,
        String pitKeepAlive,
        String verifyKeysDir) {

    /** Without a key directory: the public keys in the default data folder's {@code keys/public}. */
    public AuditApiConfig(
            String elasticsearchUrl, String indexPrefix, String host, int port, int maxPageSize, String pitKeepAlive) {
        this(elasticsearchUrl, indexPrefix, host, port, maxPageSize, pitKeepAlive, defaultKeysDir(".vigil"));
    }

    /** Elasticsearch time units; the keep-alive is handed to Elasticsearch as written. */
    private static final Pattern ES_DURATION = Pattern.compile("[1-9][0-9]{0,5}(ms|s|m|h)");

    public static final ConfigField<String> ELASTICSEARCH_URL = SharedFields.ELASTICSEARCH_URL;

    public static final ConfigField<String> INDEX_PREFIX = SharedFields.INDEX_PREFIX;

    public static final ConfigField<String> HOST = ConfigField.string(
            "vigil.audit-api.host", "127.0.0.1", "Address the audit API listens on (0.0.0.0 for all interfaces).");

    public static final ConfigField<Integer> PORT =
            ConfigField.integer("vigil.audit-api.port", 8081, 0, 65535, "Port of the audit API; 0 picks a free one.");

    // search_after pages fetch size + 1 hits, and a single search may return at most 10,000.
    public static final ConfigField<Integer> MAX_PAGE_SIZE = ConfigField.integer(
            "vigil.audit-api.max-page-size", 500, 1, 5000, "Largest page GET /v1/audit/records returns.");

    public static final ConfigField<String> PIT_KEEP_ALIVE = ConfigField.string(
                    "vigil.audit-api.pit-keep-alive",
                    "2m",
                    "How long a search's point in time stays open between two pages (Elasticsearch duration).")
            .withValidator(
                    v -> ES_DURATION.matcher(v).matches(), "must be an Elasticsearch duration such as 90s, 2m or 1h");

    public static final ConfigField<String> VERIFY_KEYS_DIR = ConfigField.string(
            "vigil.audit-api.verify.keys-dir",
            "",
            "Folder of the PEM public keys GET /v1/audit/verify checks checkpoint signatures with;"
                    + " empty: <vigil.data-dir>/keys/public.");

    public static final List<ConfigField<?>> FIELDS = List.of(
            ELASTICSEARCH_URL,
            INDEX_PREFIX,
            HOST,
            PORT,
            MAX_PAGE_SIZE,
            PIT_KEEP_ALIVE,
            SharedFields.DATA_DIR,
            VERIFY_KEYS_DIR);

    static String defaultKeysDir(String dataDir) {
        return java.nio.file.Path.of(dataDir, "keys", "public").toString();
    }

    public static AuditApiConfig from(Config config) {
        return new AuditApiConfig(
                config.get(ELASTICSEARCH_URL),
                config.get(INDEX_PREFIX),
                config.get(HOST),
                config.get(PORT),
                config.get(MAX_PAGE_SIZE),
                config.get(PIT_KEEP_ALIVE),
                config.get(VERIFY_KEYS_DIR).isBlank()
                        ? defaultKeysDir(config.get(SharedFields.DATA_DIR))
                        : config.get(VERIFY_KEYS_DIR));
    }
}
