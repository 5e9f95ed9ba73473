package dev.vigil.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import dev.vigil.common.config.Config;
import dev.vigil.common.config.SharedFields;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.ElasticsearchClients;
import dev.vigil.trail.verify.BundleVerifier;
import dev.vigil.trail.verify.KafkaTrailHeads;
import dev.vigil.trail.verify.PemKeyRing;
import dev.vigil.trail.verify.TrailHead;
import dev.vigil.trail.verify.TrailVerifier;
import dev.vigil.trail.verify.VerifyReport;
import dev.vigil.trail.verify.VerifyRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * {@code vigil verify}: recomputes the audit trail's hash chains from Elasticsearch, checks the
 * signed checkpoints with the public keys of {@code --keys DIR} and, with {@code --kafka}, compares
 * each chain's end with the Kafka trail. Exit codes: 0 intact, 1 findings (or an incomplete run),
 * 2 usage or configuration error, 3 Elasticsearch (or Kafka) cannot be reached. With
 * {@code --bundle FILE.zip} it verifies an exported evidence bundle offline instead (same report
 * and exit codes; an unreadable bundle is 2).
 */
final class VerifyCommand implements Command {

    static final int INTACT = 0;
    static final int FINDINGS = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;

    static final Set<String> OPTIONS =
            Set.of("scope", "tenant", "from", "to", "json", "keys", "kafka", "timeout", "bundle", "trusted-keys");
    static final Set<String> BUNDLE_OPTIONS = Set.of("bundle", "trusted-keys", "json");

    private final CliArgs args;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;

