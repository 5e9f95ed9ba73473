package dev.vigil.auditapi;

import dev.vigil.auditapi.violations.ViolationsConfig;
import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import dev.vigil.common.config.SharedFields;
import dev.vigil.trail.checkpoint.SigningKeyConfig;
import dev.vigil.trail.privacy.PseudonymKeyConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Configuration of the audit API. Every key is declared here with its default and validation,
 * so {@link Config#resolve} reports all problems of a configuration at once.
 *
 * <p>A new setting is a new component at the end, a field of {@link Parts}, and a
 * {@code withXxx} method through {@link #with}; the short constructors give defaults, so tests
 * name only what they change.
 */
public record AuditApiConfig(
        String elasticsearchUrl,
        String indexPrefix,
        String host,
        int port,
        int maxPageSize,
        String pitKeepAlive,
        Path publicKeysDir,
        String kafkaBootstrapServers,
        String topicPrefix,
        Path dataDir,
        ViolationsConfig violations,
        boolean uiSecureCookie,
        Path exportSigningKeyFile,
        PseudonymKeyConfig.Source pseudonymKey) {

    public AuditApiConfig(
            String elasticsearchUrl,
            String indexPrefix,
            String host,
            int port,
            int maxPageSize,
            String pitKeepAlive,
            Path publicKeysDir) {
        this(
                elasticsearchUrl,
                indexPrefix,
                host,
                port,
                maxPageSize,
                pitKeepAlive,
                publicKeysDir,
                KAFKA_BOOTSTRAP_SERVERS.defaultValue(),
                TOPIC_PREFIX.defaultValue(),
                defaultDataDir(),
                ViolationsConfig.defaults(),
                UI_SECURE_COOKIE.defaultValue(),
                resolveExportSigningKeyFile("", defaultDataDir()),
                PseudonymKeyConfig.Source.of(null, "", defaultDataDir()));
    }

    /** With the default public key ring, {@code <default data-dir>/keys/public}. */
    public AuditApiConfig(
            String elasticsearchUrl, String indexPrefix, String host, int port, int maxPageSize, String pitKeepAlive) {
        this(
                elasticsearchUrl,
                indexPrefix,
                host,
                port,
                maxPageSize,
                pitKeepAlive,
                SigningKeyConfig.publicKeysDir("", defaultDataDir()));
    }

    /** The components as mutable fields, for copies that change a few of them. */
    private static final class Parts {
        String elasticsearchUrl;
        String indexPrefix;
        String host;
        int port;
        int maxPageSize;
        String pitKeepAlive;
        Path publicKeysDir;
        String kafkaBootstrapServers;
        String topicPrefix;
        Path dataDir;
        ViolationsConfig violations;
        boolean uiSecureCookie;
        Path exportSigningKeyFile;
        PseudonymKeyConfig.Source pseudonymKey;

        AuditApiConfig build() {
            return new AuditApiConfig(
                    elasticsearchUrl,
                    indexPrefix,
                    host,
                    port,
                    maxPageSize,
                    pitKeepAlive,
                    publicKeysDir,
                    kafkaBootstrapServers,
                    topicPrefix,
                    dataDir,
                    violations,
                    uiSecureCookie,
                    exportSigningKeyFile,
                    pseudonymKey);
        }
    }

    private AuditApiConfig with(Consumer<Parts> change) {
        Parts p = new Parts();
        p.elasticsearchUrl = elasticsearchUrl;
        p.indexPrefix = indexPrefix;
        p.host = host;
        p.port = port;
        p.maxPageSize = maxPageSize;
        p.pitKeepAlive = pitKeepAlive;
        p.publicKeysDir = publicKeysDir;
        p.kafkaBootstrapServers = kafkaBootstrapServers;
        p.topicPrefix = topicPrefix;
        p.dataDir = dataDir;
        p.violations = violations;
        p.uiSecureCookie = uiSecureCookie;
        p.exportSigningKeyFile = exportSigningKeyFile;
        p.pseudonymKey = pseudonymKey;
        change.accept(p);
        return p.build();
    }

    /** Where Kafka is, and the topic prefix: access records and risk acceptances are written there. */
    public AuditApiConfig withKafka(String bootstrapServers, String prefix) {
        return with(p -> {
            p.kafkaBootstrapServers = bootstrapServers;
            p.topicPrefix = prefix;
        });
    }

    /** The data folder; the pseudonym key follows it unless one was configured. */
    public AuditApiConfig withDataDir(Path dir) {
        return with(p -> {
            p.dataDir = dir;
            if (pseudonymKey.text().isEmpty() && !pseudonymKey.fileConfigured()) {
                p.pseudonymKey = PseudonymKeyConfig.Source.of(null, "", dir);
            }
        });
    }

    /** The streams app's pseudonym key, so {@code actor=} can search by login (docs/erasure.md). */
    public AuditApiConfig withPseudonymKey(PseudonymKeyConfig.Source source) {
        return with(p -> p.pseudonymKey = source);
    }

    /** Violations list, risk acceptance, stream and webhook settings. */
    public AuditApiConfig withViolations(ViolationsConfig settings) {
        return with(p -> p.violations = settings);
    }

    /** Whether the UI's session cookie is marked Secure (the UI is served over https). */
    public AuditApiConfig withUiSecureCookie(boolean secure) {
        return with(p -> p.uiSecureCookie = secure);
    }

    /** The Ed25519 key evidence bundles are signed with (never the trail's checkpoint key). */
    public AuditApiConfig withExportSigningKeyFile(Path file) {
        return with(p -> p.exportSigningKeyFile = file);
    }

    /** The configured export signing key file, or {@code <data-dir>/keys/}{@value #DEFAULT_EXPORT_KEY_FILE}. */
    public static Path resolveExportSigningKeyFile(String configured, Path dataDir) {
        return configured == null || configured.isBlank()
                ? SigningKeyConfig.keysDir(dataDir).resolve(DEFAULT_EXPORT_KEY_FILE)
                : Path.of(configured).toAbsolutePath().normalize();
    }

    private static Path defaultDataDir() {
        return Path.of(SharedFields.DATA_DIR.defaultValue()).toAbsolutePath().normalize();
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

    public static final ConfigField<String> DATA_DIR = SharedFields.DATA_DIR;

    /** The checkpoint public key ring GET /v1/audit/keys publishes (the streams app writes it). */
    public static final ConfigField<String> PUBLIC_KEYS_DIR = SigningKeyConfig.PUBLIC_KEYS_DIR;

    public static final ConfigField<String> KAFKA_BOOTSTRAP_SERVERS = SharedFields.KAFKA_BOOTSTRAP_SERVERS;

    public static final ConfigField<String> TOPIC_PREFIX = SharedFields.TOPIC_PREFIX;

    /**
     * Behind TLS (directly or through a proxy) the session cookie must say Secure, or a browser
     * would also send it over plain http; on http://localhost a Secure cookie would never be sent.
     */
    public static final ConfigField<Boolean> UI_SECURE_COOKIE = ConfigField.bool(
            "vigil.audit-api.ui.secure-cookie",
            false,
            "Mark the UI session cookie Secure; set it to true whenever the UI is reached over https.");

    public static final String DEFAULT_EXPORT_KEY_FILE = "export-signing-key.pem";

    public static final ConfigField<String> EXPORT_SIGNING_KEY_FILE = ConfigField.string(
            "vigil.audit-api.export-signing-key-file",
            "",
            "PEM (PKCS#8) Ed25519 key the audit API signs evidence bundles with; a key of its own, not the"
                    + " checkpoint signing key. Empty: <data-dir>/keys/" + DEFAULT_EXPORT_KEY_FILE
                    + " (written by `vigil up`).");

    public static final List<ConfigField<?>> FIELDS = Stream.concat(
                    Stream.of(
                            ELASTICSEARCH_URL,
                            INDEX_PREFIX,
                            HOST,
                            PORT,
                            MAX_PAGE_SIZE,
                            PIT_KEEP_ALIVE,
                            DATA_DIR,
                            PUBLIC_KEYS_DIR,
                            KAFKA_BOOTSTRAP_SERVERS,
                            TOPIC_PREFIX,
                            UI_SECURE_COOKIE,
                            EXPORT_SIGNING_KEY_FILE,
                            PseudonymKeyConfig.PSEUDONYM_KEY_FILE,
                            PseudonymKeyConfig.PSEUDONYM_KEY),
                    ViolationsConfig.FIELDS.stream())
            .toList();

    public static AuditApiConfig from(Config config) {
        Path dataDir = Path.of(config.get(DATA_DIR)).toAbsolutePath().normalize();
        return new AuditApiConfig(
                config.get(ELASTICSEARCH_URL),
                config.get(INDEX_PREFIX),
                config.get(HOST),
                config.get(PORT),
                config.get(MAX_PAGE_SIZE),
                config.get(PIT_KEEP_ALIVE),
                SigningKeyConfig.publicKeysDir(config.get(PUBLIC_KEYS_DIR), dataDir),
                config.get(KAFKA_BOOTSTRAP_SERVERS),
                config.get(TOPIC_PREFIX),
                dataDir,
                ViolationsConfig.from(config),
                config.get(UI_SECURE_COOKIE),
                resolveExportSigningKeyFile(config.get(EXPORT_SIGNING_KEY_FILE), dataDir),
                PseudonymKeyConfig.Source.of(
                        config.get(PseudonymKeyConfig.PSEUDONYM_KEY),
                        config.get(PseudonymKeyConfig.PSEUDONYM_KEY_FILE),
                        dataDir));
    }
}
