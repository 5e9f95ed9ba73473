package dev.vigil.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code vigil publish}: the CI step that sends a scanner's report or a pipeline event to Vigil's
 * ingest. Context (repository, commit, branch, run) comes from the CI's environment, endpoint
 * and key from {@code --url}/{@code VIGIL_URL} and {@code VIGIL_API_KEY}/{@code --key-file}.
 * Exit codes: 0 stored, 1 refused by Vigil, 2 usage, 3 Vigil unreachable or busy after all retries.
 */
final class PublishCommand implements Command {

    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;

    static final Set<String> OPTIONS = Set.of(
            "url",
            "key-file",
            "key",
            "repository",
            "commit",
            "branch",
            "run",
            "run-attempt",
            "run-url",
            "actor",
            "env",
            "digest",
            "max-attempts",
            "max-time",
            "timeout",
            "event-id",
            "artifact",
            "service",
            "emergency",
            "tier",
            "approvers",
            "deploy-id",
            "outcome",
            "suite",
            "reason",
            "incident",
            "state",
            "description",
            "severity",
            "personal-data-breach",
            "aware-at",
            "notified-at",
            "postmortem");

    static final List<String> SCANNER_FORMATS =
            List.of("sarif", "trivy", "cyclonedx", "gitleaks", "grype", "osv", "semgrep", "wazuh", "ocsf");

    /** Everything outside the command line, injected so tests control it. */
    record Env(Map<String, String> variables, Clock clock, PublishClient.Sleeper sleeper, Supplier<String> ids) {
        static Env system() {
            return new Env(System.getenv(), Clock.systemUTC(), d -> Thread.sleep(d), () -> UUID.randomUUID()
                    .toString());
        }
    }

    private final CliArgs args;
    private final Env env;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http;

    PublishCommand(CliArgs args, Env env, HttpClient http, PrintStream out, PrintStream err) {
        this.args = args;
        this.env = env;
        this.http = http;
        this.out = out;
        this.err = err;
    }

    @Override
    public int run() {
        args.requireKnownOptions("vigil publish", OPTIONS);
        List<String> positional = args.positional();
        if (positional.isEmpty()) {
            throw new CliArgs.UsageException("what to publish? " + usage());
        }
        String what = positional.get(0);
        CiEnvironment ci = CiEnvironment.detect(env.variables()).withOverrides(args);
        Request request;
        if (what.equals("event")) {
            if (positional.size() != 2) {
                throw new CliArgs.UsageException(
                        "usage: vigil publish event <" + String.join("|", PublishEvents.KINDS) + "> [options]");
            }
            ObjectNode event = PublishEvents.build(
                    positional.get(1),
                    args,
                    ci,
                    env.clock().instant(),
                    args.option("event-id").orElseGet(env.ids()));
            request = new Request("/v1/events", PublishEvents.MEDIA_TYPE, json(event), "event " + positional.get(1));
        } else if (SCANNER_FORMATS.contains(what)) {
            if (positional.size() != 2) {
                throw new CliArgs.UsageException("usage: vigil publish " + what + " FILE [options]");
            }
            request = new Request(
                    "/v1/events?" + scanQuery(what, ci, args.option("digest").orElse(null)),
                    "application/json",
                    read(Path.of(positional.get(1))),
                    what + " report " + positional.get(1));
        } else {
            throw new CliArgs.UsageException("cannot publish '" + what + "'. " + usage());
        }

        // Relative to the base, so a Vigil behind a path prefix (https://ci.example/vigil/) is reached too.
        URI uri = endpoint(args, env.variables()).resolve(request.pathAndQuery().substring(1));
        String key = apiKey(args, env.variables());
        PublishClient client =
                new PublishClient(http, PublishClient.RetryPolicy.from(args), env.clock(), env.sleeper(), Math::random);
        PublishClient.Result result;
        try {
            result = client.post(uri, request.contentType(), request.body(), key, Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("vigil publish: interrupted before Vigil answered; the " + request.what()
                    + " may or may not be stored");
            return UNAVAILABLE;
        }
        return switch (result) {
            case PublishClient.Result.Accepted a -> {
                a.recordIds().forEach(out::println);
                err.println("vigil publish: " + request.what() + " stored as "
                        + a.recordIds().size() + " record(s)"
                        + (ci.repository() == null ? "" : " for " + ci.repository())
                        + (a.attempts() > 1 ? " (after " + a.attempts() + " attempts)" : ""));
                yield 0;
            }
            case PublishClient.Result.Refused r -> {
                err.println("vigil publish: " + request.what() + " " + PublishClient.describe(r) + hint(r.status()));
                yield r.retriesExhausted() ? UNAVAILABLE : REFUSED;
            }
            case PublishClient.Result.Unreachable u -> {
                err.println("vigil publish: " + request.what() + " not stored, " + PublishClient.describe(u));
                yield UNAVAILABLE;
            }
        };
    }

    private record Request(String pathAndQuery, String contentType, byte[] body, String what) {}

    /** The query ingest's scanner adapters read: the format and the context a report does not carry itself. */
    static String scanQuery(String format, CiEnvironment ci, String digest) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("format", format);
        params.put("repository", ci.repository());
        params.put("commit", ci.commit());
        params.put("branch", ci.branch());
        params.put("digest", digest);
        params.put("environment", ci.environment());
        params.put("run", ci.runId());
        StringBuilder query = new StringBuilder();
        params.forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                if (!query.isEmpty()) {
                    query.append('&');
                }
                query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return query.toString();
    }