    VerifyCommand(CliArgs args, PrintStream out, PrintStream err, boolean terminal) {
        this.args = args;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public int run() {
        args.requireKnownOptions("vigil verify", OPTIONS);
        if (!args.positional().isEmpty()) {
            throw new CliArgs.UsageException("usage: " + usage());
        }
        if (args.option("bundle").isPresent()) {
            return verifyBundle();
        }
        if (args.option("trusted-keys").isPresent()) {
            throw new CliArgs.UsageException("--trusted-keys goes with --bundle; the trail's keys are --keys DIR");
        }
        Instant now = Instant.now();
        Instant from = args.option("from").map(v -> instant("--from", v, now)).orElse(null);
        Instant to = args.option("to").map(v -> instant("--to", v, now)).orElse(null);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new CliArgs.UsageException("--from must be before --to");
        }
        Config config = args.resolve(
                List.of(
                        SharedFields.ELASTICSEARCH_URL,
                        SharedFields.INDEX_PREFIX,
                        SharedFields.DATA_DIR,
                        SharedFields.KAFKA_BOOTSTRAP_SERVERS,
                        SharedFields.TOPIC_PREFIX),
                Map.of());
        Path keyDir =
                args.option("keys").map(Path::of).orElse(Path.of(config.get(SharedFields.DATA_DIR), "keys", "public"));
        Map<String, PublicKey> keys;
        try {
            keys = PemKeyRing.load(keyDir);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("vigil verify: " + e.getMessage());
            return USAGE;
        }
        if (keys.isEmpty()) {
            err.println("vigil verify: no public key in " + keyDir
                    + " (*.pem): every checkpoint will be reported as signed by an unknown key");
        }
        VerifyRequest request = new VerifyRequest(
                args.option("tenant").orElse(null), args.option("scope").orElse(null), from, to, null, null);
        Duration timeout =
                args.option("timeout").map(PublishClient.Durations::parse).orElse(Duration.ofSeconds(60));

        Map<String, TrailHead> heads = null;
        if (args.flag("kafka")) {
            try {
                heads = KafkaTrailHeads.read(
                        config.get(SharedFields.KAFKA_BOOTSTRAP_SERVERS),
                        config.withPrefix(ReplayRejectedCommand.CONSUMER_PREFIX),
                        Topics.withPrefix(config.get(SharedFields.TOPIC_PREFIX)).auditTrail(),
                        request.tenant(),
                        request.scope(),
                        timeout);
            } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
                err.println("vigil verify: " + e.getMessage());
                return UNREACHABLE;
            }
        }
        String url = config.get(SharedFields.ELASTICSEARCH_URL);
        ElasticsearchClient client = ElasticsearchClients.create(url);
        try {
            TrailVerifier verifier = new TrailVerifier(client, config.get(SharedFields.INDEX_PREFIX), keys);
            long total = verifier.count(request);
            VerifyReport report = verifier.verify(request, heads, progress(total));
            if (terminal) {
                err.print("\r\033[K");
            }
            out.print(args.flag("json") ? report.toJson() + "\n" : report.toHuman());
            out.flush();
            return report.intact() ? INTACT : FINDINGS;
        } catch (IOException | UncheckedIOException e) {
            err.println("vigil verify: cannot reach Elasticsearch at " + url + " (" + e.getMessage()
                    + "): check vigil.elasticsearch.url and that it runs");
            return UNREACHABLE;
        } catch (ElasticsearchException e) {
            if (e.status() >= 500 || e.status() == 429) {
                err.println("vigil verify: Elasticsearch at " + url + " is not available (" + e.getMessage() + ")");
                return UNREACHABLE;
            }
            throw e;
        } finally {
            try {
                ElasticsearchClients.close(client);
            } catch (UncheckedIOException e) {
                // closing a client to an unreachable cluster is not worth another message
            }
        }
    }

    /**
     * {@code --bundle FILE}: an evidence bundle verified offline, no server involved. With
     * {@code --trusted-keys DIR} the manifest's exporter key and the checkpoint keys must be among
     * the {@code *.pem} of DIR (what {@code GET /v1/audit/keys} publishes); without, the keys inside
     * the bundle are used, which only shows the bundle is internally consistent, and a warning says so.
     */
    private int verifyBundle() {
        for (String option : OPTIONS) {
            if (!BUNDLE_OPTIONS.contains(option) && args.option(option).isPresent()) {
                throw new CliArgs.UsageException("--" + option + " does not go with --bundle: a bundle is verified"
                        + " as exported; usage: vigil verify --bundle FILE.zip [--trusted-keys DIR] [--json]");
            }
        }
        Path file = Path.of(args.option("bundle").orElseThrow());
        if (!java.nio.file.Files.isRegularFile(file)) {
            err.println("vigil verify: no bundle file at " + file);
            return USAGE;
        }
        Map<String, PublicKey> trusted = null;
        if (args.option("trusted-keys").isPresent()) {
            Path dir = Path.of(args.option("trusted-keys").get());
            try {
                trusted = PemKeyRing.load(dir);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                err.println("vigil verify: " + e.getMessage());
                return USAGE;
            }
            if (trusted.isEmpty()) {
                err.println("vigil verify: no public key (*.pem) in --trusted-keys " + dir);
                return USAGE;
            }
        }
        BundleVerifier.Result result;
        try {
            result = BundleVerifier.verify(file, trusted);
        } catch (IllegalArgumentException e) {
            err.println("vigil verify: " + e.getMessage());
            return USAGE;
        } catch (IOException | UncheckedIOException e) {
            err.println("vigil verify: cannot read the bundle " + file + ": " + e.getMessage());
            return USAGE;
        }
        result.warnings().forEach(w -> err.println("vigil verify: warning: " + w));
        VerifyReport report = result.report();
        out.print(args.flag("json") ? report.toJson() + "\n" : report.toHuman());
        out.flush();
        return report.intact() ? INTACT : FINDINGS;
    }

    /** A bar redrawn in place on a terminal; otherwise a plain line every tenth of the way. */
    private LongConsumer progress(long total) {
        long[] lastTenth = {-1};
        return done -> {
            long shown = total > 0 ? Math.min(done, total) : done;
            int percent = total > 0 ? (int) (100 * shown / total) : 100;
            if (terminal) {
                int width = 30;
                int filled = percent * width / 100;
                err.print(String.format(
                        Locale.ROOT,
                        "\r[%s%s] %3d%% %,d/%,d documents verified",
                        "#".repeat(filled),
                        " ".repeat(width - filled),
                        percent,
                        shown,
                        total));
                err.flush();
            } else if (percent / 10 > lastTenth[0]) {
                lastTenth[0] = percent / 10;
                err.println(
                        String.format(Locale.ROOT, "verify: %d/%d documents verified (%d%%)", shown, total, percent));
            }
        };
    }

    private static Instant instant(String option, String value, Instant now) {
        try {
            return ReplayRejectedCommand.since(value, now);
        } catch (CliArgs.UsageException e) {
            throw new CliArgs.UsageException(option
                    + " takes an instant (2026-05-01T00:00:00Z), a date (2026-05-01) or a time ago (24h, 7d), not '"
                    + value + "'");
        }
    }

    static String usage() {
        return "vigil verify [--tenant T] [--scope S] [--from T1] [--to T2] [--keys DIR] [--kafka] [--json]\n"
                + "       vigil verify --bundle FILE.zip [--trusted-keys DIR] [--json]";
    }
}
