package dev.vigil.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Supervises a server main ({@link KafkaServerMain}, {@link ElasticsearchServerMain}) in a child JVM: the same
 * {@code java} binary and class path as this JVM, stdout and stderr appended to a log file, stdin kept open as a pipe.
 * The child stops when that pipe closes, so it never outlives this JVM, even after {@code kill -9}.
 *
 * <pre>{@code
 * try (ChildServer kafka = ChildServer.launch("kafka", KafkaServerMain.class,
 *         List.of("--data", dir.toString(), "--port", "9092"), logFile, Duration.ofSeconds(60))) {
 *     String bootstrap = kafka.endpoint();
 * }
 * }</pre>
 */
public final class ChildServer implements AutoCloseable {

    /** Flags every child gets; unknown ones are ignored so the same list works on JDK 21 and 25. */
    static final List<String> COMMON_JVM_FLAGS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-XX:+ExitOnOutOfMemoryError");

    static final List<String> KAFKA_JVM_FLAGS = List.of("-Xmx512m");

    static final List<String> ELASTICSEARCH_JVM_FLAGS = List.of(
            "-Xms512m",
            "-Xmx1g",
            // Lucene's vectorized code paths, as the Elasticsearch distribution's jvm.options enable them
            "--add-modules=jdk.incubator.vector",
            "-D" + EsSystemProperties.VECTOR_LIBRARY + "=false",
            "-Dfile.encoding=UTF-8");

    private static final int TAIL_LINES = 40;
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final String endpoint;
    private final Path logFile;
    private boolean closed;

    private ChildServer(String name, Process process, String endpoint, Path logFile) {
        this.name = name;
        this.process = process;
        this.endpoint = endpoint;
        this.logFile = logFile;
    }

    /**
     * Starts {@code mainClass} in a child JVM and returns once it printed its READY line.
     *
     * @param name a short name for messages and the thread, e.g. {@code kafka}
     * @param mainClass a class with a {@code main} following the READY protocol, on this JVM's class path
     * @param args the program arguments, e.g. {@code --data <dir> --port <port>}
     * @param logFile where the child's stdout and stderr are appended (created with its parent folders)
     * @param readyTimeout how long to wait for the READY line before the child is stopped
     * @throws IllegalStateException with the last lines of the log if the child exits or times out before it is
     *     ready
     */
    public static ChildServer launch(
            String name, Class<?> mainClass, List<String> args, Path logFile, Duration readyTimeout) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mainClass, "mainClass");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(readyTimeout, "readyTimeout");

        List<String> command = command(mainClass, args);
        long logStart;
        try {
            Path parent = logFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(
                    logFile,
                    "=== " + Instant.now() + " vigil launching " + name + ": " + String.join(" ", command)
                            + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            logStart = Files.size(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + name + " log file " + logFile, e);
        }

        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " JVM (" + command.get(0) + ")", e);
        }

        try {
            String endpoint = awaitReady(name, process, logFile, logStart, readyTimeout);
            return new ChildServer(name, process, endpoint, logFile);
        } catch (RuntimeException e) {
            stop(process);
            throw e;
        }
    }

    /** What the child announced: {@code 127.0.0.1:9092} for Kafka, {@code http://127.0.0.1:9200} for Elasticsearch. */
    public String endpoint() {
        return endpoint;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Completes when the child exits, e.g. to stop the rest of {@code vigil up} if a server dies. */
    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    public Path logFile() {
        return logFile;
    }

    /** SIGTERM (and stdin closed), up to 30 s for a clean stop, then SIGKILL. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(process);
    }

    @Override
    public String toString() {
        return "ChildServer[" + name + ", pid " + process.pid() + ", " + endpoint + "]";
    }

    static List<String> command(Class<?> mainClass, List<String> args) {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(COMMON_JVM_FLAGS);
        if (mainClass == KafkaServerMain.class) {
            command.addAll(KAFKA_JVM_FLAGS);
        } else if (mainClass == ElasticsearchServerMain.class) {
            command.addAll(ELASTICSEARCH_JVM_FLAGS);
        }
        String level = System.getProperty(EmbeddedLogging.LEVEL_PROPERTY);
        if (level != null) {
            command.add("-D" + EmbeddedLogging.LEVEL_PROPERTY + "=" + level);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        return command;
    }

    private static String awaitReady(String name, Process process, Path logFile, long offset, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (RandomAccessFile log = new RandomAccessFile(logFile.toFile(), "r")) {
            log.seek(offset);
            StringBuilder partial = new StringBuilder();
            Deque<String> tail = new ArrayDeque<>();
            byte[] buffer = new byte[8192];
            while (true) {
                // the exit check comes before the read, so a READY line written just before exiting is not missed
                boolean exited = !process.isAlive();
                int n;
                while ((n = log.read(buffer)) > 0) {
                    partial.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    int newline;
                    while ((newline = partial.indexOf("\n")) >= 0) {
                        String line = partial.substring(0, newline).stripTrailing();
                        partial.delete(0, newline + 1);
                        if (line.startsWith(ServerMain.READY_PREFIX)) {
                            return line.substring(ServerMain.READY_PREFIX.length())
                                    .trim();
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
                            + format(tail, partial));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " (pid " + process.pid() + ") was not ready within "
                            + timeout.toSeconds() + " s; last lines of " + logFile + ":" + format(tail, partial));
                }
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + name + " log file " + logFile, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name + " to be ready", e);
        }
    }

    private static String format(Deque<String> tail, CharSequence partial) {
        StringBuilder text = new StringBuilder();
        for (String line : tail) {
            text.append(System.lineSeparator()).append("  ").append(line);
        }
        if (!partial.isEmpty()) {
            text.append(System.lineSeparator()).append("  ").append(partial);
        }
        return text.isEmpty() ? " (empty)" : text.toString();
    }

    /**
     * Stops a child JVM: closes its stdin pipe (children following the READY protocol exit on it), then SIGTERM, then
     * after a grace period SIGKILL. Shared with the bench's service launcher.
     */
    public static void stop(Process process) {
        try {
            OutputStream stdin = process.getOutputStream();
            stdin.close();
        } catch (IOException e) {
            // the child is going anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
