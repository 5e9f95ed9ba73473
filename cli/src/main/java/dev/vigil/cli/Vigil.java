package dev.vigil.cli;

import dev.vigil.cli.bench.BenchCommand;
import dev.vigil.common.config.ConfigException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code vigil} command. Subcommands:
 *
 * <pre>
 *   up          broker + Elasticsearch (embedded, child JVMs) + streams + indexer + ingest + audit-api
 *   ingest      the ingest service alone, against configured Kafka
 *   streams     the streams app and the indexer, against configured Kafka and Elasticsearch
 *   audit-api   the audit API alone, against configured Elasticsearch
 *   keys        mint an API key: keys create --tenant T --role publisher[,auditor,...];
 *               checkpoint signing key: keys signing rotate|list
 *   publish     send a scanner report or a pipeline event to ingest (a CI step)
 *   replay-rejected  list, export and replay what ingest refused
 *   verify      recompute the audit trail's hash chains and check its signed checkpoints
 *   erase-subject  crypto-shred a person's data in the trail (docs/erasure.md)
 *   bench       end-to-end performance against the box's own ceilings (docs/bench.md)
 * </pre>
 *
 * Configuration: {@code --config FILE} (properties) and environment variables
 * ({@code VIGIL_KAFKA_BOOTSTRAP_SERVERS} for {@code vigil.kafka.bootstrap-servers}).
 */
public final class Vigil {

    private Vigil() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != Command.RUNNING) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
            out.println(usage());
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            CliArgs cli =
                    CliArgs.parse(rest, args[0].equals("bench") ? BenchCommand.BOOLEAN_FLAGS : CliArgs.BOOLEAN_FLAGS);
            return switch (args[0]) {
                case "up" -> new UpCommand(cli, out).run();
                case "ingest", "streams", "audit-api" -> new ServiceCommand(args[0], cli, out).run();
                case "keys" -> new KeysCommand(cli, out).run();
                case "publish" ->
                    new PublishCommand(cli, PublishCommand.Env.system(), PublishClient.defaultHttpClient(), out, err)
                            .run();
                case "replay-rejected" ->
                    new ReplayRejectedCommand(
                                    cli, PublishCommand.Env.system(), PublishClient.defaultHttpClient(), out, err)
                            .run();
                case "webhooks" -> new WebhooksCommand(cli, out).run();
                case "verify" -> new VerifyCommand(cli, out, err, err == System.err && System.console() != null).run();
                case "erase-subject" -> new EraseSubjectCommand(cli, out).run();
                case "bench" -> new BenchCommand(cli, out).run();
                default -> {
                    err.println("vigil: unknown command '" + args[0] + "'\n" + usage());
                    yield 2;
                }
            };
        } catch (CliArgs.UsageException e) {
            err.println("vigil " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (ConfigException e) {
            err.println("vigil " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("vigil " + args[0] + ": " + e.getMessage());
            return 1;
        }
    }

    static String usage() {
        return """
                usage: vigil <command> [options]

                commands:
                  up          run the whole pipeline on one box (embedded Kafka and Elasticsearch)
                  ingest      run the ingest service against configured Kafka
                  streams     run the streams app and the Elasticsearch indexer
                  audit-api   run the audit API against configured Elasticsearch
                  keys create --tenant T --role R[,R...] [--description D]
                              mint an API key (roles: publisher, auditor, officer, admin)
                  keys signing rotate [--key-file F] | keys signing list
                              new checkpoint signing key (old public key stays published) / list the ring
                  publish <format> FILE | publish event <kind> [options]
                              send a scanner report or a pipeline event to ingest (docs/publish.md)
                  replay-rejected list|export|replay [options]
                              list, export and replay what ingest refused (vigil.ingest-rejected)
                  webhooks add --kind github|gitlab --tenant T [--id NAME]
                              add a GitHub/GitLab webhook source; prints its URL path and secret once
                  webhooks list
                              list webhook sources (without secrets)
                  verify [--tenant T] [--scope S] [--from T1] [--to T2] [--keys DIR] [--kafka] [--json]
                              verify the audit trail (exit 0 intact, 1 findings, 2 usage, 3 unreachable)
                  verify --bundle FILE.zip [--trusted-keys DIR] [--json]
                              verify an exported evidence bundle offline (same report and exit codes)
                  erase-subject --tenant T --person ID [--reference TICKET] [--dry-run]
                              erase a person (GDPR Art. 17): destroy their keys, the chains stay intact
                              (--dry-run prints the person's pseudonym only; docs/erasure.md)
                  bench [--out DIR] [--quick] [--duration 30m] [--skip-ceilings] [options]
                              measure the ceilings, drive the pipeline over HTTP at stepped rates to
                              saturation, then at half; bench-result.json + bench-report.html (docs/bench.md)
                  bench --external --kafka H:P --elasticsearch URL --ingest-url URL --audit-api-url URL
                        --tenant-keys FILE [--pids name=pid,...]
                              the same against running clusters

                common options:
                  --config FILE   properties file (environment variables VIGIL_* override it)
                  --data DIR      data folder (default .vigil): broker, index, state, API keys
                  --set key=value override one configuration key""";
    }
}
