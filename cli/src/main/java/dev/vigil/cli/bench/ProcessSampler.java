package dev.vigil.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * CPU and resident memory of named processes, read from {@code /proc} (Linux) once a second: CPU time from
 * {@code /proc/<pid>/stat} (utime + stime, in clock ticks, {@code getconf CLK_TCK}, 100 on Linux), RSS from
 * {@code VmRSS} in {@code /proc/<pid>/status}. A process that is gone or unreadable is simply missing from a sample.
 */
final class ProcessSampler {

    /** One reading of one process. */
    record Reading(long nanos, long cpuTicks, long rssBytes) {}

    private final Map<String, Long> pids;
    private final double ticksPerSecond;
    private final Map<String, List<Reading>> history = new LinkedHashMap<>();

    ProcessSampler(Map<String, Long> pids) {
        this.pids = new LinkedHashMap<>(pids);
        this.ticksPerSecond = clockTicksPerSecond();
        pids.keySet().forEach(name -> history.put(name, new ArrayList<>()));
    }

    Map<String, Long> pids() {
        return Map.copyOf(pids);
    }

    /** Reads every process now; returns cpu% since the previous reading (0 for the first) and RSS per name. */
    synchronized Map<String, BenchResult.ProcessSample> sample() {
        long now = System.nanoTime();
        Map<String, BenchResult.ProcessSample> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            Reading reading = read(e.getValue(), now);
            if (reading == null) {
                continue;
            }
            List<Reading> readings = history.get(e.getKey());
            Reading previous = readings.isEmpty() ? null : readings.get(readings.size() - 1);
            readings.add(reading);
            double cpuPercent = 0;
            if (previous != null && reading.nanos() > previous.nanos()) {
                double cpuSeconds = (reading.cpuTicks() - previous.cpuTicks()) / ticksPerSecond;
                cpuPercent = 100.0 * cpuSeconds / ((reading.nanos() - previous.nanos()) / 1e9);
            }
            out.put(e.getKey(), new BenchResult.ProcessSample(round1(Math.max(0, cpuPercent)), reading.rssBytes()));
        }
        return out;
    }

    /**
     * Per process over {@code [fromNanos, toNanos]}: CPU seconds, CPU seconds per accepted input, RSS max and last; and
     * when {@code soakFromNanos} is given, the RSS slope from the first to the last tenth of {@code [soakFromNanos,
     * toNanos]}.
     */
    synchronized List<BenchResult.ProcessStats> stats(
            long fromNanos, long toNanos, long inputsAccepted, Long soakFromNanos) {
        List<BenchResult.ProcessStats> stats = new ArrayList<>();
        for (Map.Entry<String, List<Reading>> e : history.entrySet()) {
            List<Reading> in = e.getValue().stream()
                    .filter(r -> r.nanos() >= fromNanos && r.nanos() <= toNanos)
                    .toList();
            if (in.isEmpty()) {
                continue;
            }
            double cpuSeconds = (in.get(in.size() - 1).cpuTicks() - in.get(0).cpuTicks()) / ticksPerSecond;
            long rssMax = in.stream().mapToLong(Reading::rssBytes).max().orElse(0);
            Double perEvent = inputsAccepted > 0 ? cpuSeconds / inputsAccepted : null;
            Double slope = null;
            if (soakFromNanos != null) {
                List<Reading> soak =
                        in.stream().filter(r -> r.nanos() >= soakFromNanos).toList();
                slope = rssSlopeBytesPerHour(soak);
            }
            stats.add(new BenchResult.ProcessStats(
                    e.getKey(),
                    pids.get(e.getKey()),
                    round3(cpuSeconds),
                    perEvent,
                    rssMax,
                    in.get(in.size() - 1).rssBytes(),
                    slope));
        }
        return stats;
    }

    /** Shorter soaks get no slope: JVM warm-up would dominate it and an hourly extrapolation would mislead. */
    static final long MIN_SLOPE_NANOS = 120_000_000_000L;

    /**
     * Mean RSS of the last tenth minus that of the first tenth, per hour between their midpoints; null when the readings
     * span less than 2 minutes.
     */
    static Double rssSlopeBytesPerHour(List<Reading> readings) {
        if (readings.size() < 10
                || readings.get(readings.size() - 1).nanos() - readings.get(0).nanos() < MIN_SLOPE_NANOS) {
            return null;
        }
        int tenth = Math.max(1, readings.size() / 10);
        List<Reading> first = readings.subList(0, tenth);
        List<Reading> last = readings.subList(readings.size() - tenth, readings.size());
        double rssFirst = first.stream().mapToLong(Reading::rssBytes).average().orElse(0);
        double rssLast = last.stream().mapToLong(Reading::rssBytes).average().orElse(0);
        double tFirst = first.stream().mapToLong(Reading::nanos).average().orElse(0);
        double tLast = last.stream().mapToLong(Reading::nanos).average().orElse(0);
        double hours = (tLast - tFirst) / 3.6e12;
        return hours <= 0 ? null : Math.round((rssLast - rssFirst) / hours) * 1.0;
    }

    static Reading read(long pid, long nanos) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8);
            OptionalLong ticks = cpuTicks(stat);
            long rss = rssBytes(status);
            if (ticks.isEmpty() || rss < 0) {
                return null;
            }
            return new Reading(nanos, ticks.getAsLong(), rss);
        } catch (IOException | RuntimeException e) {
            return null; // gone, or not Linux
        }
    }

    /**
     * utime + stime (fields 14 and 15 of {@code /proc/<pid>/stat}, clock ticks). The command name (field 2) is in
     * parentheses and may hold spaces and parentheses itself, so fields are counted from the last ')'.
     */
    static OptionalLong cpuTicks(String statLine) {
        int close = statLine.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        String[] fields = statLine.substring(close + 1).trim().split("\\s+");
        // fields[0] is field 3 (state): utime (14) is fields[11], stime (15) fields[12]
        if (fields.length < 13) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** {@code VmRSS:  12345 kB} in {@code /proc/<pid>/status}, in bytes; -1 when absent (a zombie has none). */
    static long rssBytes(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                try {
                    return Long.parseLong(parts[0]) * 1024L;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static double clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            String text = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            getconf.waitFor();
            double ticks = Double.parseDouble(text);
            return ticks > 0 ? ticks : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
