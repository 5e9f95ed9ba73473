package dev.vigil.cli;

import dev.vigil.auditapi.AuditApiConfig;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.config.Config;
import dev.vigil.embedded.ChildServer;
import dev.vigil.embedded.ElasticsearchServerMain;
import dev.vigil.embedded.KafkaServerMain;
import dev.vigil.trail.checkpoint.SigningKey;
import dev.vigil.trail.checkpoint.SigningKeyConfig;
import dev.vigil.trail.checkpoint.SigningKeys;
import dev.vigil.trail.privacy.PseudonymKeyConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

/**
 * {@code vigil up}: the one-box default. Kafka and Elasticsearch run as supervised child JVMs
 * (each exits when this process's stdin pipe to it closes, so none outlives us), the services run
 * in this JVM, and everything stops on Ctrl-C or SIGTERM.
 */
final class UpCommand implements Command {

    static final String DEFAULT_TENANT = "default";

    private final CliArgs args;
    private final PrintStream out;

    UpCommand(CliArgs args, PrintStream out) {
        this.args = args;
        this.out = out;
    }

    @Override
    public int run() {
        long t0 = System.nanoTime();
        Config config = args.resolve(CliConfig.FIELDS, Map.of());
        Path data = CliConfig.dataDir(config);
        prepareDataDir(data);
        Duration readyTimeout = Duration.ofSeconds(config.get(CliConfig.READY_TIMEOUT_SECONDS));

        Services services = new Services();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            out.println("vigil: stopping ...");
                            services.close();
                            stopped.countDown();
                        },
                        "vigil-shutdown"));

        Map<String, String> wiring = new LinkedHashMap<>();
        wiring.put("vigil.data-dir", data.toString());
        try {
            out.println("vigil: data in " + data);
            CompletableFuture<ChildServer> kafka = launch(
                    config.get(CliConfig.EMBEDDED_KAFKA),
                    "kafka",
                    KafkaServerMain.class,
                    data,
                    config.get(CliConfig.KAFKA_PORT),
                    readyTimeout);
            CompletableFuture<ChildServer> elastic = launch(
                    config.get(CliConfig.EMBEDDED_ELASTICSEARCH),
                    "elasticsearch",
                    ElasticsearchServerMain.class,
                    data,
                    config.get(CliConfig.ELASTICSEARCH_PORT),
                    readyTimeout);
            // Join both before failing on either, so a server that did start is closed with the rest.
            RuntimeException failure = null;
            ChildServer kafkaServer = null;
            ChildServer elasticServer = null;
            try {
                kafkaServer = join(kafka, services);
            } catch (RuntimeException e) {
                failure = e;
            }
            try {
                elasticServer = join(elastic, services);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            if (kafkaServer != null) {
                wiring.put("vigil.kafka.bootstrap-servers", kafkaServer.endpoint());
                out.printf(
                        "vigil: kafka         %s (pid %d, %.1f s)%n",
                        kafkaServer.endpoint(), kafkaServer.pid(), secondsSince(t0));
            }
            if (elasticServer != null) {
                wiring.put("vigil.elasticsearch.url", elasticServer.endpoint());
                out.printf(
                        "vigil: elasticsearch %s (pid %d, %.1f s)%n",
                        elasticServer.endpoint(), elasticServer.pid(), secondsSince(t0));
            }

            Path keysFile = CliConfig.apiKeysFile(config);
            // Watching: keys minted or revoked later (audit API admin endpoints, vigil keys create) apply at once.
            ApiKeys keys = ApiKeys.watching(keysFile);
            if (keys.isEmpty()) {
                writeDevKeys(keys, keysFile, data.resolve("dev-keys.env"));
            }
            ensureSigningKey(data);
            ensureExportSigningKey(data);
            ensurePseudonymKey(data);
            services.startStreams(args, wiring);
            services.startIngest(args, wiring, keys);
            services.startAuditApi(args, wiring, keys);
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
        out.printf("""
                vigil: up in %.1f s
                  ingest     %s   (POST /v1/events, POST /v1/webhooks/github|gitlab/{source})
                  audit-api  %s   (GET /v1/audit/records, /v1/audit/checkpoints, /v1/audit/keys)
                  API keys   %s
                  Ctrl-C stops everything.
                """, secondsSince(t0), services.ingestUrl(), services.auditApiUrl(), data.resolve("dev-keys.env"));
        ServiceCommand.awaitQuietly(stopped);
        return 0;
    }

    /** Starts an embedded server as a child JVM in the background; data and log under the data folder. */
    private static CompletableFuture<ChildServer> launch(
            boolean enabled, String name, Class<?> main, Path data, int port, Duration readyTimeout) {
        if (!enabled) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.supplyAsync(() -> ChildServer.launch(
                name,
                main,
                List.of("--data", data.resolve(name).toString(), "--port", String.valueOf(port)),
                data.resolve("logs/" + name + ".log"),
                readyTimeout));
    }

    private static ChildServer join(CompletableFuture<ChildServer> future, Services services) {
        try {
            ChildServer server = future.join();
            if (server != null) {
                services.own(server);
            }
            return server;
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void prepareDataDir(Path data) {
        try {
            Files.createDirectories(data.resolve("logs"));
        } catch (IOException e) {
            throw new IllegalStateException("data folder " + data + " cannot be created: " + e.getMessage(), e);
        }
        if (!Files.isWritable(data)) {
            throw new IllegalStateException("data folder " + data + " is not writable");
        }
    }

    /**
     * First start: a checkpoint signing key in {@code <data-dir>/keys/}, unless one is configured
     * (file or VIGIL_TRAIL_SIGNING_KEY). A configured file that is missing is left to the streams
     * app to refuse: generating a key somewhere the operator chose would hide a mistake.
     */
    private void ensureSigningKey(Path data) {
        Config config = args.resolve(SigningKeysCommand.fields(), Map.of());
        String pem = config.get(SigningKeyConfig.SIGNING_KEY);
        String configuredFile = config.get(SigningKeyConfig.SIGNING_KEY_FILE);
        if ((pem != null && !pem.isBlank()) || !configuredFile.isBlank()) {
            return;
        }
        Path file = SigningKeyConfig.signingKeyFile("", data);
        if (Files.exists(file)) {
            return;
        }
        Path ring = SigningKeyConfig.publicKeysDir(config.get(SigningKeyConfig.PUBLIC_KEYS_DIR), data);
        SigningKeys.Rotation created = SigningKeys.rotate(file, ring);
        out.println("vigil: generated checkpoint signing key "
                + created.active().keyId() + " -> " + file + " (public key in " + ring + ")");
    }

    /**
     * First start: the audit API's export signing key (evidence bundles), a key of its own next to
     * the checkpoint key, so the audit API never holds the trail's signing key. A configured file
     * is left alone, as with the checkpoint key.
     */
    private void ensureExportSigningKey(Path data) {
        Config config = args.resolve(List.of(AuditApiConfig.EXPORT_SIGNING_KEY_FILE), Map.of());
        if (!config.get(AuditApiConfig.EXPORT_SIGNING_KEY_FILE).isBlank()) {
            return;
        }
        Path file = AuditApiConfig.resolveExportSigningKeyFile("", data);
        if (Files.exists(file)) {
            return;
        }
        SigningKey key = SigningKeys.generate();
        SigningKeys.writePrivate(key, file);
        out.println("vigil: generated export signing key " + key.keyId() + " -> " + file
                + " (public key at GET /v1/audit/keys, purpose export)");
    }

    /**
     * First start: the pseudonym key in {@code <data-dir>/keys/pseudonym.key}, unless one is
     * configured (file or VIGIL_PRIVACY_PSEUDONYM_KEY). {@code vigil erase-subject} reads the same
     * file, so both name a person alike.
     */
    private void ensurePseudonymKey(Path data) {
        Config config = args.resolve(
                List.of(PseudonymKeyConfig.PSEUDONYM_KEY_FILE, PseudonymKeyConfig.PSEUDONYM_KEY), Map.of());
        String text = config.get(PseudonymKeyConfig.PSEUDONYM_KEY);
        String configuredFile = config.get(PseudonymKeyConfig.PSEUDONYM_KEY_FILE);
        if ((text != null && !text.isBlank()) || !configuredFile.isBlank()) {
            return;
        }
        Path file = PseudonymKeyConfig.keyFile("", data);
        if (PseudonymKeyConfig.generate(file)) {
            out.println("vigil: generated pseudonym key -> " + file);
        }
    }

    /**
     * First start: one publisher and one auditor key for tenant "default", and one platform admin
     * key (tenant "vigil") for the audit API's /v1/admin endpoints. Only their hashes go
     * to the key store; the keys themselves are written once to a 0600 file for the local user.
     */
    private void writeDevKeys(ApiKeys keys, Path keysFile, Path envFile) {
        String publisher = keys.mint(DEFAULT_TENANT, Set.of(Role.PUBLISHER), "vigil up: local publisher")
                .key();
        String auditor = keys.mint(DEFAULT_TENANT, Set.of(Role.OFFICER), "vigil up: local auditor/officer")
                .key();
        String admin = keys.mint(KeysCommand.PLATFORM_TENANT, Set.of(Role.ADMIN), "vigil up: local platform admin")
                .key();
        keys.save(keysFile);
        try {
            Files.writeString(
                    envFile,
                    "VIGIL_PUBLISHER_KEY=" + publisher + "\nVIGIL_AUDITOR_KEY=" + auditor + "\nVIGIL_ADMIN_KEY=" + admin
                            + "\n");
            try {
                Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // non-POSIX file system: the data folder's permissions apply
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + envFile, e);
        }
        out.println("vigil: minted local API keys for tenant '" + DEFAULT_TENANT + "' -> " + envFile);
    }
}
