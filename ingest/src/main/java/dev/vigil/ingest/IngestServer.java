package dev.vigil.ingest;

import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.http.HttpService;
import dev.vigil.common.http.Response;
import dev.vigil.ingest.adapter.InputAdapter;
import dev.vigil.ingest.cdevents.CDEventsAdapter;
import dev.vigil.ingest.scan.ScanAdapters;
import dev.vigil.ingest.scan.SecretHasher;
import dev.vigil.ingest.webhook.GitHubAdapter;
import dev.vigil.ingest.webhook.GitLabAdapter;
import dev.vigil.ingest.webhook.WebhookEndpoint;
import dev.vigil.ingest.webhook.WebhookSources;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: {@code POST /v1/events} (publisher role) normalizes CI/CD input through its
 * {@link InputAdapter}s onto vigil.pipeline-events, keyed {@code tenant/scope}; refused input goes
 * to vigil.ingest-rejected. {@code POST /v1/webhooks/github|gitlab/{source}} take GitHub and GitLab
 * webhooks, authenticated by their source's secret instead of an API key, onto the same path.
 * {@code GET /healthz} is public.
 */
public final class IngestServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);

    /**
     * In order: the first adapter that accepts a request reads it. The webhook adapters come first:
     * their bodies are application/json too, told apart by their event header. The scanner adapters
     * follow: each claims only its own media type, its {@code ?format=} name or plain JSON of its
     * shape, so a bare CDEvent (top-level context + subject) still reaches the CDEvents adapter, last.
     */
    static List<InputAdapter> adapters(SecretHasher secretHasher) {
        List<InputAdapter> adapters = new ArrayList<>(List.of(new GitHubAdapter(), new GitLabAdapter()));
        adapters.addAll(ScanAdapters.all(secretHasher));
        adapters.add(new CDEventsAdapter());
        return List.copyOf(adapters);
    }

    private final HttpService http;
    private final KafkaSink sink;

    private IngestServer(HttpService http, KafkaSink sink) {
        this.http = http;
        this.sink = sink;
    }

    public static IngestServer start(IngestConfig config, ApiKeys keys) {
        return start(config, keys, Clock.systemUTC());
    }

    static IngestServer start(IngestConfig config, ApiKeys keys, Clock clock) {
        Topics topics = Topics.withPrefix(config.topicPrefix());
        requireTopics(config, topics);
        KafkaSink sink = KafkaSink.create(config);
        try {
            RecentDeliveries recent = new RecentDeliveries(config.dedupMaxEntries(), config.dedupTtl(), clock);
            SecretHasher secretHasher = ScanAdapters.hasher(config.secretHashKey(), Path.of(config.dataDir()));
            EventsEndpoint events = new EventsEndpoint(adapters(secretHasher), topics, sink, clock, recent);
            Supplier<WebhookSources> sources = WebhookSources.reloading(config.webhookSourcesFile());
            HttpService http = HttpService.builder("ingest")
                    .bind(config.host(), config.port())
                    .apiKeys(keys)
                    .maxBodyBytes(config.maxBodyBytes())
                    .route("POST", "/v1/events", Role.PUBLISHER, events)
                    // Public: a webhook proves itself by its source's secret, checked before anything is read or kept.
                    .publicRoute(
                            "POST",
                            WebhookEndpoint.route(WebhookSources.Kind.GITHUB),
                            new WebhookEndpoint(
                                    WebhookSources.Kind.GITHUB, sources, new GitHubAdapter(), events::ingest))
                    .publicRoute(
                            "POST",
                            WebhookEndpoint.route(WebhookSources.Kind.GITLAB),
                            new WebhookEndpoint(
                                    WebhookSources.Kind.GITLAB, sources, new GitLabAdapter(), events::ingest))
                    .route(
                            "GET",
                            "/openapi.json",
                            Role.PUBLISHER,
                            r -> Response.bytes(200, "application/json", openApi()))
                    .publicRoute("GET", "/healthz", r -> Response.json(200, Map.of("status", "ok")))
                    .build()
                    .start();
            LOG.info(
                    "ingest accepts {} on {}/v1/events and webhooks on {}/v1/webhooks/{{github,gitlab}}/<source>"
                            + " ({} source(s) in {}), publishing to {} (refused input to {})",
                    events.acceptedMediaTypes(),
                    http.baseUrl(),
                    http.baseUrl(),
                    sources.get().all().size(),
                    config.webhookSourcesFile(),
                    topics.pipelineEvents().name(),
                    topics.ingestRejected().name());
            return new IngestServer(http, sink);
        } catch (RuntimeException e) {
            sink.close();
            throw e;
        }
    }

    /** The OpenAPI 3.1 document of this service (resource {@code openapi.json}, tested against the server). */
    static byte[] openApi() {
        try (InputStream in = IngestServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json missing from the ingest jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return http.baseUrl();
    }

    /** Every route this server answers (tests check each one's authorization and documentation). */
    public List<HttpService.Route> routes() {
        return http.routes();
    }

    @Override
    public void close() {
        // Stop taking requests first so in-flight ones can still reach the producer.
        http.close();
        sink.close();
    }

    /**
     * Fails fast when the output topics are missing: a broker that auto-creates topics would
     * otherwise make them with its default partition count and break co-partitioning with the
     * streams app.
     */
    private static void requireTopics(IngestConfig config, Topics topics) {
        Map<String, Object> props = new HashMap<>();
        config.producerOverrides().forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "vigil-ingest-admin");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        List<String> names = List.of(
                topics.pipelineEvents().name(),
                topics.scanResults().name(),
                topics.evidence().name(),
                topics.ingestRejected().name());
        try (Admin admin = Admin.create(props)) {
            admin.describeTopics(names).allTopicNames().get(25, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("ingest needs topics " + names + " on Kafka at "
                        + config.bootstrapServers() + " and at least one is missing: create the registry's topics"
                        + " first (vigil up does; or TopicAdmin.ensureTopics), then start ingest again.");
            }
            throw new IllegalStateException(
                    "ingest cannot check its topics on Kafka at " + config.bootstrapServers() + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("ingest cannot reach Kafka at " + config.bootstrapServers()
                    + " within 25 s: check vigil.kafka.bootstrap-servers and that the broker is up.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics on Kafka", e);
        }
    }
}
