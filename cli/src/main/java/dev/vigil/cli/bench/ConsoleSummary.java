package dev.vigil.cli.bench;

/** PLACEHOLDER: the report helper's class replaces this. */
public final class ConsoleSummary {
    private ConsoleSummary() {}

    public static String render(BenchResult result) {
        return "";
    }
}
