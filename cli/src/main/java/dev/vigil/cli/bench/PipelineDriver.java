package dev.vigil.cli.bench;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** PLACEHOLDER: the load helper's class replaces this. */
public final class PipelineDriver implements AutoCloseable {
    private final DriverCounters counters = new DriverCounters();

    public PipelineDriver(BenchEndpoints endpoints, Workload workload, int concurrency) {}

    public DriverStep run(String phase, double inputsPerSecond, Duration duration, BooleanSupplier cancelled) {
        throw new UnsupportedOperationException("placeholder");
    }

    public DriverCounters counters() {
        return counters;
    }

    @Override
    public void close() {}
}
