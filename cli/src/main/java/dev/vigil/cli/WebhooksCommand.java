package dev.vigil.cli;

import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.config.Config;
import dev.vigil.ingest.IngestConfig;
import dev.vigil.ingest.webhook.WebhookSources;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code vigil webhooks add --kind github|gitlab --tenant T [--id NAME]}: creates a webhook source
 * with a fresh secret, stores it where ingest reads it, and prints the URL path and the secret
 * once. {@code vigil webhooks list} shows the sources without their secrets.
 */
final class WebhooksCommand implements Command {

    static final String USAGE =
            "usage: vigil webhooks add --kind github|gitlab --tenant T [--id NAME] | vigil webhooks list";

    private final CliArgs args;
    private final PrintStream out;

    WebhooksCommand(CliArgs args, PrintStream out) {
        this.args = args;
        this.out = out;
    }

    @Override
    public int run() {
        String action = args.positional().isEmpty() ? "" : args.positional().get(0);
        Config config = args.resolve(IngestConfig.FIELDS, Map.of());
        Path file = IngestConfig.webhookSourcesFile(config);
        return switch (action) {
            case "add" -> add(file);
            case "list" -> list(file);
            default -> throw new CliArgs.UsageException(USAGE);
        };
    }

    private int add(Path file) {
        String kindText = args.option("kind").orElseThrow(() -> new CliArgs.UsageException("--kind is required"));
        WebhookSources.Kind kind = WebhookSources.Kind.parse(kindText)
                .orElseThrow(() -> new CliArgs.UsageException("--kind takes github or gitlab; got '" + kindText + "'"));
        String tenant = args.option("tenant").orElseThrow(() -> new CliArgs.UsageException("--tenant is required"));
        if (!ApiKeys.isValidTenant(tenant)) {
            throw new CliArgs.UsageException("--tenant must be lowercase letters, digits, '.', '_' or '-'");
        }
        String id = args.option("id").orElse(null);
        if (id != null && !WebhookSources.isValidId(id)) {
            throw new CliArgs.UsageException(
                    "--id must be 1-63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        WebhookSources sources = WebhookSources.load(file);
        if (id != null && sources.find(id).isPresent()) {
            throw new CliArgs.UsageException("a webhook source with id " + id + " exists already in " + file);
        }
        WebhookSources.Source source = WebhookSources.newSource(kind, tenant, id);
        sources.with(source).save(file);
        String where = kind == WebhookSources.Kind.GITHUB ? """
                  GitHub: repository or organization Settings > Webhooks > Add webhook.
                    Payload URL:   <ingest base URL>%s
                    Content type:  application/json
                    Secret:        the secret above
                    Events:        pull requests, pull request reviews, pushes, deployments,
                                   deployment statuses, workflow runs, branch protection rules""".formatted(source.path()) : """
                  GitLab: project or group Settings > Webhooks > Add new webhook.
                    URL:           <ingest base URL>%s
                    Secret token:  the secret above
                    Triggers:      push events, merge request events, pipeline events,
                                   deployment events (and enable SSL verification)""".formatted(source.path());
        out.printf("""
                webhook source %s (%s, tenant %s) saved in %s
                path:   %s
                secret: %s
                The secret is shown only now; ingest picks up the new source without a restart.
                %s
                """, source.id(), kind.slug(), tenant, file, source.path(), source.secret(), where);
        return 0;
    }

    private int list(Path file) {
        WebhookSources sources = WebhookSources.load(file);
        if (sources.all().isEmpty()) {
            out.println("no webhook sources in " + file);
            return 0;
        }
        for (WebhookSources.Source s : sources.all()) {
            out.printf("%-24s %-7s tenant %-20s %s%n", s.id(), s.kind().slug(), s.tenant(), s.path());
        }
        return 0;
    }
}
