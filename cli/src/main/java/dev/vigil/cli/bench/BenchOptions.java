package dev.vigil.cli.bench;

import dev.vigil.cli.CliArgs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The options of {@code vigil bench}, validated (a bad one is a usage error, exit 2). */
record BenchOptions(
        Path out,
        /* null: <out>/data */
        Path data,
        boolean keepData,
        int tenants,
        int repositories,
        double stepSeconds,
        double startRate,
        double rateFactor,
        int maxSteps,
        double halfSeconds,
        /* soak length, null without --duration */
        Duration soak,
        /* fixed soak rate (inputs/s), null: half the saturation rate found by the ramp */
        Double rate,
        int concurrency,
        boolean skipCeilings,
        int ceilingInputs,
        long seed,
        double probeFraction,
        Duration readyTimeout,
        boolean quick,
        boolean external,
        String kafka,
        String elasticsearch,
        String ingestUrl,
        String auditApiUrl,
        Path tenantKeys,
        Map<String, Long> pids,
        /* length of the closing ingest-capacity phase (as fast as the HTTP clients go); 0 skips it */
        double ingestSeconds) {

    /** Options that take no value. */
    static final Set<String> FLAGS = Set.of("quick", "skip-ceilings", "external", "keep-data");

    static final Set<String> KNOWN = Set.of(
            "out",
            "tenants",
            "repos",
            "step-seconds",
            "start-rate",
            "rate-factor",
            "max-steps",
            "half-seconds",
            "ingest-seconds",
            "duration",
            "rate",
            "concurrency",
            "skip-ceilings",
            "ceiling-inputs",
            "quick",
            "seed",
            "probe-fraction",
            "ready-timeout-seconds",
            "keep-data",
            "external",
            "kafka",
            "elasticsearch",
            "ingest-url",
            "audit-api-url",
            "tenant-keys",
            "pids");

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    static BenchOptions parse(CliArgs cli, Clock clock) {
        cli.requireKnownOptions("bench", KNOWN);
        if (!cli.positional().isEmpty()) {
            throw new CliArgs.UsageException(
                    "unexpected argument " + cli.positional().get(0));
        }
        boolean quick = cli.flag("quick");
        Path out = Path.of(cli.option("out").orElse("bench-results/" + STAMP.format(clock.instant())))
                .toAbsolutePath()
                .normalize();
        String dataDir = cli.overrides().get("vigil.data-dir");
        Path data = dataDir == null ? null : Path.of(dataDir).toAbsolutePath().normalize();
        int tenants = integer(cli, "tenants", quick ? 2 : 4, 1, 1000);
        int repos = integer(cli, "repos", quick ? 5 : 50, 1, 100_000);
        double stepSeconds = number(cli, "step-seconds", quick ? 5 : 20, 1, 3600);
        double startRate = number(cli, "start-rate", 25, 0.1, 1_000_000);
        double factor = number(cli, "rate-factor", 1.5, 1.01, 100);
        int maxSteps = integer(cli, "max-steps", quick ? 3 : 12, 1, 1000);
        double halfSeconds = number(cli, "half-seconds", quick ? 5 : 60, 1, 86_400);
        double ingestSeconds = number(cli, "ingest-seconds", quick ? 3 : 15, 0, 3600);
        Duration soak = cli.option("duration").map(BenchOptions::duration).orElse(null);
        Double rate = cli.option("rate").isPresent() ? number(cli, "rate", 0, 0.1, 1_000_000) : null;
        int concurrency = integer(cli, "concurrency", 32, 1, 4096);
        int ceilingInputs = integer(cli, "ceiling-inputs", quick ? 300 : 5000, 1, 10_000_000);
        long seed =
                cli.option("seed").map(s -> parse("seed", s, Long::parseLong)).orElse(42L);
        double probeFraction = number(cli, "probe-fraction", 0.05, 0.0, 1.0);
        Duration ready = Duration.ofSeconds(integer(cli, "ready-timeout-seconds", 240, 5, 3600));
        boolean external = cli.flag("external");
        Path tenantKeys = cli.option("tenant-keys").map(Path::of).orElse(null);
        if (external) {
            for (String required :
                    new String[] {"kafka", "elasticsearch", "ingest-url", "audit-api-url", "tenant-keys"}) {
                if (cli.option(required).isEmpty()) {
                    throw new CliArgs.UsageException("--external needs --" + required);
                }
            }
        } else {
            for (String externalOnly :
                    new String[] {"kafka", "elasticsearch", "ingest-url", "audit-api-url", "tenant-keys"}) {
                if (cli.option(externalOnly).isPresent()) {
                    throw new CliArgs.UsageException("--" + externalOnly + " goes with --external");
                }
            }
        }
        if (rate != null && soak == null) {
            throw new CliArgs.UsageException("--rate goes with --duration (the soak's fixed rate)");
        }
        return new BenchOptions(
                out,
                data,
                cli.flag("keep-data"),
                tenants,
                repos,
                stepSeconds,
                startRate,
                factor,
                maxSteps,
                halfSeconds,
                soak,
                rate,
                concurrency,
                cli.flag("skip-ceilings"),
                ceilingInputs,
                seed,
                probeFraction,
                ready,
                quick,
                external,
                cli.option("kafka").orElse(null),
                cli.option("elasticsearch").orElse(null),
                cli.option("ingest-url").orElse(null),
                cli.option("audit-api-url").orElse(null),
                tenantKeys,
                pids(cli.option("pids").orElse("")),
                ingestSeconds);
    }

    /** The bench's own settings for {@link BenchResult#settings()}, as {@code bench.<option>}. */
    Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bench.tenants", Integer.toString(tenants));
        s.put("bench.repos", Integer.toString(repositories));
        s.put("bench.step-seconds", num(stepSeconds));
        s.put("bench.start-rate", num(startRate));
        s.put("bench.rate-factor", num(rateFactor));
        s.put("bench.max-steps", Integer.toString(maxSteps));
        s.put("bench.half-seconds", num(halfSeconds));
        s.put("bench.ingest-seconds", num(ingestSeconds));
        if (soak != null) {
            s.put("bench.duration", soak.toString());
        }
        if (rate != null) {
            s.put("bench.rate", num(rate));
        }
        s.put("bench.concurrency", Integer.toString(concurrency));
        s.put("bench.skip-ceilings", Boolean.toString(skipCeilings));
        s.put("bench.ceiling-inputs", Integer.toString(ceilingInputs));
        s.put("bench.seed", Long.toString(seed));
        s.put("bench.probe-fraction", num(probeFraction));
        s.put("bench.quick", Boolean.toString(quick));
        return s;
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 500ms} or ISO-8601 ({@code PT30M}). */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt")) {
                return positive(Duration.parse(t.toUpperCase(Locale.ROOT)), text);
            }
            if (t.endsWith("ms")) {
                return positive(Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))), text);
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return positive(
                    switch (t.charAt(t.length() - 1)) {
                        case 's' -> Duration.ofSeconds(n);
                        case 'm' -> Duration.ofMinutes(n);
                        case 'h' -> Duration.ofHours(n);
                        default -> throw new NumberFormatException();
                    },
                    text);
        } catch (RuntimeException e) {
            throw new CliArgs.UsageException("--duration must look like 90s, 30m or 2h, got '" + text + "'");
        }
    }

    private static Duration positive(Duration d, String text) {
        if (d.isNegative() || d.isZero()) {
            throw new CliArgs.UsageException("--duration must be positive, got '" + text + "'");
        }
        return d;
    }

    /** {@code name=pid,name=pid}: processes the bench did not start, sampled like its own. */
    static Map<String, Long> pids(String text) {
        Map<String, Long> pids = new LinkedHashMap<>();
        if (text.isBlank()) {
            return pids;
        }
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new CliArgs.UsageException("--pids needs name=pid[,name=pid...], got '" + part + "'");
            }
            long pid = parse("pids", part.substring(eq + 1).trim(), Long::parseLong);
            if (pid <= 0) {
                throw new CliArgs.UsageException("--pids: pid must be positive, got '" + part + "'");
            }
            pids.put(part.substring(0, eq).trim(), pid);
        }
        return pids;
    }

    private static int integer(CliArgs cli, String name, int def, int min, int max) {
        int v = cli.option(name).map(s -> parse(name, s, Integer::parseInt)).orElse(def);
        if (v < min || v > max) {
            throw new CliArgs.UsageException("--" + name + " must be " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    private static double number(CliArgs cli, String name, double def, double min, double max) {
        double v =
                cli.option(name).map(s -> parse(name, s, Double::parseDouble)).orElse(def);
        if (!(v >= min && v <= max)) {
            throw new CliArgs.UsageException("--" + name + " must be " + num(min) + ".." + num(max) + ", got " + v);
        }
        return v;
    }

    private static <T> T parse(String name, String text, Function<String, T> parser) {
        try {
            return parser.apply(text.trim());
        } catch (RuntimeException e) {
            throw new CliArgs.UsageException("--" + name + " must be a number, got '" + text + "'");
        }
    }

    static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
