package dev.vigil.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The once-a-second sample of the whole run ({@link BenchResult#timeline()}): driver counters, stage rates and lag
 * ({@link LagSampler}), searchable documents, CPU and RSS per process ({@link ProcessSampler}); each sample also feeds
 * the {@link Progress} live line. Only this class takes the driver's per-second searchable latencies.
 */
final class Timeline implements AutoCloseable {

    private final long t0;
    private final ProcessSampler processes;
    private final LagSampler lag;
    private final Progress progress;
    private final List<BenchResult.Sample> samples = new ArrayList<>();
    private final List<Long> sampleNanos = new ArrayList<>();
    private final List<LagSampler.Snapshot> snapshots = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-bench-timeline");
        t.setDaemon(true);
        return t;
    });
    private volatile String phase = "setup";
    private volatile double offered;
    private volatile DriverCounters counters;
    private volatile LagSampler.Snapshot latest;
    private LagSampler.Snapshot previous;
    private long previousNanos;
    private long previousAccepted;
    private long previousRecords;

    Timeline(long t0, ProcessSampler processes, LagSampler lag, Progress progress) {
        this.t0 = t0;
        this.processes = processes;
        this.lag = lag;
        this.progress = progress;
    }

    void start() {
        timer.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
    }

    /** What the next samples are labelled with. */
    void phase(String phase, double offeredInputsPerSecond) {
        this.phase = phase;
        this.offered = offeredInputsPerSecond;
    }

    synchronized void counters(DriverCounters counters) {
        this.counters = counters;
        this.previousAccepted = counters.accepted();
        this.previousRecords = counters.recordsAccepted();
    }

    /** The latest lag snapshot (null before the first second). */
    LagSampler.Snapshot latest() {
        return latest;
    }

    /** Seconds since the run started. */
    double t(long nanos) {
        return Math.round((nanos - t0) / 1e7) / 100.0;
    }

    synchronized List<BenchResult.Sample> samples() {
        return List.copyOf(samples);
    }

    /**
     * The last lag snapshot sampled at or before {@code nanos}, null if none: a phase's rates are taken over its
     * sending window, not over the probe wait that follows it.
     */
    synchronized LagSampler.Snapshot snapshotAt(long nanos) {
        for (int i = snapshots.size() - 1; i >= 0; i--) {
            LagSampler.Snapshot s = snapshots.get(i);
            if (s != null && s.nanos() <= nanos) {
                return s;
            }
        }
        return null;
    }

    /** Highest lag per group among the samples taken in {@code [fromNanos, toNanos]}. */
    synchronized Map<String, Long> maxLag(long fromNanos, long toNanos) {
        Map<String, Long> max = new LinkedHashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            long n = sampleNanos.get(i);
            if (n < fromNanos || n > toNanos || samples.get(i).lag() == null) {
                continue;
            }
            samples.get(i).lag().forEach((group, value) -> {
                if (value != null && value >= 0) {
                    max.merge(group, value, Math::max);
                }
            });
        }
        return max;
    }

    private void tick() {
        try {
            BenchResult.Sample sample = sampleNow();
            if (sample != null) {
                progress.live(sample);
            }
        } catch (RuntimeException e) {
            // one lost second; the next one tries again
        }
    }

    private synchronized BenchResult.Sample sampleNow() {
        long now = System.nanoTime();
        Map<String, BenchResult.ProcessSample> procs = processes.sample();
        LagSampler.Snapshot snapshot = lag == null ? null : lag.sample();
        latest = snapshot;
        double seconds = previousNanos == 0 ? 0 : (now - previousNanos) / 1e9;
        DriverCounters c = counters;
        double acceptedRate = 0;
        double recordsRate = 0;
        Double p99 = null;
        if (c != null) {
            long accepted = c.accepted();
            long records = c.recordsAccepted();
            if (seconds > 0) {
                acceptedRate = (accepted - previousAccepted) / seconds;
                recordsRate = (records - previousRecords) / seconds;
            }
            previousAccepted = accepted;
            previousRecords = records;
            double[] latencies = c.takeSearchableLatenciesMs();
            if (latencies.length > 0) {
                p99 = LatencyHistogram.of(latencies).p99();
            }
        }
        Map<String, Double> stages = Map.of();
        double searchable = 0;
        if (snapshot != null && previous != null) {
            stages = LagSampler.rates(previous, snapshot);
            searchable = LagSampler.searchableRate(previous, snapshot);
        }
        previous = snapshot;
        previousNanos = now;
        BenchResult.Sample sample = new BenchResult.Sample(
                t(now),
                phase,
                offered,
                round1(acceptedRate),
                round1(recordsRate),
                stages,
                round1(searchable),
                p99,
                snapshot == null ? null : snapshot.lag(),
                procs);
        samples.add(sample);
        sampleNanos.add(now);
        snapshots.add(snapshot);
        return sample;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
