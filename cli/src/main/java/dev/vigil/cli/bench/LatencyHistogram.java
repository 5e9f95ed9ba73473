package dev.vigil.cli.bench;

import java.util.List;

/** PLACEHOLDER: the load helper's class replaces this. */
public final class LatencyHistogram {
    public void record(double ms) {}

    public BenchResult.Latency snapshot() {
        return new BenchResult.Latency(0, 0, 0, 0, 0, List.of());
    }

    public static BenchResult.Latency of(double[] ms) {
        return new BenchResult.Latency(ms.length, 0, 0, 0, 0, List.of());
    }
}
