package dev.vigil.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.config.Config;
import dev.vigil.common.config.SharedFields;
import dev.vigil.common.json.Json;
import dev.vigil.schemas.RejectedInput;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code vigil replay-rejected}: the operator's view of vigil.ingest-rejected. Lists what ingest
 * refused, exports one refusal's body and metadata so it can be fixed, and re-POSTs original or
 * fixed bodies to ingest under a publisher key of the record's own tenant. Reading never joins a
 * consumer group, so it moves nobody's offsets; the topic is left as it is (a replay that is
 * refused again becomes a new refusal, which ingest keeps like any other).
 */
final class ReplayRejectedCommand implements Command {

    static final String CONSUMER_PREFIX = "vigil.kafka.consumer.";

    /** Headers ingest kept that must not be sent again: connection handling, or set here. */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "host",
            "connection",
            "content-length",
            "content-type",
            "transfer-encoding",
            "expect",
            "upgrade",
            "keep-alive",
            "te",
            "trailer",
            "accept-encoding",
            "user-agent",
            "accept",
            "authorization",
            "x-api-key");

    static final Set<String> OPTIONS = Set.of(
            "tenant",
            "since",
            "type",
            "status",
            "id",
            "export",
            "body",
            "dry-run",
            "all",
            "url",
            "key-file",
            "key",
            "keys",
            "timeout",
            "max-attempts",
            "max-time");

    private final CliArgs args;
    private final PublishCommand.Env env;
    private final HttpClient http;
    private final PrintStream out;
    private final PrintStream err;

    ReplayRejectedCommand(CliArgs args, PublishCommand.Env env, HttpClient http, PrintStream out, PrintStream err) {
        this.args = args;
        this.env = env;
        this.http = http;
        this.out = out;
        this.err = err;
    }

    @Override
    public int run() {
        args.requireKnownOptions("vigil replay-rejected", OPTIONS);
        String action = args.positional().isEmpty()
                ? (args.option("export").isPresent() ? "export" : "list")
                : args.positional().get(0);
        if (!List.of("list", "export", "replay").contains(action)
                || args.positional().size() > 1) {
            throw new CliArgs.UsageException("usage: " + usage());
        }
        // Check the cheap things before reading the topic.
        Predicate<RejectedInput> filter = filter();
        if (action.equals("export")
                && (args.option("id").isEmpty() || args.option("export").isEmpty())) {
            throw new CliArgs.UsageException("export needs --id ID and --export DIR");
        }
        if (action.equals("replay")) {
            if (args.option("body").isPresent() && args.option("id").isEmpty()) {
                throw new CliArgs.UsageException("--body replaces one record's body: give its --id");
            }
            if (args.option("id").isEmpty() && !hasFilter() && !args.flag("all")) {
                throw new CliArgs.UsageException(
                        "replay needs --id ID, a filter (--tenant, --since, --type, --status) or --all");
            }
        }

        List<ReplayRejectedReader.Entry> entries = read();
        entries.stream()
                .filter(e -> e.value() == null)
                .forEach(e -> err.println("replay-rejected: record at partition " + e.partition() + " offset "
                        + e.offset() + " cannot be read (" + e.unreadable() + "); skipped"));
        List<RejectedInput> selected = entries.stream()
                .map(ReplayRejectedReader.Entry::value)
                .filter(v -> v != null && filter.test(v))
                .toList();
        if (args.option("id").isPresent() && selected.isEmpty()) {
            err.println("replay-rejected: no rejected input with id "
                    + args.option("id").get() + (hasFilter() ? " matching the filters" : ""));
            return 1;
        }
        return switch (action) {
            case "export" ->
                export(selected.get(0), Path.of(args.option("export").get()));
            case "replay" -> replay(selected);
            default -> list(selected);
        };
    }

    private List<ReplayRejectedReader.Entry> read() {
        Config config =
                args.resolve(List.of(SharedFields.KAFKA_BOOTSTRAP_SERVERS, SharedFields.TOPIC_PREFIX), Map.of());
        Topics topics = Topics.withPrefix(config.get(SharedFields.TOPIC_PREFIX));
        Duration timeout =
                args.option("timeout").map(PublishClient.Durations::parse).orElse(Duration.ofSeconds(60));
        return ReplayRejectedReader.readAll(
                config.get(SharedFields.KAFKA_BOOTSTRAP_SERVERS),
                config.withPrefix(CONSUMER_PREFIX),
                topics.ingestRejected(),
                timeout);
    }

    private boolean hasFilter() {
        return List.of("tenant", "since", "type", "status").stream()
                .anyMatch(f -> args.option(f).isPresent());
    }

    Predicate<RejectedInput> filter() {
        Predicate<RejectedInput> p = r -> true;
        Optional<String> id = args.option("id");
        if (id.isPresent()) {
            p = p.and(r -> r.getId().equals(id.get()));
        }
        Optional<String> tenant = args.option("tenant");
        if (tenant.isPresent()) {
            p = p.and(r -> tenant.get().equals(r.getTenant()));
        }
        Optional<String> type = args.option("type");
        if (type.isPresent()) {
            String t = type.get().trim();
            p = p.and(r -> r.getProblemType().equals(t)
                    || PublishClient.slug(r.getProblemType()).equals(t));
        }
        Optional<String> status = args.option("status");
        if (status.isPresent()) {
            int s;
            try {
                s = Integer.parseInt(status.get().trim());
            } catch (NumberFormatException e) {
                throw new CliArgs.UsageException("--status takes an HTTP status like 400, not '" + status.get() + "'");
            }
            p = p.and(r -> r.getStatus() == s);
        }
        Optional<String> since = args.option("since");
        if (since.isPresent()) {
            Instant from = since(since.get(), env.clock().instant());
            p = p.and(r -> !r.getReceivedAt().isBefore(from));
        }
        return p;
    }

    /** {@code --since}: an instant (2026-05-01T00:00:00Z), a date (2026-05-01, UTC) or a time ago (24h, 7d). */
    static Instant since(String value, Instant now) {
        String v = value.trim();
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            // not an instant
        }
        try {
            return java.time.LocalDate.parse(v)
                    .atStartOfDay(java.time.ZoneOffset.UTC)
                    .toInstant();
        } catch (DateTimeParseException e) {
            // not a date
        }
        try {
            return now.minus(PublishClient.Durations.parse(v));
        } catch (CliArgs.UsageException e) {
            throw new CliArgs.UsageException(
                    "--since takes an instant (2026-05-01T00:00:00Z), a date (2026-05-01) or a time ago (24h, 7d), not '"
                            + value + "'");
        }
    }

    private int list(List<RejectedInput> selected) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "TIME", "TENANT", "STATUS", "TYPE", "REASON", "POINTER"});
        for (RejectedInput r : selected) {
            rows.add(new String[] {
                r.getId(),
                r.getReceivedAt().truncatedTo(ChronoUnit.SECONDS).toString(),
                String.valueOf(r.getTenant()),
                String.valueOf(r.getStatus()),
                PublishClient.slug(r.getProblemType()),
                PublishClient.oneLine(r.getReason(), 80),
                r.getPointer() == null ? "-" : r.getPointer()
            });
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : pad(row[i], widths[i] + 2));
            }
            out.println(line.toString().stripTrailing());
        }
        err.println("replay-rejected: " + selected.size() + " rejected input(s)");
        return 0;
    }

    private int export(RejectedInput r, Path dir) {
        String name = r.getId().replaceAll("[^A-Za-z0-9._-]", "_");
        byte[] body = bytes(r.getBody());
        boolean json = r.getContentType() != null
                && r.getContentType().toLowerCase(Locale.ROOT).contains("json");
        Path bodyFile = dir.resolve(name + (json ? ".body.json" : ".body"));
        Path metaFile = dir.resolve(name + ".meta.json");
        ObjectNode meta = Json.mapper().createObjectNode();
        meta.put("id", r.getId());
        meta.put("tenant", r.getTenant());
        meta.put("receivedAt", r.getReceivedAt().toString());
        meta.put("method", r.getMethod());
        meta.put("path", r.getPath());
        meta.put("contentType", r.getContentType());
        ObjectNode headers = meta.putObject("headers");
        r.getHeaders().forEach((k, v) -> headers.put(k, v));
        meta.put("status", r.getStatus());
        meta.put("problemType", r.getProblemType());
        meta.put("reason", r.getReason());
        meta.put("pointer", r.getPointer());
        meta.put("bodyFile", bodyFile.getFileName().toString());
        meta.put("bodySize", body.length);
        meta.put("bodySha256", sha256(body));
        try {
            Files.createDirectories(dir);
            Files.write(bodyFile, body);
            Json.mapper().writerWithDefaultPrettyPrinter().writeValue(metaFile.toFile(), meta);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + dir + ": " + e.getMessage(), e);
        }
        out.println(bodyFile);
        out.println(metaFile);
        err.println("replay-rejected: fix " + bodyFile + (r.getPointer() == null ? "" : " at " + r.getPointer()) + " ("
                + PublishClient.oneLine(r.getReason(), 200) + "), then: vigil replay-rejected replay --id " + r.getId()
                + " --body " + bodyFile);
        return 0;
    }

    private int replay(List<RejectedInput> selected) {
        boolean dryRun = args.flag("dry-run");
        URI base = PublishCommand.endpoint(args, env.variables());
        Map<String, String> keys = dryRun && !keysGiven() ? Map.of() : keys();
        byte[] fixed = args.option("body").map(ReplayRejectedCommand::readBody).orElse(null);
        PublishClient client =
                new PublishClient(http, PublishClient.RetryPolicy.from(args), env.clock(), env.sleeper(), Math::random);
        int replayed = 0;
        int failed = 0;
        for (RejectedInput r : selected) {
            String id = r.getId();
            byte[] body = fixed != null ? fixed : bytes(r.getBody());
            String path = r.getPath();
            if (!"POST".equals(r.getMethod()) || !path.startsWith("/")) {
                out.println("skipped   " + id + "  not a POST to a path (" + r.getMethod() + " " + path + ")");
                failed++;
                continue;
            }
            URI uri = base.resolve(path.substring(1));
            String key = r.getTenant() == null ? null : keys.get(r.getTenant());
            if (dryRun) {
                out.println("would replay " + id + "  POST " + uri + "  " + r.getContentType() + ", " + body.length
                        + " bytes" + (fixed != null ? " (fixed body)" : "") + ", tenant " + r.getTenant()
                        + (key == null && keysGiven() ? " - NO KEY for this tenant" : ""));
                continue;
            }
            if (key == null) {
                out.println("skipped   " + id + "  no publisher key for tenant '" + r.getTenant()
                        + "' (--keys FILE, or --tenant with VIGIL_API_KEY/--key-file)");
                failed++;
                continue;
            }
            PublishClient.Result result;
            try {
                result = client.post(uri, r.getContentType(), body, key, forwardedHeaders(r));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("replay-rejected: interrupted while replaying " + id);
                return PublishCommand.UNAVAILABLE;
            }
            if (result instanceof PublishClient.Result.Accepted a) {
                out.println("replayed  " + id + "  " + a.status() + "  records " + String.join(",", a.recordIds()));
                replayed++;
            } else {
                out.println("failed    " + id + "  " + PublishClient.describe(result));
                failed++;
            }
        }
        if (dryRun) {
            err.println("replay-rejected: dry run, " + selected.size() + " input(s) would be replayed; nothing sent");
            return 0;
        }
        err.println("replay-rejected: " + replayed + " replayed, " + failed + " not");
        return failed == 0 ? 0 : 1;
    }

    private boolean keysGiven() {
        return args.option("keys").isPresent()
                || args.option("key-file").isPresent()
                || env.variables().get("VIGIL_API_KEY") != null;
    }

    /**
     * Publisher keys by tenant. Ingest takes the tenant from the key, so a key is only ever used
     * for records of the tenant the operator said it belongs to: {@code --keys FILE} maps
     * tenant=key; one key (VIGIL_API_KEY or --key-file) serves only the {@code --tenant} filter.
     */
    private Map<String, String> keys() {
        Map<String, String> keys = new LinkedHashMap<>();
        if (args.option("keys").isPresent()) {
            Path file = Path.of(args.option("keys").get());
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (IOException e) {
                throw new CliArgs.UsageException("--keys " + file + " cannot be read");
            }
            props.stringPropertyNames()
                    .forEach(t -> keys.put(t.trim(), props.getProperty(t).strip()));
            return keys;
        }
        String key = PublishCommand.apiKey(args, env.variables());
        String tenant = args.option("tenant")
                .orElseThrow(
                        () -> new CliArgs.UsageException(
                                "replay with one key needs --tenant T (the key's tenant), or --keys FILE with tenant=key lines"));
        keys.put(tenant, key);
        return keys;
    }

    private static Map<String, String> forwardedHeaders(RejectedInput r) {
        Map<String, String> headers = new LinkedHashMap<>();
        r.getHeaders().forEach((name, value) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(n) && !n.startsWith("proxy-") && !n.startsWith(":")) {
                headers.put(name, value);
            }
        });
        headers.put("X-Vigil-Replay-Of", r.getId());
        return headers;
    }

    private static byte[] readBody(String file) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new CliArgs.UsageException("--body " + file + " cannot be read");
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    static String usage() {
        return """
                vigil replay-rejected list [--tenant T] [--since 24h|2026-05-01] [--type invalid-field] [--status 400]
                       vigil replay-rejected export --id ID --export DIR
                       vigil replay-rejected replay --url URL (--id ID [--body FIXED] | filters | --all) [--dry-run]
                                             [--keys tenant-keys.properties | --tenant T with VIGIL_API_KEY]""";
    }
}