    static URI endpoint(CliArgs args, Map<String, String> env) {
        String url = args.option("url").orElse(env.get("VIGIL_URL"));
        if (url == null || url.isBlank()) {
            throw new CliArgs.UsageException(
                    "--url or VIGIL_URL is required (the ingest base URL, e.g. https://vigil.example.com)");
        }
        URI uri;
        try {
            uri = URI.create(url.trim().endsWith("/") ? url.trim() : url.trim() + "/");
        } catch (IllegalArgumentException e) {
            throw new CliArgs.UsageException("--url is not a URL: '" + url + "'");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new CliArgs.UsageException("--url must be an http:// or https:// URL, not '" + url + "'");
        }
        if (uri.getUserInfo() != null) {
            throw new CliArgs.UsageException("--url must not carry credentials; pass the key in VIGIL_API_KEY");
        }
        return uri;
    }

    /** The key from --key-file or VIGIL_API_KEY; there is deliberately no --key, which would show in process lists. */
    static String apiKey(CliArgs args, Map<String, String> env) {
        if (args.option("key").isPresent()) {
            throw new CliArgs.UsageException(
                    "--key is not accepted (command lines are visible to other users); use VIGIL_API_KEY or --key-file");
        }
        String key;
        if (args.option("key-file").isPresent()) {
            Path file = Path.of(args.option("key-file").get());
            try {
                key = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CliArgs.UsageException("--key-file " + file + " cannot be read");
            }
            if (key.isEmpty()) {
                throw new CliArgs.UsageException("--key-file " + file + " is empty");
            }
        } else {
            key = env.get("VIGIL_API_KEY");
            if (key == null || key.isBlank()) {
                throw new CliArgs.UsageException("an API key is required: set VIGIL_API_KEY or pass --key-file FILE");
            }
            key = key.strip();
        }
        if (key.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new CliArgs.UsageException("the API key holds spaces or control characters; check how it was stored");
        }
        return key;
    }

    private static byte[] read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0) {
                throw new CliArgs.UsageException(file + " is empty: did the scanner run?");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new CliArgs.UsageException(file + " does not exist");
        } catch (IOException e) {
            throw new CliArgs.UsageException(file + " cannot be read: " + e.getMessage());
        }
    }

    private static byte[] json(ObjectNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event built here cannot be written as JSON", e);
        }
    }

    private static String hint(int status) {
        return switch (status) {
            case 401 -> " Check VIGIL_API_KEY.";
            case 403 -> " The key needs the publisher role.";
            case 404 -> " Check --url (the ingest base URL).";
            case 415 -> " This Vigil does not read that format yet.";
            default -> "";
        };
    }

    static String usage() {
        return """
                usage: vigil publish <format> FILE [options]         formats: sarif, trivy, cyclonedx, gitleaks,
                                                                        grype, osv, semgrep, wazuh, ocsf
                       vigil publish event deployment --env E [--artifact PURL | --digest sha256:..] [--emergency]
                       vigil publish event build|test --outcome success|failure|cancel|error [--suite S]
                       vigil publish event incident --incident ID --env E [--state detected|resolved]""";
    }
}
