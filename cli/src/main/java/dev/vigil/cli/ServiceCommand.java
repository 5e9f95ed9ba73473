package dev.vigil.cli;

import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.config.Config;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Runs one service against configured (external) Kafka / Elasticsearch: the multi-container layout. */
final class ServiceCommand implements Command {

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
        awaitQuietly(stopped);
        return 0;
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
