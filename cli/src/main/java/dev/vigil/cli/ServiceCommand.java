package dev.vigil.cli;

import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Runs one service against configured (external) Kafka / Elasticsearch: the multi-container layout. */
final class ServiceCommand implements Command {

    /**
     * System property: when {@code true} the service exits (closing what it started) once its stdin reaches EOF, so a
     * supervising parent ({@code vigil bench}) that closes the pipe or dies, even by kill -9, leaves no JVM behind.
     */
    static final String EXIT_ON_STDIN_EOF = "vigil.exit-on-stdin-eof";

    private final String name;
    private final CliArgs args;
    private final PrintStream out;

    ServiceCommand(String name, CliArgs args, PrintStream out) {
        this.name = name;
        this.args = args;
        this.out = out;
    }

    @Override
    public int run() {
        Config config = args.resolve(CliConfig.FIELDS, Map.of());
        Services services = new Services();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            services.close();
                            stopped.countDown();
                        },
                        "vigil-shutdown"));
        try {
            switch (name) {
                case "ingest" -> {
                    Services.ensureTopics(args, Map.of());
                    services.startIngest(args, Map.of(), ApiKeys.watching(CliConfig.apiKeysFile(config)));
                    out.println("vigil ingest listening on " + services.ingestUrl());
                }
                case "audit-api" -> {
                    services.startAuditApi(args, Map.of(), ApiKeys.watching(CliConfig.apiKeysFile(config)));
                    out.println("vigil audit-api listening on " + services.auditApiUrl());
                }
                default -> {
                    services.startStreams(args, Map.of());
                    out.println("vigil streams running (streams app + indexer)");
                }
            }
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
        if (Boolean.getBoolean(EXIT_ON_STDIN_EOF)) {
            exitOnStdinEof();
        }
        awaitQuietly(stopped);
        return 0;
    }

    private static void exitOnStdinEof() {
        Thread watcher = new Thread(
                () -> {
                    byte[] buffer = new byte[256];
                    try {
                        while (System.in.read(buffer) >= 0) {
                            // input is ignored; only its end matters
                        }
                    } catch (IOException e) {
                        // a broken stdin means the parent is gone as well
                    }
                    System.exit(0); // runs the shutdown hook, which closes the services
                },
                "vigil-stdin-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
