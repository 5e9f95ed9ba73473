package dev.vigil.cli.bench;

import java.util.List;

/** PLACEHOLDER: the load helper's class replaces this. */
public final class Workload {
    public Workload(long seed, List<String> tenants, int repositoriesPerTenant, double probeFraction) {}

    public BenchInput next() {
        throw new UnsupportedOperationException("placeholder");
    }

    public static List<BenchInput> sample(long seed, List<String> tenants, int repositoriesPerTenant, int n) {
        return List.of();
    }
}
