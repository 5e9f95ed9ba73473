package dev.vigil.cli.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * A progress bar and one live line (phase, offered/accepted/searchable per second, p99, lag, CPU%). On a terminal the
 * line is redrawn in place with {@code \r}; otherwise (CI logs) one plain line is printed every 5 s. Notes (phase
 * changes, warnings) are printed on their own line.
 */
final class Progress {

    static final long PLAIN_EVERY_NANOS = 5_000_000_000L;
    private static final int BAR = 20;

    private final PrintStream out;
    private final boolean tty;
    private String phase = "starting";
    private long phaseStart = System.nanoTime();
    private long phaseNanos;
    private boolean lineDrawn;
    private int lastWidth;
    private long lastPlain;

    Progress(PrintStream out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    /** A new phase: its label and expected length (0 = unknown), for the bar. */
    synchronized void phase(String label, double expectedSeconds) {
        this.phase = label;
        this.phaseStart = System.nanoTime();
        this.phaseNanos = (long) (expectedSeconds * 1e9);
        note("vigil bench: " + label);
    }

    synchronized void note(String message) {
        clearLine();
        out.println(message);
        out.flush();
    }

    /** The readout of one second. */
    synchronized void live(BenchResult.Sample s) {
        String line = line(s);
        if (tty) {
            String text = bar() + " " + line;
            int pad = Math.max(0, lastWidth - text.length());
            out.print("\r" + text + " ".repeat(pad));
            out.flush();
            lastWidth = text.length();
            lineDrawn = true;
        } else {
            long now = System.nanoTime();
            if (lastPlain == 0 || now - lastPlain >= PLAIN_EVERY_NANOS) {
                lastPlain = now;
                out.println(String.format(Locale.ROOT, "  [%3.0f%%] %s", fraction() * 100, line));
                out.flush();
            }
        }
    }

    synchronized void done() {
        clearLine();
    }

    private void clearLine() {
        if (tty && lineDrawn) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            lineDrawn = false;
            lastWidth = 0;
        }
    }

    private double fraction() {
        if (phaseNanos <= 0) {
            return 0;
        }
        return Math.min(1, (System.nanoTime() - phaseStart) / (double) phaseNanos);
    }

    private String bar() {
        int filled = (int) Math.round(fraction() * BAR);
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
    }

    String line(BenchResult.Sample s) {
        long lag = 0;
        if (s.lag() != null) {
            for (Long v : s.lag().values()) {
                lag += v == null ? 0 : Math.max(0, v);
            }
        }
        double cpu = 0;
        if (s.processes() != null) {
            for (Map.Entry<String, BenchResult.ProcessSample> e : s.processes().entrySet()) {
                cpu += e.getValue().cpuPercent();
            }
        }
        return String.format(
                Locale.ROOT,
                "%s t=%.0fs offered %.0f/s accepted %.0f/s searchable %.0f/s p99 %s lag %d cpu %.0f%%",
                phase,
                s.t(),
                s.offeredInputsPerSecond(),
                s.acceptedInputsPerSecond(),
                s.searchableDocumentsPerSecond(),
                s.searchableP99Ms() == null ? "-" : String.format(Locale.ROOT, "%.0f ms", s.searchableP99Ms()),
                lag,
                cpu);
    }
}
