package dev.vigil.cli.drills;

import dev.vigil.cli.Vigil;
import dev.vigil.embedded.ChildServer;
import dev.vigil.embedded.ElasticsearchServerMain;
import dev.vigil.embedded.KafkaServerMain;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.checkpoint.SigningKeyConfig;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The servers of the drills, all in child JVMs so each can be killed and brought back: a Kafka
 * broker and an Elasticsearch node on fixed ports and data directories (a restart finds its data
 * where it left it), and {@code vigil streams} (the streams app and the indexer, as operators run
 * them) which a drill SIGKILLs and restarts.
 */
final class DrillRig implements AutoCloseable {

    private static final Duration READY = Duration.ofMinutes(3);
    private static final String STREAMS_RUNNING = "vigil streams running";

    private final Path root;
    private final int kafkaPort;
    private final int elasticsearchPort;
    private ChildServer kafka;
    private ChildServer elasticsearch;

    /** Children not supervised by {@link ChildServer}: killed if the test JVM exits with them still running. */
    private static final java.util.Set<Process> STREAMS_CHILDREN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> STREAMS_CHILDREN.forEach(Process::destroyForcibly), "drill-streams-reaper"));
    }

    DrillRig(Path root) {
        this.root = root;
        this.kafkaPort = freePort();
        this.elasticsearchPort = freePort();
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    String elasticsearchUrl() {
        return "http://127.0.0.1:" + elasticsearchPort;
    }

    Path root() {
        return root;
    }

    void startKafka() {
        kafka = ChildServer.launch(
                "kafka",
                KafkaServerMain.class,
                List.of("--data", root.resolve("kafka").toString(), "--port", Integer.toString(kafkaPort)),
                root.resolve("logs/kafka.log"),
                READY);
        log("kafka started (pid %d) on %s", kafka.pid(), kafka.endpoint());
    }

    /** A clean stop (SIGTERM): the broker flushes and closes its logs, as in a rolling restart. */
    void stopKafka() {
        log("stopping kafka (pid %d)", kafka.pid());
        kafka.close();
    }

    void startElasticsearch() {
        elasticsearch = ChildServer.launch(
                "elasticsearch",
                ElasticsearchServerMain.class,
                List.of(
                        "--data",
                        root.resolve("elasticsearch").toString(),
                        "--port",
                        Integer.toString(elasticsearchPort)),
                root.resolve("logs/elasticsearch.log"),
                READY);
        log("elasticsearch started (pid %d) on %s", elasticsearch.pid(), elasticsearch.endpoint());
    }

    /** SIGKILL: the node vanishes mid-request, as on a crash or an OOM kill. */
    void killElasticsearch() {
        log("killing elasticsearch (pid %d)", elasticsearch.pid());
        ProcessHandle.of(elasticsearch.pid()).ifPresent(ProcessHandle::destroyForcibly);
        elasticsearch.onExit().join();
        elasticsearch.close();
    }

    void ensureTopics(Topics topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, topics, (short) 1);
        }
    }

    /** Starts {@code vigil streams} for one drill; {@code name} keeps its data dir and log apart. */
    StreamsChild streams(String name, Map<String, String> settings) {
        return new StreamsChild(name, settings);
    }

    @Override
    public void close() {
        if (elasticsearch != null) {
            elasticsearch.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("[drill %s] %s%n", Instant.now(), String.format(java.util.Locale.ROOT, format, args));
        System.out.flush();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code vigil streams} in its own JVM: started, SIGKILLed and started again on the same data dir. */
    final class StreamsChild implements AutoCloseable {

        private final String name;
        private final Map<String, String> settings;
        private final Path log;
        private Process process;
        private int starts;

        private StreamsChild(String name, Map<String, String> settings) {
            this.name = name;
            this.settings = new LinkedHashMap<>(settings);
            this.log = root.resolve("logs/" + name + ".log");
        }

        void start() {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(
                    java,
                    "-Xmx768m",
                    "-XX:+IgnoreUnrecognizedVMOptions",
                    "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Vigil.class.getName(),
                    "streams",
                    "--data",
                    root.resolve(name).toString()));
            // The streams app signs checkpoints and refuses to start without a key: one per rig, kept across restarts.
            Path keyFile =
                    SigningKeyConfig.signingKeyFile("", root.resolve(name).toAbsolutePath());
            if (!Files.exists(keyFile)) {
                SigningKeys.writePrivate(SigningKeys.generate(), keyFile);
            }
            Map<String, String> all = new LinkedHashMap<>();
            all.put("vigil.kafka.bootstrap-servers", bootstrapServers());
            all.put("vigil.elasticsearch.url", elasticsearchUrl());
            all.putAll(settings);
            all.forEach((k, v) -> {
                command.add("--set");
                command.add(k + "=" + v);
            });
            try {
                Files.createDirectories(log.getParent());
                long offset = Files.exists(log) ? Files.size(log) : 0;
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
                STREAMS_CHILDREN.add(process);
                process.onExit().thenAccept(STREAMS_CHILDREN::remove);
                starts++;
                long deadline = System.nanoTime() + READY.toNanos();
                while (!logSince(offset).contains(STREAMS_RUNNING)) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        process.destroyForcibly().waitFor();
                        throw new AssertionError(name + " did not start:\n" + logSince(offset));
                    }
                    Thread.sleep(100);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            DrillRig.log("%s started (pid %d, start #%d)", name, process.pid(), starts);
        }

        /** SIGKILL: no shutdown hook, no commit, no transaction abort; whatever was in flight is cut. */
        void kill() {
            DrillRig.log("SIGKILL %s (pid %d)", name, process.pid());
            try {
                process.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        boolean isAlive() {
            return process != null && process.isAlive();
        }

        /** Everything this child logged over all its starts. */
        String log() {
            return logSince(0);
        }

        private String logSince(long offset) {
            try {
                byte[] bytes = Files.readAllBytes(log);
                return new String(
                        bytes,
                        (int) Math.min(offset, bytes.length),
                        (int) Math.max(0, bytes.length - offset),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** SIGTERM and wait, as a service manager stops it; SIGKILL if it hangs. */
        @Override
        public void close() {
            if (process == null || !process.isAlive()) {
                return;
            }
            process.destroy();
            try {
                if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }

        void note(String line) {
            try {
                Files.writeString(
                        log,
                        "=== drill: " + line + System.lineSeparator(),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
