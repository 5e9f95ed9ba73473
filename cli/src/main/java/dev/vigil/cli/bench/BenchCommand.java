package dev.vigil.cli.bench;

import dev.vigil.cli.CliArgs;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * {@code vigil bench}: measures the box's ceilings, then drives the whole pipeline over HTTP at stepped rates until
 * saturation ({@link Saturation}), then at half the sustained rate, optionally soaks ({@code --duration}), and writes
 * {@code bench-result.json} and {@code bench-report.html} into {@code --out}. Phases:
 *
 * <ol>
 *   <li>environment: host, cores, memory, load average; the cluster ({@link BenchCluster}, embedded or external);
 *   <li>ceilings ({@link Ceilings}) on the same servers and generated documents, unless {@code --skip-ceilings};
 *   <li>warm-up: up to 10 s at half the first rate (cold JVMs), in the timeline but not a step;
 *   <li>steps: {@code --start-rate} inputs/s, times {@code --rate-factor} each step, {@code --step-seconds} each, at
 *       most {@code --max-steps}, until a step saturates; between steps the backlog drains (bounded);
 *   <li>half: {@code --half-seconds} at half the sustained step's offered rate (skipped in soak mode);
 *   <li>soak ({@code --duration}): at {@code --rate}, or at half the saturation rate found by the ramp;
 *   <li>result: JSON, HTML, console summary.
 * </ol>
 *
 * Exit 0 when the run completed (missed targets are reported, not failures), 1 when it failed, 2 on a usage error.
 */
public final class BenchCommand {

    /** Options of {@code vigil bench} that take no value. */
    public static final Set<String> BOOLEAN_FLAGS = BenchOptions.FLAGS;

    static final String RESULT_FILE = "bench-result.json";
    static final String REPORT_FILE = "bench-report.html";

    private final CliArgs cli;
    private final PrintStream out;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    /** Set when Elasticsearch's _count could not be read for a step: its searchable rate is the index stage rate. */
    private final AtomicBoolean searchableFromOffsets = new AtomicBoolean();

    public BenchCommand(CliArgs cli, PrintStream out) {
        this.cli = cli;
        this.out = out;
    }

