package dev.vigil.cli.bench;

/** PLACEHOLDER: the load helper's record replaces this. */
public record DriverStep(
        double seconds,
        long sent,
        long accepted,
        long failed,
        long recordsAccepted,
        long probesSent,
        long probesSeen,
        BenchResult.Latency accept,
        BenchResult.Latency searchable,
        BenchResult.Latency search) {}
