package dev.vigil.cli.bench;

import dev.vigil.auditapi.AuditApiConfig;
import dev.vigil.cli.CliArgs;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.config.ConfigField;
import dev.vigil.common.config.SharedFields;
import dev.vigil.embedded.ChildServer;
import dev.vigil.embedded.ElasticsearchServerMain;
import dev.vigil.embedded.KafkaServerMain;
import dev.vigil.ingest.IngestConfig;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.streams.StreamsAppConfig;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.checkpoint.SigningKeyConfig;
import dev.vigil.trail.checkpoint.SigningKeys;
import dev.vigil.trail.privacy.PseudonymKeyConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What {@code vigil bench} runs against. <b>Embedded</b>: a fresh data folder, Kafka and Elasticsearch as child JVMs
 * ({@link ChildServer}) on free ports, then {@code vigil streams}, {@code vigil ingest} and {@code vigil audit-api},
 * each in a JVM of its own (so CPU and RSS are per process), with a publisher and an auditor API key minted per
 * tenant. Every child exits when its stdin pipe from this JVM closes, so none outlives the bench, even after
 * {@code kill -9}. <b>External</b>: endpoints and a keys file only.
 */
final class BenchCluster implements AutoCloseable {

    static final String TENANT_PREFIX = "bench-t";

    private static final Pattern STREAMS_READY = Pattern.compile("vigil streams running");
    private static final Pattern INGEST_READY = Pattern.compile("vigil ingest listening on (\\S+)");
    private static final Pattern AUDIT_READY = Pattern.compile("vigil audit-api listening on (\\S+)");

    /** Heap of each service JVM (Kafka and Elasticsearch use ChildServer's). */
    static final Map<String, String> SERVICE_HEAP =
            Map.of("streams", "-Xmx1g", "ingest", "-Xmx512m", "audit-api", "-Xmx512m");

    private final String mode;
    private final String kafkaBootstrap;
    private final String elasticsearchUrl;
    private final BenchEndpoints endpoints;
    private final Map<String, Long> pids;
    private final Map<String, String> settings;
    private final Topics topics;
    private final String streamsGroup;
    private final String indexerGroup;
    private final String trailAlias;
    private final List<AutoCloseable> services;
    private final List<AutoCloseable> servers;
    private final Path deleteOnClose;
    private boolean closed;

    private BenchCluster(
            String mode,
            String kafkaBootstrap,
            String elasticsearchUrl,
            BenchEndpoints endpoints,
            Map<String, Long> pids,
            Map<String, String> settings,
            List<AutoCloseable> services,
            List<AutoCloseable> servers,
            Path deleteOnClose) {
        this.mode = mode;
        this.kafkaBootstrap = kafkaBootstrap;
        this.elasticsearchUrl = elasticsearchUrl;
        this.endpoints = endpoints;
        this.pids = pids;
        this.settings = settings;
        this.topics = Topics.withPrefix(settings.getOrDefault(SharedFields.TOPIC_PREFIX.key(), ""));
        this.streamsGroup = settings.getOrDefault(
                StreamsAppConfig.APPLICATION_ID.key(), StreamsAppConfig.APPLICATION_ID.defaultValue());
        this.indexerGroup = settings.getOrDefault(
                StreamsAppConfig.INDEXER_GROUP_ID.key(), StreamsAppConfig.INDEXER_GROUP_ID.defaultValue());
        this.trailAlias = new AuditIndex(settings.getOrDefault(SharedFields.INDEX_PREFIX.key(), "")).alias();
        this.services = services;
        this.servers = servers;
        this.deleteOnClose = deleteOnClose;
    }

