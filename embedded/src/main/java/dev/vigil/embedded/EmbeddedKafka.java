package dev.vigil.embedded;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, combined broker and controller, node id 1) on 127.0.0.1, storing its log in one
 * directory. Settings are for a single node: every internal topic has replication factor 1, so transactions and
 * exactly_once_v2 work; topics are never created implicitly.
 *
 * <p>In-process, Kafka halts the JVM on a fatal fault ({@code Exit.halt}); that is acceptable in tests. For the one-box
 * run use {@link KafkaServerMain} in a child JVM (see {@link ChildServer}).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Path dataDir;
    private final int port;
    private final KafkaRaftServer server;
    private final AutoCloseable dirLock;
    private boolean closed;

    private EmbeddedKafka(Path dataDir, int port, KafkaRaftServer server, AutoCloseable dirLock) {
        this.dataDir = dataDir;
        this.port = port;
        this.server = server;
        this.dirLock = dirLock;
    }

    /**
     * Starts a broker and returns once it accepts connections.
     *
     * @param dataDir the log directory; formatted on first use, reused (same cluster id, same data) afterwards
     * @param port the client port on 127.0.0.1, or 0 for any free port
     * @throws IllegalStateException if the port is taken, the directory is unusable or the broker fails to start
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        Objects.requireNonNull(dataDir, "dataDir");
        EmbeddedLogging.init();
        Path dir = ServerSupport.prepareDataDir("Kafka", dataDir);
        int brokerPort = port == 0 ? ServerSupport.freePort() : ServerSupport.requireFreePort("Kafka", port);
        AutoCloseable dirLock = ServerSupport.lockDataDir("Kafka", dir);
        try {
            return start(dir, brokerPort, dirLock);
        } catch (RuntimeException | Error e) {
            ServerSupport.closeQuietly(dirLock, e);
            throw e;
        }
    }

    private static EmbeddedKafka start(Path dir, int brokerPort, AutoCloseable dirLock) {
        int controllerPort;
        do {
            controllerPort = ServerSupport.freePort();
        } while (controllerPort == brokerPort);

        long started = System.nanoTime();
        KafkaConfig config = KafkaConfig.fromProps(brokerProperties(dir, brokerPort, controllerPort), false);
        formatIfNeeded(config, dir);
        KafkaRaftServer server = null;
        try {
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
        } catch (Throwable e) {
            if (server != null) {
                try {
                    server.shutdown();
                    server.awaitShutdown();
                } catch (Throwable suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (ServerSupport.causedByBindFailure(e)) {
                throw ServerSupport.portInUse("Kafka", brokerPort, e);
            }
            throw new IllegalStateException(
                    "Kafka broker on " + dir + " failed to start: " + ServerSupport.rootMessage(e), e);
        }
        log.info(
                "Kafka broker ready on {}:{} (data {}) in {} ms",
                ServerSupport.HOST,
                brokerPort,
                dir,
                (System.nanoTime() - started) / 1_000_000);
        return new EmbeddedKafka(dir, brokerPort, server, dirLock);
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return ServerSupport.HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Controlled shutdown; the data stays in {@link #dataDir()}. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            ServerSupport.closeQuietly(dirLock, null);
        }
    }

    static Properties brokerProperties(Path dir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put(
                "listeners",
                "PLAINTEXT://" + ServerSupport.HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://"
                        + ServerSupport.HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + ServerSupport.HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        // static voters: the controller port may differ on every start, the voter set (node 1) does not
        p.put("controller.quorum.voters", NODE_ID + "@" + ServerSupport.HOST + ":" + controllerPort);
        p.put("log.dirs", dir.toString());

        // one node: every internal topic with replication factor 1, or transactions (exactly_once_v2) hang
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "10");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "3");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");

        // topics are declared by the applications, with their partitions and retention
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "3");
        // the log cleaner's 128 MiB default buffer is a quarter of the child JVM's heap
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(32 * 1024 * 1024));
        return p;
    }

    private static void formatIfNeeded(KafkaConfig config, Path dir) {
        if (Files.exists(dir.resolve("meta.properties"))) {
            return; // formatted before: the broker reads its cluster id from there
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setHasDynamicQuorum(false)
                    .setDirectories(java.util.List.of(dir.toString()))
                    .run();
        } catch (Exception e) {
            throw ServerSupport.badDataDir("Kafka", dir, "formatting the storage failed (" + e.getMessage() + ")", e);
        }
    }
}
