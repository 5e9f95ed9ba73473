package dev.vigil.cli.bench;

/** PLACEHOLDER: the load helper's class replaces this. */
public final class DriverCounters {
    public long sent() {
        return 0;
    }

    public long accepted() {
        return 0;
    }

    public long failed() {
        return 0;
    }

    public long recordsAccepted() {
        return 0;
    }

    public long probesPending() {
        return 0;
    }

    public double[] takeSearchableLatenciesMs() {
        return new double[0];
    }
}
