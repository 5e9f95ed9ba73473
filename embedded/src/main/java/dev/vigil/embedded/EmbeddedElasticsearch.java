package dev.vigil.embedded;

import dev.vigil.embedded.internal.EmbeddedNodePlugin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.http.HttpServerTransport;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.node.VigilEmbeddedNode;
import org.elasticsearch.transport.netty4.Netty4Plugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Elasticsearch node (single-node discovery, HTTP on 127.0.0.1) built from the Maven Central jars, with its
 * home, data and logs in one directory.
 *
 * <p>New indices default to {@code number_of_replicas: 0} on this node (the lowest-precedence default; a template or
 * create request that sets replicas wins), so one node can be green. Production clusters do not have that default:
 * set replicas in the index templates through configuration.
 *
 * <p>The node sets, when not already set, the system properties it needs before any Elasticsearch class reads them:
 * {@code es.nativelibs.path} (a folder linking the OS libzstd, for best_compression and logsdb indices),
 * {@code org.elasticsearch.nativeaccess.enableVectorLibrary=false} and, for in-process use beside other Netty users,
 * {@code es.set.netty.runtime.available.processors=false}.
 */
public final class EmbeddedElasticsearch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedElasticsearch.class);

    static final String CLUSTER_NAME = "vigil";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path dataDir;
    private final Node node;
    private final int httpPort;
    private final AutoCloseable dirLock;
    private boolean closed;

    private EmbeddedElasticsearch(Path dataDir, Node node, int httpPort, AutoCloseable dirLock) {
        this.dataDir = dataDir;
        this.node = node;
        this.httpPort = httpPort;
        this.dirLock = dirLock;
    }

    /**
     * Starts a node and returns once the cluster health over HTTP is at least yellow (every primary shard assigned).
     *
     * @param dataDir home of the node: {@code data/} and {@code logs/} below it; existing data is kept
     * @param httpPort the HTTP port on 127.0.0.1, or 0 for any free port
     * @throws IllegalStateException if the port is taken, the directory is unusable or the node fails to start
     */
    public static EmbeddedElasticsearch start(Path dataDir, int httpPort) {
        Objects.requireNonNull(dataDir, "dataDir");
        Path dir = ServerSupport.prepareDataDir("Elasticsearch", dataDir);
        if (httpPort != 0) {
            ServerSupport.requireFreePort("Elasticsearch", httpPort);
        }
        AutoCloseable dirLock = ServerSupport.lockDataDir("Elasticsearch", dir);
        try {
            return start(dir, httpPort, dirLock);
        } catch (RuntimeException | Error e) {
            ServerSupport.closeQuietly(dirLock, e);
            throw e;
        }
    }

    private static EmbeddedElasticsearch start(Path dir, int httpPort, AutoCloseable dirLock) {
        EsSystemProperties.apply();
        EmbeddedLogging.init();
        long started = System.nanoTime();

        Settings settings = Settings.builder()
                .put("cluster.name", CLUSTER_NAME)
                .put("node.name", "vigil-embedded")
                .put("path.home", dir.toString())
                .put("path.data", dir.resolve("data").toString())
                .put("path.logs", dir.resolve("logs").toString())
                .put("discovery.type", "single-node")
                .put("network.host", ServerSupport.HOST)
                .put("http.port", httpPort)
                .put("transport.port", 0)
                // a developer's disk may be 95 % full; the watermarks would then make every index read-only
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                // Off: with zstd-jni on the class path (kafka-clients brings it) Netty offers zstd to clients that
                // accept it (httpclient5, so elasticsearch-java), and its zstd encoder needs the direct buffers
                // Elasticsearch's allocator refuses: the response never comes. On loopback compression only costs CPU.
                .put("http.compression", false)
                .build();
        // without this Elasticsearch's own logging facade has no implementation; configure(...) would take
        // over System.out/err
        LogConfigurator.configureWithoutConfig(settings);

        Node node;
        try {
            Files.createDirectories(dir.resolve("config"));
            Environment environment =
                    InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "vigil-embedded");
            node = new VigilEmbeddedNode(environment, List.of(Netty4Plugin.class, EmbeddedNodePlugin.class));
        } catch (Exception e) {
            throw failure(dir, httpPort, e);
        }
        int boundPort;
        try {
            node.start();
            boundPort = node.injector()
                    .getInstance(HttpServerTransport.class)
                    .boundAddress()
                    .publishAddress()
                    .getPort();
            awaitHealth(boundPort, READY_TIMEOUT);
        } catch (Exception e) {
            closeQuietly(node, e);
            throw failure(dir, httpPort, e);
        }
        log.info(
                "Elasticsearch node ready on http://{}:{} (data {}) in {} ms",
                ServerSupport.HOST,
                boundPort,
                dir,
                (System.nanoTime() - started) / 1_000_000);
        return new EmbeddedElasticsearch(dir, node, boundPort, dirLock);
    }

    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    public String httpUrl() {
        return "http://" + ServerSupport.HOST + ":" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the node and waits up to 30 s for it; the data stays in {@link #dataDir()}. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            node.close();
            if (!node.awaitClose(30, TimeUnit.SECONDS)) {
                log.warn("Elasticsearch node on {} did not stop within 30 s", dataDir);
            }
        } catch (IOException e) {
            throw new IllegalStateException("stopping Elasticsearch on " + dataDir + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ServerSupport.closeQuietly(dirLock, null);
        }
    }

    /** Polls {@code _cluster/health?wait_for_status=yellow}: the node answers only once it has recovered its state. */
    private static void awaitHealth(int port, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = URI.create(
                "http://" + ServerSupport.HOST + ":" + port + "/_cluster/health?wait_for_status=yellow&timeout=5s");
        String last = "no answer";
        try (HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build()) {
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(15))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    last = response.statusCode() + " " + response.body();
                    if (response.statusCode() == 200 && !response.body().contains("\"timed_out\":true")) {
                        return;
                    }
                } catch (IOException e) {
                    last = e.toString();
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(
                "cluster health did not reach yellow within " + timeout + "; last answer: " + last);
    }

    private static IllegalStateException failure(Path dir, int httpPort, Exception e) {
        if (httpPort != 0 && ServerSupport.causedByBindFailure(e)) {
            return ServerSupport.portInUse("Elasticsearch", httpPort, e);
        }
        return new IllegalStateException(
                "Elasticsearch node on " + dir + " failed to start: " + ServerSupport.rootMessage(e), e);
    }

    private static void closeQuietly(Node node, Exception failure) {
        try {
            node.close();
            node.awaitClose(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }
}