    public int run() {
        BenchOptions opts = BenchOptions.parse(cli, Clock.systemUTC());
        try {
            Files.createDirectories(opts.out());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + opts.out() + ": " + e.getMessage(), e);
        }
        Progress progress = new Progress(out, System.console() != null);
        AtomicReference<BenchCluster> cluster = new AtomicReference<>();
        Thread hook = new Thread(
                () -> {
                    cancelled.set(true);
                    BenchCluster c = cluster.get();
                    if (c != null) {
                        c.close();
                    }
                },
                "vigil-bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            BenchResult result = execute(opts, progress, cluster);
            Path json = opts.out().resolve(RESULT_FILE);
            Path html = opts.out().resolve(REPORT_FILE);
            try {
                BenchResult.json().writeValue(json.toFile(), result);
                HtmlReport.write(result, html);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the result into " + opts.out() + ": " + e.getMessage(), e);
            }
            progress.done();
            out.println(ConsoleSummary.render(result));
            out.println("result: " + json);
            out.println("report: " + html);
            return 0;
        } finally {
            progress.done();
            BenchCluster c = cluster.get();
            if (c != null) {
                out.println("vigil bench: stopping the cluster ...");
                c.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs
            }
        }
    }

    private BenchResult execute(BenchOptions opts, Progress progress, AtomicReference<BenchCluster> clusterRef) {
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        double loadAtStart = loadAverage();
        List<String> notes = new ArrayList<>();

        progress.note("vigil bench: starting the " + (opts.external() ? "external" : "embedded") + " cluster");
        BenchCluster cluster =
                opts.external() ? BenchCluster.external(opts, cli) : BenchCluster.embedded(opts, cli, progress::note);
        clusterRef.set(cluster);
        if (cancelled.get()) {
            throw new IllegalStateException("cancelled");
        }
        BenchResult.Environment environment = environment(opts, cluster, loadAtStart);
        Map<String, String> settings = new LinkedHashMap<>(opts.settings());
        settings.putAll(cluster.settings());

        Map<String, Long> pids = new LinkedHashMap<>(cluster.pids());
        pids.put("bench", ProcessHandle.current().pid());
        ProcessSampler processes = new ProcessSampler(pids);
        if (!Files.isReadable(Path.of("/proc/self/stat"))) {
            notes.add("no /proc on this system: CPU and RSS per process were not measured");
        }
        List<BenchResult.Ceiling> ceilings = new ArrayList<>();
        List<BenchResult.Step> steps = new ArrayList<>();
        BenchResult.Sustained sustained = null;
        List<BenchResult.ProcessStats> processStats;
        List<BenchResult.Sample> timeline;

        try (LagSampler lag = new LagSampler(
                        cluster.kafkaBootstrap(),
                        cluster.topics(),
                        cluster.streamsGroup(),
                        cluster.indexerGroup(),
                        cluster.elasticsearchUrl(),
                        cluster.trailAlias());
                Timeline tl = new Timeline(t0, processes, lag, progress)) {
            tl.start();

            // ceilings
            if (opts.skipCeilings()) {
                notes.add("ceilings skipped (--skip-ceilings): no ratios");
            } else {
                tl.phase("ceilings", 0);
                progress.phase("ceilings (" + opts.ceilingInputs() + " generated inputs)", 0);
                try {
                    List<BenchInput> inputs =
                            Workload.sample(opts.seed(), cluster.tenants(), opts.repositories(), opts.ceilingInputs());
                    String scratch =
                            "vigil-bench-ceiling-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4)) + "-";
                    ceilings.addAll(new Ceilings(cluster.kafkaBootstrap(), cluster.elasticsearchUrl(), scratch)
                            .measure(inputs, progress::note));
                } catch (RuntimeException e) {
                    notes.add("ceilings failed: " + e.getMessage());
                    progress.note("vigil bench: ceilings failed: " + e.getMessage());
                }
            }

            // the pipeline
            long pipelineStart = System.nanoTime();
            long pipelineEnd = pipelineStart;
            long accepted = 0;
            Long soakStart = null;
            Workload workload = new Workload(opts.seed(), cluster.tenants(), opts.repositories(), opts.probeFraction());
            try (PipelineDriver driver = new PipelineDriver(cluster.endpoints(), workload, opts.concurrency())) {
                tl.counters(driver.counters());
                Phases phases = new Phases(driver, lag, tl, progress);
                boolean ramp = opts.soak() == null || opts.rate() == null;
                if (!cancelled.get()) {
                    // Cold JVMs (JIT, first index and topic writes, connection pools) would be measured as the first
                    // step's latency: a short warm-up at half the first rate, in the timeline but not a step.
                    double warm = (opts.rate() != null && !ramp ? opts.rate() : opts.startRate()) / 2;
                    double warmSeconds = Math.min(10, opts.stepSeconds());
                    tl.phase("warmup", warm);
                    progress.phase(
                            String.format(Locale.ROOT, "warm-up %.0f s at %.1f inputs/s", warmSeconds, warm),
                            warmSeconds);
                    driver.run("warmup", warm, Duration.ofMillis((long) (warmSeconds * 1000)), cancelled::get);
                    phases.drain(warm, opts.stepSeconds());
                    notes.add(String.format(
                            Locale.ROOT,
                            "warm-up: %.0f s at %.1f inputs/s before the first step (in the timeline, not a step,"
                                    + " nor in the CPU per event)",
                            warmSeconds,
                            warm));
                }
                pipelineStart = System.nanoTime();
                if (ramp) {
                    double rate = opts.startRate();
                    for (int i = 0; i < opts.maxSteps() && !cancelled.get(); i++) {
                        String label =
                                String.format(Locale.ROOT, "step %d/%d at %.1f inputs/s", i + 1, opts.maxSteps(), rate);
                        BenchResult.Step step = phases.run("step", label, rate, opts.stepSeconds(), t0);
                        steps.add(step);
                        if (step.saturated()) {
                            notes.add(String.format(
                                    Locale.ROOT,
                                    "step %d (%.1f inputs/s offered) saturated: %s",
                                    i + 1,
                                    rate,
                                    step.saturationReason()));
                            break;
                        }
                        phases.drain(rate, opts.stepSeconds());
                        rate *= opts.rateFactor();
                    }
                    sustained = sustained(steps, notes, opts);
                }
                if (sustained != null && opts.soak() == null && !cancelled.get()) {
                    double half = sustained.atOfferedInputsPerSecond() / 2;
                    phases.drain(sustained.atOfferedInputsPerSecond(), opts.stepSeconds());
                    steps.add(phases.run(
                            "half",
                            String.format(Locale.ROOT, "half at %.1f inputs/s", half),
                            half,
                            opts.halfSeconds(),
                            t0));
                }
                if (opts.soak() != null && !cancelled.get()) {
                    double rate = opts.rate() != null
                            ? opts.rate()
                            : sustained == null ? opts.startRate() : sustained.atOfferedInputsPerSecond() / 2;
                    if (sustained != null) {
                        phases.drain(sustained.atOfferedInputsPerSecond(), opts.stepSeconds());
                    }
                    soakStart = System.nanoTime();
                    steps.add(phases.run(
                            "soak",
                            String.format(Locale.ROOT, "soak %s at %.1f inputs/s", opts.soak(), rate),
                            rate,
                            opts.soak().toMillis() / 1000.0,
                            t0));
                }
                pipelineEnd = System.nanoTime();
                accepted = steps.stream()
                        .mapToLong(BenchResult.Step::inputsAccepted)
                        .sum();
                if (opts.soak() == null && opts.ingestSeconds() > 0 && !cancelled.get()) {
                    // The pipeline saturates in streams long before ingest does, so the steps never show what HTTP
                    // ingest takes. Last (the backlog it leaves does not disturb another phase): the same mix offered
                    // far faster than the clients can send, so the accepted rate is ingest's own capacity.
                    double offered = Math.max(
                            5_000, 20 * (sustained == null ? opts.startRate() : sustained.atOfferedInputsPerSecond()));
                    phases.drain(sustained == null ? opts.startRate() : sustained.atOfferedInputsPerSecond(), 5);
                    // Its probes queue behind the backlog it creates: their latency is not what this phase measures.
                    driver.probeGrace(Duration.ofSeconds(1));
                    steps.add(phases.run(
                            "ingest",
                            String.format(
                                    Locale.ROOT,
                                    "ingest capacity %.0f s, %d clients",
                                    opts.ingestSeconds(),
                                    opts.concurrency()),
                            offered,
                            opts.ingestSeconds(),
                            t0));
                }
                tl.phase("done", 0);
            }
            processStats = processes.stats(pipelineStart, pipelineEnd, accepted, soakStart);
            tl.close();
            timeline = tl.samples();
        }
        if (cancelled.get()) {
            notes.add("cancelled (Ctrl-C): the result holds what ran until then");
        }
        if (opts.soak() != null) {
            notes.add("soak: RSS slope per process = mean RSS of the soak's last tenth minus its first tenth, per hour"
                    + " (none for soaks under 2 minutes); lag and RSS over time are in the timeline");
        }
        List<BenchResult.Ratio> ratios = Ratios.compute(ceilings, steps, sustained, notes);
        notes.add("saturation rule: a step is saturated when accepted inputs/s < 0.9 x offered, failed requests > 1%,"
                + " the backlog (streams lag on the inputs + indexer lag on the trail) at its end exceeds 2 s of the"
                + " offered record rate and grew through the step, or the searchable p99 exceeds 10 s; stepping stops"
                + " at the first saturated step; sustained = the best non-saturated step's measured rates");
        notes.add("stage rates come from offsets: ingest = input topics' end-offset growth, evaluate = streams"
                + " group's committed growth on them, chain = audit-trail end-offset growth, index = indexer group's"
                + " committed growth; the trail is written in transactions, whose commit markers take offsets too,"
                + " so chain and index overstate records slightly");
        notes.add("searchable documents/s = growth of Elasticsearch _count on the trail alias " + cluster.trailAlias()
                + " (refreshed documents only, i.e. searchable)");
        if (searchableFromOffsets.get()) {
            notes.add("Elasticsearch _count could not be read for some steps: their searchable documents/s is the"
                    + " index stage rate (indexer committed offsets) instead");
        }
        notes.add("CPU seconds per event = a process's CPU seconds over the pipeline phases (drains included)"
                + " / the inputs accepted in them");
        return new BenchResult(
                version(),
                startedAt,
                Instant.now(),
                environment,
                settings,
                ceilings,
                steps,
                sustained,
                timeline,
                processStats,
                ratios,
                notes);
    }

    /** The best non-saturated step's measured rates; the first step's when it saturated already. */
    private static BenchResult.Sustained sustained(
            List<BenchResult.Step> steps, List<String> notes, BenchOptions opts) {
        int index = Saturation.sustainedIndex(steps);
        if (index < 0) {
            notes.add("no step ran: no sustained rate");
            return null;
        }
        BenchResult.Step s = steps.get(index);
        if (s.saturated()) {
            notes.add("already the first step was saturated: the sustained rates are that step's measured rates;"
                    + " lower --start-rate for a finer answer");
        } else if (steps.stream().noneMatch(BenchResult.Step::saturated)) {
            notes.add(String.format(
                    Locale.ROOT,
                    "no step saturated up to %.1f inputs/s (%d steps): the sustained rate is a lower bound;"
                            + " raise --max-steps or --start-rate",
                    steps.get(steps.size() - 1).offeredInputsPerSecond(),
                    steps.size()));
        }
        return new BenchResult.Sustained(
                s.acceptedInputsPerSecond(),
                s.acceptedRecordsPerSecond(),
                s.searchableDocumentsPerSecond(),
                s.offeredInputsPerSecond());
    }

    /** Runs one phase at one rate and turns the driver's figures and the offsets into a {@link BenchResult.Step}. */
    private final class Phases {
        private final PipelineDriver driver;
        private final LagSampler lag;
        private final Timeline tl;
        private final Progress progress;

        Phases(PipelineDriver driver, LagSampler lag, Timeline tl, Progress progress) {
            this.driver = driver;
            this.lag = lag;
            this.tl = tl;
            this.progress = progress;
        }

        BenchResult.Step run(String phase, String label, double rate, double seconds, long t0) {
            LagSampler.Snapshot before = lag.sample();
            long start = System.nanoTime();
            tl.phase(phase, rate);
            progress.phase(label, seconds);
            // Open-loop steps send every scheduled input, late or not (no coordinated omission); the ingest-capacity
            // phase offers more than the clients can send by design, so it stops sending at its duration instead.
            long stopAt = start + (long) (seconds * 1e9);
            BooleanSupplier stop =
                    "ingest".equals(phase) ? () -> cancelled.get() || System.nanoTime() >= stopAt : cancelled::get;
            DriverStep d = driver.run(phase, rate, Duration.ofMillis((long) (seconds * 1000)), stop);
            LagSampler.Snapshot after = lag.sample();
            long end = System.nanoTime();
            double sendSeconds = d.seconds() > 0 ? d.seconds() : seconds;
            double acceptedRate = d.accepted() / sendSeconds;
            double recordsRate = d.recordsAccepted() / sendSeconds;
            // Rates over the sending window: after it the driver waits (up to its probe grace) for probes, and a
            // window that included that wait would dilute every stage rate of a slow step.
            LagSampler.Snapshot sendEnd = tl.snapshotAt(start + (long) (sendSeconds * 1e9));
            if (sendEnd == null || sendEnd.nanos() - before.nanos() < 1_000_000_000L) {
                sendEnd = after;
            }
            Map<String, Double> stages = LagSampler.rates(before, sendEnd);
            double searchable;
            if (before.searchable() >= 0 && sendEnd.searchable() >= 0) {
                searchable = round1(LagSampler.searchableRate(before, sendEnd));
            } else {
                searchableFromOffsets.set(true);
                searchable = stages.getOrDefault("index", 0.0);
            }
            Map<String, Long> maxLag = new LinkedHashMap<>(tl.maxLag(start, end));
            after.lag().forEach((g, v) -> {
                if (v >= 0) {
                    maxLag.merge(g, v, Math::max);
                }
            });
            Double p99 = d.searchable() != null && d.searchable().count() > 0
                    ? d.searchable().p99()
                    : null;
            Optional<String> reason = Saturation.reason(new Saturation.Facts(
                    rate,
                    acceptedRate,
                    d.sent(),
                    d.failed(),
                    d.accepted() > 0 ? (double) d.recordsAccepted() / d.accepted() : 1,
                    before.backlog(),
                    after.backlog(),
                    p99));
            BenchResult.Step step = new BenchResult.Step(
                    phase,
                    rate,
                    tl.t(start),
                    round1((end - start) / 1e9),
                    d.sent(),
                    d.accepted(),
                    d.failed(),
                    d.recordsAccepted(),
                    round1(acceptedRate),
                    round1(recordsRate),
                    stages,
                    searchable,
                    d.accept(),
                    d.searchable(),
                    d.search(),
                    maxLag,
                    reason.isPresent(),
                    reason.orElse(null));
            progress.note(String.format(
                    Locale.ROOT,
                    "vigil bench: %s -> accepted %.1f/s (%d failed), searchable %.1f docs/s, p99 %s%s",
                    label,
                    acceptedRate,
                    d.failed(),
                    searchable,
                    p99 == null ? "-" : String.format(Locale.ROOT, "%.0f ms", p99),
                    reason.map(r -> ", SATURATED: " + r).orElse("")));
            return step;
        }

        /** Waits until the backlog is small and no probe is pending, at most max(10 s, min(120 s, 2 steps)). */
        void drain(double offered, double stepSeconds) {
            tl.phase("drain", 0);
            long deadline = System.nanoTime() + (long) (Math.max(10, Math.min(120, 2 * stepSeconds)) * 1e9);
            long small = Math.max(10, (long) (offered / 2));
            while (!cancelled.get() && System.nanoTime() < deadline) {
                LagSampler.Snapshot s = tl.latest();
                if (s != null
                        && s.streamsLag() >= 0
                        && s.backlog() <= small
                        && driver.counters().probesPending() == 0) {
                    return;
                }
                sleep(250);
            }
        }
    }

    private static BenchResult.Environment environment(BenchOptions opts, BenchCluster cluster, double load) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        long memory = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        return new BenchResult.Environment(
                host,
                Runtime.getRuntime().availableProcessors(),
                memory,
                System.getProperty("java.vm.name") + " " + Runtime.version(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                cluster.mode(),
                cluster.kafkaBootstrap(),
                cluster.elasticsearchUrl(),
                cluster.endpoints().ingestUrl(),
                cluster.endpoints().auditApiUrl(),
                load);
    }

    static double loadAverage() {
        try {
            String text = Files.readString(Path.of("/proc/loadavg")).trim();
            return Double.parseDouble(text.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }
    }

    private static String version() {
        String v = BenchCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
