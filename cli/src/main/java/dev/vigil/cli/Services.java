package dev.vigil.cli;

import dev.vigil.auditapi.AuditApiConfig;
import dev.vigil.auditapi.AuditApiServer;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.config.Config;
import dev.vigil.common.config.SharedFields;
import dev.vigil.ingest.IngestConfig;
import dev.vigil.ingest.IngestServer;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.streams.StreamsApp;
import dev.vigil.streams.StreamsAppConfig;
import dev.vigil.streams.indexer.AuditIndexer;
import dev.vigil.streams.indexer.CheckpointIndexer;
import dev.vigil.streams.indexer.EvidenceIndexer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Vigil's services in one JVM and closes them in reverse order. */
final class Services implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Services.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private String ingestUrl;
    private String auditApiUrl;

    String ingestUrl() {
        return ingestUrl;
    }

    String auditApiUrl() {
        return auditApiUrl;
    }

    void startStreams(CliArgs args, Map<String, String> extra) {
        StreamsAppConfig cfg = StreamsAppConfig.from(args.resolve(StreamsAppConfig.FIELDS, extra));
        // The catalog (built-in plus vigil.controls.files) becomes an engine once, before anything starts.
        StreamsApp streams = StreamsApp.start(cfg, StreamsApp.engineFor(cfg));
        started.push(streams);
        streams.waitUntilRunning(Duration.ofSeconds(120));
        started.push(AuditIndexer.start(cfg));
        started.push(EvidenceIndexer.start(cfg));
        started.push(CheckpointIndexer.start(cfg));
    }

    void startIngest(CliArgs args, Map<String, String> extra, ApiKeys keys) {
        IngestServer ingest = IngestServer.start(IngestConfig.from(args.resolve(IngestConfig.FIELDS, extra)), keys);
        started.push(ingest);
        ingestUrl = ingest.baseUrl();
    }

    void startAuditApi(CliArgs args, Map<String, String> extra, ApiKeys keys) {
        AuditApiServer api =
                AuditApiServer.start(AuditApiConfig.from(args.resolve(AuditApiConfig.FIELDS, extra)), keys);
        started.push(api);
        auditApiUrl = api.baseUrl();
    }

    /**
     * Creates the registry's topics (idempotent). The streams app does this itself when it starts;
     * ingest only checks for them (a broker that auto-creates topics would pick the wrong partition
     * count), so a command starting ingest without streams calls this first.
     */
    static void ensureTopics(CliArgs args, Map<String, String> extra) {
        Config config = args.resolve(
                List.of(
                        SharedFields.KAFKA_BOOTSTRAP_SERVERS,
                        SharedFields.TOPIC_PREFIX,
                        SharedFields.KAFKA_REPLICATION_FACTOR),
                extra);
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(SharedFields.KAFKA_BOOTSTRAP_SERVERS)))) {
            TopicAdmin.ensureTopics(
                    admin,
                    Topics.withPrefix(config.get(SharedFields.TOPIC_PREFIX)),
                    config.get(SharedFields.KAFKA_REPLICATION_FACTOR).shortValue());
        }
    }

    /** Takes ownership of another resource (an embedded server) to close with the services. */
    void own(AutoCloseable resource) {
        started.push(resource);
    }

    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", next.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
