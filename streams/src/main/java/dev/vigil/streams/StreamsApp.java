package dev.vigil.streams;

import dev.vigil.controls.ControlCatalog;
import dev.vigil.controls.ControlEngine;
import dev.vigil.controls.ControlEngines;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.checkpoint.PublicKeyRing;
import dev.vigil.trail.privacy.Pseudonyms;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running streams app: {@link ComplianceTopology} under exactly-once, with every error path explicit. */
public final class StreamsApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);

    /** Replication of Vigil's topics on the one-box broker; clusters create topics with their own policy. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final String applicationId;

    private StreamsApp(KafkaStreams streams, String applicationId) {
        this.streams = streams;
        this.applicationId = applicationId;
    }

    /** Starts with the engine the configuration names ({@link #engineFor}). */
    public static StreamsApp start(StreamsAppConfig cfg) {
        return start(cfg, engineFor(cfg));
    }

    /**
     * The control engine for this configuration: the built-in catalog plus
     * {@code vigil.controls.files}. The only place that turns a catalog into an engine.
     */
    public static ControlEngine engineFor(StreamsAppConfig cfg) {
        // Refuses a bad control file here, at start, with its file, line and reason.
        ControlCatalog catalog = ControlCatalog.load(cfg.controlFiles());
        LOG.info(
                "evaluating {} controls of catalog {} (user files: {})",
                catalog.controls().size(),
                catalog.version(),
                cfg.controlFiles());
        return ControlEngines.of(catalog);
    }

    public static StreamsApp start(StreamsAppConfig cfg, ControlEngine engine) {
        // Before anything else: an app that cannot sign checkpoints must not start chaining.
        Checkpointing checkpointing = cfg.checkpointing();
        publishPublicKey(cfg, checkpointing);
        Pseudonyms pseudonyms = cfg.pseudonyms();
        LOG.info("pseudonymizing people with the key from {}", cfg.pseudonymKey());
        Topics topics = cfg.topics();
        ensureTopics(cfg, topics);
        try {
            Files.createDirectories(cfg.stateDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the streams state folder " + cfg.stateDir(), e);
        }
        Topology topology = ComplianceTopology.build(
                topics, Clock.systemUTC(), engine, cfg.topologySettings(), checkpointing, pseudonyms);
        KafkaStreams streams = new KafkaStreams(topology, properties(cfg, topics));
        streams.setUncaughtExceptionHandler(new UncaughtErrorPolicy());
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR) {
                LOG.error(
                        "streams app {} is in state ERROR and processes nothing; see the errors above, fix the"
                                + " cause and restart the service",
                        cfg.applicationId());
            } else {
                LOG.info("streams app {}: {} -> {}", cfg.applicationId(), before, now);
            }
        });
        LOG.info(
                "starting streams app {} on {} (topic prefix '{}', state {}, catalog {}, {} facets)",
                cfg.applicationId(),
                cfg.bootstrapServers(),
                cfg.topicPrefix(),
                cfg.stateDir(),
                engine.catalogVersion(),
                engine.facets().size());
        try {
            streams.start();
        } catch (RuntimeException e) {
            streams.close(Duration.ZERO);
            throw e;
        }
        return new StreamsApp(streams, cfg.applicationId());
    }

    /**
     * Puts the signing key's public half into the ring and marks it active, so verifiers and
     * {@code GET /v1/audit/keys} find it. A ring this instance cannot write (a read-only mount
     * managed by the operator) is not fatal, but a key missing from it is worth a warning.
     */
    private static void publishPublicKey(StreamsAppConfig cfg, Checkpointing checkpointing) {
        String keyId = checkpointing.key().keyId();
        try {
            PublicKeyRing.publish(cfg.publicKeysDir(), checkpointing.key().publicKey(), true);
            LOG.info(
                    "signing checkpoints with key {} from {} every {} and every {} links; public key in {}",
                    keyId,
                    cfg.signingKey(),
                    checkpointing.interval(),
                    checkpointing.every(),
                    cfg.publicKeysDir());
        } catch (RuntimeException e) {
            LOG.warn(
                    "signing checkpoints with key {} from {}, but cannot publish its public key in {} ({}): copy"
                            + " {}.pem into the ring that verifiers and the audit API read",
                    keyId,
                    cfg.signingKey(),
                    cfg.publicKeysDir(),
                    e.getMessage(),
                    keyId);
        }
    }

    static Properties properties(StreamsAppConfig cfg, Topics topics) {
        Properties props = new Properties();
        props.putAll(cfg.streamsPassthrough());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, cfg.commitIntervalMs());
        // Changelog and repartition topics hold the chain heads: as durable as the trail itself.
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, cfg.replicationFactor());
        props.put(StreamsConfig.STATE_DIR_CONFIG, cfg.stateDir().toString());
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DeadLetterQueue.topicName(topics));
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        // No global stores today; opting in now keeps any future one on the same dead-letter path (default in 5.0).
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, TrailProductionHandler.class);
        return props;
    }

    private static void ensureTopics(StreamsAppConfig cfg, Topics topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, topics, (short) cfg.replicationFactor());
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Ids of the tasks (one per input partition) this instance processes now, e.g. {@code 0_3}. */
    public Set<String> activeTasks() {
        return streams.metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .map(task -> task.taskId().toString())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Blocks until every task is assigned and restored (RUNNING); fails fast if the app died. */
    public void waitUntilRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return;
            }
            if (state == KafkaStreams.State.ERROR
                    || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.NOT_RUNNING
                    || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                throw new IllegalStateException("streams app " + applicationId + " stopped while starting: " + state);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "streams app " + applicationId + " not running after " + timeout + " (state " + state + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for streams app " + applicationId, e);
            }
        }
    }

    /**
     * Stops within {@code timeout}: committed work stays, the open transaction is aborted. The
     * instance leaves the consumer group so a restart gets its tasks back without waiting for the
     * session timeout. {@code Duration.ZERO} returns at once and lets the threads stop in the background.
     */
    public boolean close(Duration timeout) {
        return streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(timeout));
    }

    @Override
    public void close() {
        if (!close(CLOSE_TIMEOUT)) {
            LOG.warn(
                    "streams app {} did not stop within {}; its threads finish in the background",
                    applicationId,
                    CLOSE_TIMEOUT);
        }
    }
}
