package dev.vigil.cli.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of a {@link PipelineDriver} over all its steps, for the per-second samples: read
 * from any thread while the driver runs.
 */
public final class DriverCounters {

    static final int MAX_FAILURES_KEPT = 20;

    final LongAdder sent = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder recordsAccepted = new LongAdder();
    final LongAdder lateSends = new LongAdder();
    final LongAdder probesSeen = new LongAdder();
    final LongAdder probesNotSeen = new LongAdder();
    final LongAdder searchesFailed = new LongAdder();
    final AtomicLong probesPending = new AtomicLong();
    final AtomicLong maxSendDelayNanos = new AtomicLong();
    private final Map<BenchInput.Mix, LongAdder> acceptedByMix = new EnumMap<>(BenchInput.Mix.class);
    private final List<String> failures = new ArrayList<>();
    private double[] searchable = new double[64];
    private int searchableCount;

    DriverCounters() {
        for (BenchInput.Mix m : BenchInput.Mix.values()) {
            acceptedByMix.put(m, new LongAdder());
        }
    }

    /** Inputs answered 202, per kind. */
    public Map<BenchInput.Mix, Long> acceptedByMix() {
        Map<BenchInput.Mix, Long> out = new EnumMap<>(BenchInput.Mix.class);
        acceptedByMix.forEach((m, n) -> out.put(m, n.sum()));
        return out;
    }

    void accepted(BenchInput.Mix mix) {
        acceptedByMix.get(mix).increment();
    }

    public long sent() {
        return sent.sum();
    }

    public long accepted() {
        return accepted.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public long recordsAccepted() {
        return recordsAccepted.sum();
    }

    public long probesPending() {
        return probesPending.get();
    }

    /** Probes found through audit-api so far. */
    public long probesSeen() {
        return probesSeen.sum();
    }

    /** Probes given up on after the grace period (they have no latency). */
    public long probesNotSeen() {
        return probesNotSeen.sum();
    }

    /**
     * Sends that started more than {@value PipelineDriver#LATE_MS} ms after their scheduled time: all
     * {@code concurrency} connections were busy (the pipeline answers slower than the offered rate)
     * or the sender itself could not keep up. Their latency still counts from the scheduled time.
     * When accept p50 (s) × offered rate approaches the concurrency, the client's connections, not the
     * pipeline, are the limit (Little's law): raise the concurrency.
     */
    public long lateSends() {
        return lateSends.sum();
    }

    /** The largest delay between a send's scheduled time and its start, ms. */
    public double maxSendDelayMs() {
        return maxSendDelayNanos.get() / 1e6;
    }

    /** Probe searches audit-api did not answer 200. */
    public long searchesFailed() {
        return searchesFailed.sum();
    }

    /** The first failures (status or exception, kind, path, problem body excerpt); never a key. */
    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    /** The searchable latencies (ms) of the probes seen since the last call, for the per-second sample. */
    public synchronized double[] takeSearchableLatenciesMs() {
        double[] out = java.util.Arrays.copyOf(searchable, searchableCount);
        searchableCount = 0;
        if (searchable.length > 4096) {
            searchable = new double[64];
        }
        return out;
    }

    synchronized void searchableSeen(double ms) {
        if (searchableCount >= 1 << 20) {
            return; // nobody takes them: keep memory bounded
        }
        if (searchableCount == searchable.length) {
            searchable = java.util.Arrays.copyOf(searchable, searchable.length * 2);
        }
        searchable[searchableCount++] = ms;
    }

    synchronized void failure(String description) {
        if (failures.size() < MAX_FAILURES_KEPT) {
            failures.add(description);
        }
    }
}