    static List<String> tenants(int n) {
        List<String> tenants = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tenants.add(TENANT_PREFIX + i);
        }
        return tenants;
    }

    /** Starts everything; on failure closes what did start and rethrows. */
    static BenchCluster embedded(BenchOptions opts, CliArgs cli, Consumer<String> note) {
        Path data = opts.data() != null ? opts.data() : opts.out().resolve("data");
        Path logs = opts.out().resolve("logs");
        List<AutoCloseable> servers = new ArrayList<>();
        List<AutoCloseable> services = new ArrayList<>();
        try {
            Files.createDirectories(data);
            Files.createDirectories(logs);
            note.accept("vigil bench: data in " + data + ", logs in " + logs);
            CompletableFuture<ChildServer> kafka = async(() -> ChildServer.launch(
                    "kafka",
                    KafkaServerMain.class,
                    List.of("--data", data.resolve("kafka").toString(), "--port", "0"),
                    logs.resolve("kafka.log"),
                    opts.readyTimeout()));
            CompletableFuture<ChildServer> elastic = async(() -> ChildServer.launch(
                    "elasticsearch",
                    ElasticsearchServerMain.class,
                    List.of("--data", data.resolve("elasticsearch").toString(), "--port", "0"),
                    logs.resolve("elasticsearch.log"),
                    opts.readyTimeout()));
            ChildServer kafkaServer = joinAll(List.of(kafka, elastic), servers).get(0);
            ChildServer elasticServer = (ChildServer) servers.get(1);
            note.accept("vigil bench: kafka " + kafkaServer.endpoint() + " (pid " + kafkaServer.pid()
                    + "), elasticsearch " + elasticServer.endpoint() + " (pid " + elasticServer.pid() + ")");

            Map<String, String> overrides = new LinkedHashMap<>(cli.overrides());
            overrides.putIfAbsent(IngestConfig.PORT.key(), "0");
            overrides.putIfAbsent(AuditApiConfig.PORT.key(), "0");
            overrides.put(SharedFields.DATA_DIR.key(), data.toString());
            overrides.put(SharedFields.KAFKA_BOOTSTRAP_SERVERS.key(), kafkaServer.endpoint());
            overrides.put(SharedFields.ELASTICSEARCH_URL.key(), elasticServer.endpoint());

            List<String> tenants = tenants(opts.tenants());
            Map<String, String> publisherKeys = new TreeMap<>();
            Map<String, String> auditorKeys = new TreeMap<>();
            mintKeys(data.resolve("api-keys.json"), tenants, publisherKeys, auditorKeys);
            ensureKeys(data);

            CompletableFuture<ChildJvm> streams =
                    async(() -> service("streams", STREAMS_READY, overrides, cli, logs, opts.readyTimeout()));
            CompletableFuture<ChildJvm> ingest =
                    async(() -> service("ingest", INGEST_READY, overrides, cli, logs, opts.readyTimeout()));
            CompletableFuture<ChildJvm> audit =
                    async(() -> service("audit-api", AUDIT_READY, overrides, cli, logs, opts.readyTimeout()));
            List<ChildJvm> started = joinAll(List.of(streams, ingest, audit), services);
            ChildJvm ingestJvm = started.get(1);
            ChildJvm auditJvm = started.get(2);
            note.accept("vigil bench: streams (pid " + started.get(0).pid() + "), ingest " + ingestJvm.ready()
                    + " (pid " + ingestJvm.pid() + "), audit-api " + auditJvm.ready() + " (pid " + auditJvm.pid()
                    + ")");

            Map<String, Long> pids = new LinkedHashMap<>();
            pids.put("kafka", kafkaServer.pid());
            pids.put("elasticsearch", elasticServer.pid());
            for (ChildJvm jvm : started) {
                pids.put(jvm.name(), jvm.pid());
            }
            pids.putAll(opts.pids());
            return new BenchCluster(
                    "embedded",
                    kafkaServer.endpoint(),
                    elasticServer.endpoint(),
                    new BenchEndpoints(ingestJvm.ready(), auditJvm.ready(), publisherKeys, auditorKeys),
                    pids,
                    effectiveSettings(cli, overrides),
                    services,
                    servers,
                    opts.keepData() || opts.data() != null ? null : data);
        } catch (IOException e) {
            closeAll(services, servers);
            throw new UncheckedIOException("cannot prepare " + data + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(services, servers);
            throw e;
        }
    }

    /** External clusters: endpoints from the options, keys from {@code --tenant-keys}, pids from {@code --pids}. */
    static BenchCluster external(BenchOptions opts, CliArgs cli) {
        Map<String, String> publisherKeys = new TreeMap<>();
        Map<String, String> auditorKeys = new TreeMap<>();
        readTenantKeys(opts.tenantKeys(), publisherKeys, auditorKeys);
        Map<String, String> overrides = new LinkedHashMap<>(cli.overrides());
        overrides.put(SharedFields.KAFKA_BOOTSTRAP_SERVERS.key(), opts.kafka());
        overrides.put(SharedFields.ELASTICSEARCH_URL.key(), opts.elasticsearch());
        return new BenchCluster(
                "external",
                opts.kafka(),
                opts.elasticsearch(),
                new BenchEndpoints(opts.ingestUrl(), opts.auditApiUrl(), publisherKeys, auditorKeys),
                new LinkedHashMap<>(opts.pids()),
                effectiveSettings(cli, overrides),
                List.of(),
                List.of(),
                null);
    }

    /**
     * {@code <tenant>.publisher=KEY} and {@code <tenant>.auditor=KEY}; every tenant needs both. The keys are never
     * printed: errors name the tenant and the property only.
     */
    static void readTenantKeys(Path file, Map<String, String> publisherKeys, Map<String, String> auditorKeys) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new CliArgs.UsageException("--tenant-keys " + file + " cannot be read: " + e.getMessage());
        }
        Set<String> tenants = new TreeSet<>();
        for (String name : props.stringPropertyNames()) {
            int dot = name.lastIndexOf('.');
            String role = dot < 0 ? "" : name.substring(dot + 1);
            if (dot <= 0 || !(role.equals("publisher") || role.equals("auditor"))) {
                throw new CliArgs.UsageException(
                        "--tenant-keys: property '" + name + "' is not <tenant>.publisher or <tenant>.auditor");
            }
            String tenant = name.substring(0, dot);
            tenants.add(tenant);
            (role.equals("publisher") ? publisherKeys : auditorKeys)
                    .put(tenant, props.getProperty(name).trim());
        }
        if (tenants.isEmpty()) {
            throw new CliArgs.UsageException("--tenant-keys " + file + " holds no keys");
        }
        for (String tenant : tenants) {
            if (!publisherKeys.containsKey(tenant) || !auditorKeys.containsKey(tenant)) {
                throw new CliArgs.UsageException(
                        "--tenant-keys: tenant '" + tenant + "' needs both .publisher and .auditor");
            }
        }
    }

    String mode() {
        return mode;
    }

    String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    String elasticsearchUrl() {
        return elasticsearchUrl;
    }

    BenchEndpoints endpoints() {
        return endpoints;
    }

    List<String> tenants() {
        return List.copyOf(endpoints.publisherKeys().keySet());
    }

    /** Process name → pid of what the bench samples (not the bench itself). */
    Map<String, Long> pids() {
        return pids;
    }

    Map<String, String> settings() {
        return settings;
    }

    Topics topics() {
        return topics;
    }

    String streamsGroup() {
        return streamsGroup;
    }

    String indexerGroup() {
        return indexerGroup;
    }

    String trailAlias() {
        return trailAlias;
    }

    /** Stops the services, then the servers, then deletes the bench's own data folder. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(services, servers);
        if (deleteOnClose != null) {
            deleteRecursively(deleteOnClose);
        }
    }

    private static void closeAll(List<AutoCloseable> services, List<AutoCloseable> servers) {
        closeInParallel(services);
        closeInParallel(servers);
    }

    private static void closeInParallel(List<AutoCloseable> resources) {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (AutoCloseable r : List.copyOf(resources)) {
            closing.add(CompletableFuture.runAsync(() -> {
                try {
                    r.close();
                } catch (Exception e) {
                    // best effort: the child also exits when its stdin pipe closes with this JVM
                }
            }));
        }
        closing.forEach(CompletableFuture::join);
    }

    private static ChildJvm service(
            String name, Pattern ready, Map<String, String> overrides, CliArgs cli, Path logs, Duration timeout) {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(
                java,
                "-XX:+IgnoreUnrecognizedVMOptions",
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-XX:+ExitOnOutOfMemoryError",
                SERVICE_HEAP.get(name),
                // ServiceCommand: exit when this JVM closes the stdin pipe (or dies)
                "-Dvigil.exit-on-stdin-eof=true"));
        String level = System.getProperty("vigil.log.level");
        if (level != null) {
            command.add("-Dvigil.log.level=" + level);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.vigil.cli.Vigil");
        command.add(name);
        if (cli.configFile() != null) {
            command.add("--config");
            command.add(cli.configFile().toAbsolutePath().toString());
        }
        overrides.forEach((k, v) -> {
            command.add("--set");
            command.add(k + "=" + v);
        });
        // the log names the overridden keys, not their values (a --set may carry a secret)
        String header = "vigil " + name + " with --set " + String.join(", ", overrides.keySet());
        return ChildJvm.launch(name, command, header, logs.resolve(name + ".log"), ready, timeout);
    }

    private static void mintKeys(
            Path keysFile, List<String> tenants, Map<String, String> publisherKeys, Map<String, String> auditorKeys) {
        ApiKeys keys = ApiKeys.load(keysFile);
        for (String tenant : tenants) {
            keys.addTenant(tenant, "vigil bench");
            publisherKeys.put(
                    tenant,
                    keys.mint(tenant, Set.of(Role.PUBLISHER), "vigil bench publisher")
                            .key());
            auditorKeys.put(
                    tenant,
                    keys.mint(tenant, Set.of(Role.AUDITOR), "vigil bench auditor")
                            .key());
        }
        keys.save(keysFile);
    }

    /** The keys {@code vigil up} generates on a first start, at their default places, unless present. */
    private static void ensureKeys(Path data) {
        Path signing = SigningKeyConfig.signingKeyFile("", data);
        if (!Files.exists(signing)) {
            SigningKeys.rotate(signing, SigningKeyConfig.publicKeysDir("", data));
        }
        Path export = AuditApiConfig.resolveExportSigningKeyFile("", data);
        if (!Files.exists(export)) {
            SigningKeys.writePrivate(SigningKeys.generate(), export);
        }
        PseudonymKeyConfig.generate(PseudonymKeyConfig.keyFile("", data));
    }

    /**
     * The services' configuration as the bench ran them: every non-secret field of streams, ingest and audit-api,
     * resolved from the config file, the environment and the {@code --set} overrides; plus overrides outside the
     * declared fields (client pass-through keys such as {@code vigil.kafka.producer.linger.ms}).
     */
    static Map<String, String> effectiveSettings(CliArgs cli, Map<String, String> overrides) {
        Map<String, String> settings = new TreeMap<>();
        Set<String> secret = new TreeSet<>();
        List<ConfigField<?>> fields = new ArrayList<>(StreamsAppConfig.FIELDS);
        fields.addAll(IngestConfig.FIELDS);
        fields.addAll(AuditApiConfig.FIELDS);
        Map<String, String> extra = new LinkedHashMap<>(overrides);
        for (ConfigField<?> field : fields) {
            if (field.secret()) {
                secret.add(field.key());
                continue;
            }
            if (settings.containsKey(field.key())) {
                continue;
            }
            try {
                Object value = cli.resolve(List.of(field), extra).get(field);
                settings.put(field.key(), String.valueOf(value));
            } catch (RuntimeException e) {
                // unset and required, or invalid: the service reports it; not a setting of this run
            }
        }
        overrides.forEach((k, v) -> {
            if (!settings.containsKey(k) && !secret.contains(k) && !looksSecret(k)) {
                settings.put(k, v);
            }
        });
        return settings;
    }

    private static boolean looksSecret(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("key") && !k.endsWith("-file");
    }

    private static <T> CompletableFuture<T> async(Supplier<T> start) {
        return CompletableFuture.supplyAsync(start);
    }

    /** Joins every future, owning what started, then throws the first failure (with the others suppressed). */
    @SuppressWarnings("unchecked")
    private static <T extends AutoCloseable> List<T> joinAll(
            List<CompletableFuture<T>> futures, List<AutoCloseable> owner) {
        RuntimeException failure = null;
        List<T> started = new ArrayList<>();
        for (CompletableFuture<T> f : futures) {
            try {
                T t = f.join();
                started.add(t);
                owner.add(t);
            } catch (CompletionException e) {
                RuntimeException cause =
                        e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return started;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // leftovers are reported by nothing; the folder is under --out
        }
    }
}
