package dev.vigil.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka broker and one Elasticsearch node per JVM for integration tests: each is started on first use, on any
 * free port, in a temporary folder, and stopped (and the folder deleted) by a shutdown hook. Thread-safe; the two
 * servers start independently, so tests may ask for both concurrently.
 *
 * <p>Tests share the servers, so each test derives its own topic names, application ids and index names.
 *
 * <pre>{@code
 * props.put("bootstrap.servers", SharedServers.kafka().bootstrapServers());
 * var es = SharedServers.elasticsearch().httpUrl();
 * }</pre>
 */
public final class SharedServers {

    private static final Logger log = LoggerFactory.getLogger(SharedServers.class);

    private static final Object ROOT_LOCK = new Object();
    private static final String DIR_PREFIX = "vigil-shared-servers-";
    private static final String OWNER_FILE = "owner.pid";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private static volatile Path root;
    private static final Lazy<EmbeddedKafka> KAFKA =
            new Lazy<>("Kafka broker", () -> EmbeddedKafka.start(root().resolve("kafka"), 0));
    private static final Lazy<EmbeddedElasticsearch> ELASTICSEARCH =
            new Lazy<>("Elasticsearch node", () -> EmbeddedElasticsearch.start(root().resolve("elasticsearch"), 0));

    private SharedServers() {}

    /** The JVM's broker, started on the first call. A failed start is reported again to every later caller. */
    public static EmbeddedKafka kafka() {
        return KAFKA.get();
    }

    /** The JVM's Elasticsearch node, started on the first call. A failed start is reported again to every caller. */
    public static EmbeddedElasticsearch elasticsearch() {
        return ELASTICSEARCH.get();
    }

    /**
     * One server started on first use, under its own lock so the two servers start concurrently.
     * A failed start is remembered: later callers get it again instead of a second attempt.
     */
    private static final class Lazy<T extends AutoCloseable> {
        private final String name;
        private final Supplier<T> starter;
        private volatile T value;
        private RuntimeException failure;

        Lazy(String name, Supplier<T> starter) {
            this.name = name;
            this.starter = starter;
        }

        T get() {
            T started = value;
            if (started != null) {
                return started;
            }
            synchronized (this) {
                if (value == null) {
                    if (failure != null) {
                        throw new IllegalStateException("the shared " + name + " failed to start earlier", failure);
                    }
                    try {
                        value = starter.get();
                    } catch (RuntimeException e) {
                        failure = e;
                        throw e;
                    }
                }
                return value;
            }
        }

        /** Stops the server, if it started, on a thread of its own; no lock, so a hung start cannot block exit. */
        Thread stopAsync() {
            return Thread.ofPlatform()
                    .name("vigil-shared-stop-" + name.replace(' ', '-'))
                    .start(() -> {
                        T server = value;
                        if (server != null) {
                            try {
                                server.close();
                            } catch (Exception e) {
                                log.warn("stopping the shared {} failed", name, e);
                            }
                        }
                    });
        }
    }

    private static Path root() {
        synchronized (ROOT_LOCK) {
            if (root == null) {
                try {
                    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
                    deleteLeftoversOfDeadJvms(tmp);
                    Path dir = Files.createTempDirectory(tmp, DIR_PREFIX);
                    Files.writeString(
                            dir.resolve(OWNER_FILE),
                            Long.toString(ProcessHandle.current().pid()));
                    root = dir;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create a temporary folder for the shared servers", e);
                }
                Runtime.getRuntime().addShutdownHook(new Thread(SharedServers::stopAll, "vigil-shared-servers-stop"));
            }
            return root;
        }
    }

    /** Stops both servers in parallel, bounded so a hung server cannot hold the JVM's exit past the test runner. */
    private static void stopAll() {
        Thread es = ELASTICSEARCH.stopAsync();
        Thread kafkaStop = KAFKA.stopAsync();
        try {
            long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
            es.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            kafkaStop.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteRecursively(root);
    }

    /**
     * A JVM killed before its shutdown hook ran (a test runner's timeout, kill -9) leaves its folder behind; the next
     * JVM deletes it. Only folders whose owner file names a process that no longer runs are touched.
     */
    private static void deleteLeftoversOfDeadJvms(Path tmp) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, DIR_PREFIX + "*")) {
            for (Path dir : dirs) {
                Path owner = dir.resolve(OWNER_FILE);
                try {
                    long pid = Long.parseLong(Files.readString(owner).trim());
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;
                    }
                } catch (IOException | NumberFormatException | SecurityException e) {
                    continue; // no owner file (yet): not ours to judge
                }
                deleteRecursively(dir);
            }
        } catch (IOException | SecurityException e) {
            log.debug("cannot look for leftover shared-server folders in {}: {}", tmp, e.toString());
        }
    }

    /** Best effort: a file that cannot be deleted is skipped, the rest still goes. */
    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    deleteQuietly(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) {
                    deleteQuietly(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", dir, e.toString());
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", path, e.toString());
        }
    }
}
