package dev.vigil.cli.bench;

import dev.vigil.embedded.ChildServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Vigil service ({@code vigil streams|ingest|audit-api}) in a JVM of its own, so its CPU and RSS can be measured
 * apart. Output goes to a log file; ready once a line matches the service's readiness pattern. The child gets
 * {@code -Dvigil.exit-on-stdin-eof=true} and a stdin pipe: it exits when the pipe closes, even if this JVM is killed.
 */
final class ChildJvm implements AutoCloseable {

    private static final int TAIL_LINES = 40;

    private final String name;
    private final Process process;
    private final String ready;
    private boolean closed;

    private ChildJvm(String name, Process process, String ready) {
        this.name = name;
        this.process = process;
        this.ready = ready;
    }

    /**
     * Starts the command and waits for a log line matching {@code readyLine}.
     *
     * @param logHeader what the log file's first line says about the launch (must not hold secrets)
     * @throws IllegalStateException with the log's last lines when the child exits or times out first
     */
    static ChildJvm launch(
            String name, List<String> command, String logHeader, Path logFile, Pattern readyLine, Duration timeout) {
        long offset;
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Files.writeString(
                    logFile,
                    "=== " + Instant.now() + " vigil bench launching " + name + ": " + logHeader
                            + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            offset = Files.size(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + name + " log " + logFile, e);
        }
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " JVM", e);
        }
        try {
            return new ChildJvm(name, process, awaitReady(name, process, logFile, offset, readyLine, timeout));
        } catch (RuntimeException e) {
            stop(process);
            throw e;
        }
    }

    String name() {
        return name;
    }

    /** The readiness line's first group (a URL), or the whole match when the pattern has no group. */
    String ready() {
        return ready;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Closes stdin, SIGTERM, up to 30 s for a clean stop, then SIGKILL. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            stop(process);
        }
    }

    private static String awaitReady(
            String name, Process process, Path logFile, long offset, Pattern readyLine, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Deque<String> tail = new ArrayDeque<>();
        try (RandomAccessFile log = new RandomAccessFile(logFile.toFile(), "r")) {
            log.seek(offset);
            StringBuilder partial = new StringBuilder();
            byte[] buffer = new byte[8192];
            while (true) {
                boolean exited = !process.isAlive();
                int n;
                while ((n = log.read(buffer)) > 0) {
                    partial.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    int newline;
                    while ((newline = partial.indexOf("\n")) >= 0) {
                        String line = partial.substring(0, newline).stripTrailing();
                        partial.delete(0, newline + 1);
                        Matcher m = readyLine.matcher(line);
                        if (m.find()) {
                            return m.groupCount() >= 1 ? m.group(1) : m.group();
                        }
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                }
                if (exited) {
                    throw new IllegalStateException(name + " (pid " + process.pid() + ") exited with code "
                            + process.exitValue() + " before it was ready; last lines of " + logFile + ":"
                            + format(tail));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " (pid " + process.pid() + ") was not ready within "
                            + timeout.toSeconds() + " s; last lines of " + logFile + ":" + format(tail));
                }
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + name + " log " + logFile, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    private static String format(Deque<String> tail) {
        StringBuilder text = new StringBuilder();
        tail.forEach(line -> text.append(System.lineSeparator()).append("  ").append(line));
        return text.isEmpty() ? " (empty)" : text.toString();
    }

    private static void stop(Process process) {
        ChildServer.stop(process);
    }
}
