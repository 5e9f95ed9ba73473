package dev.vigil.auditapi;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.auditapi.admin.AdminEndpoints;
import dev.vigil.auditapi.subscriptions.DeliveryLog;
import dev.vigil.auditapi.subscriptions.SecretBox;
import dev.vigil.auditapi.subscriptions.SubscriptionStore;
import dev.vigil.auditapi.subscriptions.SubscriptionsEndpoint;
import dev.vigil.auditapi.subscriptions.UrlPolicy;
import dev.vigil.auditapi.subscriptions.WebhookWorker;
import dev.vigil.auditapi.ui.LoginLimiter;
import dev.vigil.auditapi.ui.UiRoutes;
import dev.vigil.auditapi.ui.UiSessions;
import dev.vigil.auditapi.violations.ViolationIndex;
import dev.vigil.auditapi.violations.ViolationStream;
import dev.vigil.auditapi.violations.ViolationsConfig;
import dev.vigil.auditapi.violations.ViolationsEndpoint;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.http.HttpService;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.common.json.Json;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import dev.vigil.trail.checkpoint.CheckpointIndex;
import dev.vigil.trail.checkpoint.PublicKeyRing;
import dev.vigil.trail.evidence.EvidenceIndex;
import dev.vigil.trail.evidence.EvidenceKeyIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit API: read-only access to the trail in Elasticsearch for auditors and officers.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>method and path</th><th>role</th><th>answers</th></tr>
 *   <tr><td>GET /v1/audit/records</td><td>auditor (officer passes)</td><td>{@link RecordsPage}, each
 *       record with {@code evidence.url}</td></tr>
 *   <tr><td>GET, HEAD /v1/evidence/{sha256}</td><td>auditor (officer passes)</td><td>the raw payload,
 *       checked against its SHA-256 ({@link EvidenceEndpoint})</td></tr>
 *   <tr><td>GET /v1/audit/checkpoints</td><td>auditor (officer passes)</td><td>signed checkpoints, newest first</td></tr>
 *   <tr><td>GET /v1/audit/keys</td><td>auditor (officer passes)</td><td>the checkpoint public key ring</td></tr>
 *   <tr><td>GET /v1/audit/verify</td><td>auditor (officer passes)</td><td>verification report ({@link VerifyEndpoint})</td></tr>
 *   <tr><td>GET, POST /v1/admin/keys; DELETE /v1/admin/keys/{id}; GET, POST /v1/admin/tenants</td>
 *       <td>admin</td><td>keys and tenants ({@link AdminEndpoints})</td></tr>
 *   <tr><td>GET /openapi.json</td><td>public</td><td>the OpenAPI 3.1 document</td></tr>
 *   <tr><td>GET /v1/audit/export</td><td>auditor (officer passes)</td><td>CSV, JSON Lines or OSCAL, streamed ({@link ExportEndpoint})</td></tr>
 *   <tr><td>GET /v1/audit/export/bundle</td><td>auditor (officer passes)</td><td>signed evidence bundle ({@link BundleEndpoint})</td></tr>
 *   <tr><td>GET /v1/audit/record</td><td>auditor (officer passes)</td><td>one record in its chain ({@link RecordDetail})</td></tr>
 *   <tr><td>GET /v1/audit/posture</td><td>auditor (officer passes)</td><td>posture aggregations ({@link PostureSearch})</td></tr>
 *   <tr><td>GET /v1/controls</td><td>auditor (officer passes)</td><td>the control catalog ({@link ControlsEndpoint})</td></tr>
 *   <tr><td>GET /healthz</td><td>public</td><td>{@code {"status":"ok"}}</td></tr>
 *   <tr><td>GET /ui/*, POST|GET|DELETE /ui/session</td><td>public</td><td>the web UI and its browser
 *       login ({@link UiRoutes}); {@code /v1/*} also accept its session cookie</td></tr>
 * </table>
 *
 * <p>Every search is confined to the tenant of the caller's key. Validation errors are 400
 * problems whose {@code errors[0].pointer} is {@code /query/<parameter>}; an unreachable
 * Elasticsearch is a 503 problem.
 */
public final class AuditApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditApiServer.class);
    static final String RECORDS_PATH = "/v1/audit/records";
    static final String EVIDENCE_ROUTE = EvidenceEndpoint.PATH_PREFIX + "*";
    static final String CHECKPOINTS_PATH = "/v1/audit/checkpoints";
    static final String KEYS_PATH = "/v1/audit/keys";

    private final AuditApiConfig config;
    private final ElasticsearchClient client;
    private final AuditIndex index;
    private final RecordSearch search;
    private final EvidenceIndex evidenceIndex;
    private final EvidenceEndpoint evidence;
    private final CheckpointIndex checkpointIndex;
    private final CheckpointSearch checkpoints;
    private final VerifyEndpoint verify;
    private final TrailInputs trailInputs;
    private final AccessLog accessLog;
    private final ActorPseudonyms actors;
    private final ViolationsEndpoint violations;
    private final ViolationStream violationStream;
    private final SubscriptionStore subscriptionStore;
    private final SubscriptionsEndpoint subscriptions;
    private final WebhookWorker webhooks;
    private final ExportEndpoint exports;
    private final BundleEndpoint bundles;
    private final RecordDetail recordDetail;
    private final ControlsEndpoint controls;
    private final PostureSearch posture;
    private volatile boolean indexInstalled;
    private HttpService http;

    private AuditApiServer(AuditApiConfig config) {
        this.config = config;
        this.client = ElasticsearchClients.create(config.elasticsearchUrl());
        this.index = new AuditIndex(config.indexPrefix());
        this.search = new RecordSearch(client, index.alias(), config.pitKeepAlive());
        this.evidenceIndex = new EvidenceIndex(config.indexPrefix());
        this.evidence = new EvidenceEndpoint(client, evidenceIndex, new EvidenceKeyIndex(config.indexPrefix()));
        this.checkpointIndex = new CheckpointIndex(config.indexPrefix());
        this.checkpoints = new CheckpointSearch(client, checkpointIndex.alias());
        this.verify = new VerifyEndpoint(client, config.indexPrefix(), config.publicKeysDir());
        // The topics are the streams app's to create (it starts first in `vigil up`).
        this.trailInputs = new TrailInputs(config.kafkaBootstrapServers(), config.topicPrefix(), Map.of());
        this.accessLog = new AccessLog(trailInputs, Clock.systemUTC());
        this.actors = ActorPseudonyms.load(config.pseudonymKey());
        ViolationsConfig vc = config.violations();
        this.violations = new ViolationsEndpoint(
                new ViolationIndex(client, index.alias(), vc.maxChanges()),
                trailInputs,
                accessLog,
                Clock.systemUTC(),
                config.maxPageSize(),
                vc.riskMaxDays());
        this.violationStream = new ViolationStream(
                config.kafkaBootstrapServers(),
                trailInputs.topics().violations(),
                accessLog,
                vc.maxStreams(),
                vc.keepAlive());
        this.subscriptionStore = new SubscriptionStore(
                config.kafkaBootstrapServers(), trailInputs.topics().subscriptions());
        SecretBox secrets = SecretBox.lazy(SecretBox.keyFile(config.dataDir()));
        DeliveryLog deliveryLog = new DeliveryLog(client, config.indexPrefix());
        this.subscriptions = new SubscriptionsEndpoint(
                subscriptionStore, secrets, deliveryLog, new UrlPolicy(vc.allowPrivateTargets()), Clock.systemUTC());
        this.webhooks = vc.webhooksEnabled()
                ? new WebhookWorker(
                        config.kafkaBootstrapServers(),
                        config.topicPrefix() + "vigil-webhooks",
                        trailInputs.topics().violations(),
                        subscriptionStore,
                        secrets,
                        deliveryLog,
                        vc,
                        Clock.systemUTC())
                : null;
        this.exports = new ExportEndpoint(
                client, index.alias(), config.pitKeepAlive(), config.maxPageSize(), accessLog, Clock.systemUTC());
        this.bundles = new BundleEndpoint(
                client,
                config.indexPrefix(),
                config.pitKeepAlive(),
                config.maxPageSize(),
                config.publicKeysDir(),
                config.exportSigningKeyFile(),
                accessLog,
                Clock.systemUTC());
        this.recordDetail = new RecordDetail(client, index.alias(), checkpointIndex.alias());
        this.controls = new ControlsEndpoint(ControlsEndpoint.builtIn());
        this.posture = new PostureSearch(client, index.alias(), controls.catalog(), Clock.systemUTC());
    }

    /**
     * Installs the trail index (idempotent) and starts listening. An Elasticsearch that is not up
     * yet does not stop the start: installation is retried on the first search, which answers 503
     * until Elasticsearch can be reached.
     */
    public static AuditApiServer start(AuditApiConfig config, ApiKeys keys) {
        AuditApiServer server = new AuditApiServer(config);
        AdminEndpoints admin = new AdminEndpoints(keys, server.accessLog);
        try {
            server.ensureIndex();
        } catch (RuntimeException e) {
            LOG.warn(
                    "cannot install the audit index {} in Elasticsearch at {} yet ({}); searches answer 503 until it"
                            + " is reachable: check that Elasticsearch runs and vigil.elasticsearch.url points to it",
                    server.index.alias(),
                    config.elasticsearchUrl(),
                    e.getMessage());
        }
        try {
            UiRoutes ui = new UiRoutes(new UiSessions(keys), new LoginLimiter(), config.uiSecureCookie());
            server.http = ui.register(HttpService.builder("audit-api"))
                    .bind(config.host(), config.port())
                    .apiKeys(keys)
                    .maxBodyBytes(64 * 1024)
                    .route("GET", RECORDS_PATH, Role.AUDITOR, server::records)
                    .route("GET", EVIDENCE_ROUTE, Role.AUDITOR, server::evidence)
                    .route("HEAD", EVIDENCE_ROUTE, Role.AUDITOR, server::evidence)
                    .route("GET", CHECKPOINTS_PATH, Role.AUDITOR, server::checkpoints)
                    .route("GET", KEYS_PATH, Role.AUDITOR, server::keys)
                    .route("GET", VerifyEndpoint.PATH, Role.AUDITOR, server::verify)
                    .route("GET", ViolationStream.PATH, Role.AUDITOR, server.violationStream::open)
                    .route(
                            "GET",
                            ViolationsEndpoint.PATH,
                            Role.AUDITOR,
                            r -> server.fromStore(ViolationsEndpoint.PATH, () -> server.violations.list(r)))
                    .route(
                            "POST",
                            ViolationsEndpoint.PATH + "/*",
                            Role.OFFICER,
                            r -> server.fromStore(r.path(), () -> server.violations.acceptRisk(r)))
                    .route("GET", SubscriptionsEndpoint.PATH, Role.OFFICER, server.subscriptions::list)
                    .route("POST", SubscriptionsEndpoint.PATH, Role.OFFICER, server.subscriptions::create)
                    .route(
                            "GET",
                            SubscriptionsEndpoint.PATH + "/*",
                            Role.OFFICER,
                            r -> server.fromStore(r.path(), () -> server.subscriptions.item(r)))
                    .route(
                            "DELETE",
                            SubscriptionsEndpoint.PATH + "/*",
                            Role.OFFICER,
                            r -> server.fromStore(r.path(), () -> server.subscriptions.item(r)))
                    .route("GET", AdminEndpoints.KEYS_PATH, Role.ADMIN, admin::listKeys)
                    .route("POST", AdminEndpoints.KEYS_PATH, Role.ADMIN, admin::createKey)
                    .route("DELETE", AdminEndpoints.KEY_ROUTE, Role.ADMIN, admin::revokeKey)
                    .route("GET", AdminEndpoints.TENANTS_PATH, Role.ADMIN, admin::listTenants)
                    .route("POST", AdminEndpoints.TENANTS_PATH, Role.ADMIN, admin::createTenant)
                    .publicRoute("GET", "/openapi.json", r -> Response.bytes(200, "application/json", openApi()))
                    .route(
                            "GET",
                            ExportEndpoint.PATH,
                            Role.AUDITOR,
                            r -> server.fromStore(ExportEndpoint.PATH, () -> server.exports.handle(r)))
                    .route(
                            "GET",
                            BundleEndpoint.PATH,
                            Role.AUDITOR,
                            r -> server.fromStore(BundleEndpoint.PATH, () -> server.bundles.handle(r)))
                    .route("GET", RecordDetail.PATH, Role.AUDITOR, server::recordDetail)
                    .route("GET", PostureSearch.PATH, Role.AUDITOR, server::posture)
                    .route("GET", ControlsEndpoint.PATH, Role.AUDITOR, r -> Response.json(200, server.controls.body()))
                    .publicRoute("GET", "/healthz", r -> Response.json(200, Map.of("status", "ok")))
                    .build()
                    .start();
            server.subscriptionStore.start();
            if (server.webhooks != null) {
                server.webhooks.start();
            }
        } catch (RuntimeException e) {
            server.closeSubscriptions();
            server.trailInputs.close();
            ElasticsearchClients.close(server.client);
            throw e;
        }
        return server;
    }

    public String baseUrl() {
        return http.baseUrl();
    }

    /** Every route this server answers (tests check each one's authorization and documentation). */
    public List<HttpService.Route> routes() {
        return http.routes();
    }

    /** The OpenAPI 3.1 document of this service (resource {@code openapi.json}, tested against the server). */
    static byte[] openApi() {
        try (java.io.InputStream in = AuditApiServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json missing from the audit-api jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        violationStream.close();
        if (http != null) {
            http.close();
        }
        closeSubscriptions();
        trailInputs.close();
        ElasticsearchClients.close(client);
    }

    private void closeSubscriptions() {
        violationStream.close();
        if (webhooks != null) {
            webhooks.close();
        }
        subscriptionStore.close();
    }

    private Response records(Request request) {
        String tenant = request.principal().tenant();
        RecordsRequest given = RecordsRequest.parse(request.query(), config.maxPageSize());
        // The trail holds people by pseudonym: a login given as actor is searched as its pseudonym.
        RecordsRequest parsed = given.filters().actor() == null
                ? given
                : new RecordsRequest(
                        given.filters()
                                .withActor(actors.userId(tenant, given.filters().actor())),
                        given.filtersGiven(),
                        given.size(),
                        given.cursor());
        return fromStore(RECORDS_PATH, () -> {
            RecordsPage page = search.page(tenant, parsed);
            // Written before the answer leaves: a search the trail cannot record is not answered.
            accessLog.record(
                    request,
                    "search",
                    Map.of("results", Integer.toString(page.records().size())));
            return Response.json(200, withEvidenceLinks(page));
        });
    }

    private Response evidence(Request request) {
        accessLog.record(request, "evidence", Map.of());
        return fromStore(
                request.path(), () -> evidence.serve(request.principal().tenant(), request.path()));
    }

    private Response recordDetail(Request request) {
        RecordDetail.Request parsed = RecordDetail.Request.parse(request.query());
        return fromStore(RecordDetail.PATH, () -> {
            Map<String, Object> body;
            try {
                body = recordDetail.detail(request.principal().tenant(), parsed);
            } catch (dev.vigil.common.http.ProblemException e) {
                // A look for a record that is not there (or is another tenant's) is recorded too.
                accessLog.record(request, "detail", Map.of("result", "not-found"));
                throw e;
            }
            accessLog.record(request, "detail", Map.of("result", "found"));
            return Response.json(200, body);
        });
    }

    private Response posture(Request request) {
        PostureSearch.Request parsed = PostureSearch.Request.parse(request.query(), java.time.Instant.now());
        return fromStore(PostureSearch.PATH, () -> {
            Map<String, Object> body = posture.posture(request.principal().tenant(), parsed);
            accessLog.record(request, "posture", Map.of());
            return Response.json(200, body);
        });
    }

    /**
     * The page as JSON, each record with evidence gaining {@code evidence.url}: the stored document
     * (and so its hash) is untouched, the link exists only in the answer.
     */
    static JsonNode withEvidenceLinks(RecordsPage page) {
        ObjectNode json = Json.mapper().valueToTree(page);
        for (JsonNode record : json.withArray("records")) {
            JsonNode ev = record.get("evidence");
            if (ev instanceof ObjectNode evidenceNode && ev.hasNonNull("sha256")) {
                evidenceNode.put("url", EvidenceEndpoint.url(ev.get("sha256").asText()));
            }
        }
        return json;
    }

    private interface StoreCall {
        Response call() throws IOException;
    }

    private Response fromStore(String instance, StoreCall call) {
        try {
            ensureIndex();
            return call.call();
        } catch (TransportException e) {
            if (e.statusCode() == 429 || e.statusCode() >= 500) {
                return unavailable(e, instance);
            }
            // Elasticsearch answered, but not in a form the client reads: a bug here, not an outage.
            throw new IllegalStateException("unreadable Elasticsearch response to a record search", e);
        } catch (IOException | UncheckedIOException e) {
            return unavailable(e, instance);
        } catch (ElasticsearchException e) {
            if (e.status() == 429 || e.status() >= 500) {
                return unavailable(e, instance);
            }
            throw e;
        }
    }

    /**
     * The tenant's checkpoints. The tenant comes from the caller's key, never from the query, so
     * another tenant's checkpoints cannot be asked for.
     */
    private Response checkpoints(Request request) {
        CheckpointSearch.Request parsed = CheckpointSearch.Request.parse(request.query(), config.maxPageSize());
        String tenant = request.principal().tenant();
        try {
            ensureIndex();
            CheckpointSearch.Page page = checkpoints.page(tenant, parsed);
            accessLog.record(
                    request,
                    "checkpoints",
                    Map.of("results", Integer.toString(page.checkpoints().size())));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("checkpoints", page.checkpoints());
            body.put("next", page.nextCursor());
            return Response.json(200, body);
        } catch (TransportException e) {
            if (e.statusCode() == 429 || e.statusCode() >= 500) {
                return unavailable(e, CHECKPOINTS_PATH);
            }
            throw new IllegalStateException("unreadable Elasticsearch response to a checkpoint search", e);
        } catch (IOException | UncheckedIOException e) {
            return unavailable(e, CHECKPOINTS_PATH);
        } catch (ElasticsearchException e) {
            if (e.status() == 429 || e.status() >= 500) {
                return unavailable(e, CHECKPOINTS_PATH);
            }
            throw e;
        }
    }

    private Response verify(Request request) {
        accessLog.record(request, "verify", Map.of());
        try {
            return verify.handle(request);
        } catch (TransportException e) {
            if (e.statusCode() == 429 || e.statusCode() >= 500) {
                return unavailable(e, VerifyEndpoint.PATH);
            }
            throw new IllegalStateException("unreadable Elasticsearch response to a verification", e);
        } catch (IOException | UncheckedIOException e) {
            return unavailable(e, VerifyEndpoint.PATH);
        } catch (ElasticsearchException e) {
            if (e.status() == 429 || e.status() >= 500) {
                return unavailable(e, VerifyEndpoint.PATH);
            }
            throw e;
        }
    }

    /**
     * The public key ring, read on each request so a rotation shows without a restart. Public
     * keys are not tenant data: every tenant sees the same ring.
     */
    private Response keys(Request request) {
        PublicKeyRing ring = PublicKeyRing.load(config.publicKeysDir());
        List<Map<String, Object>> keys = new ArrayList<>();
        for (PublicKeyRing.Entry e : ring.entries()) {
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("key_id", e.keyId());
            key.put("algorithm", e.algorithm());
            key.put("public_key_pem", e.pem());
            key.put("active", e.active());
            key.put("purpose", "checkpoint");
            keys.add(key);
        }
        // The key evidence bundles are signed with, so an auditor can trust a bundle's manifest.
        if (java.nio.file.Files.exists(config.exportSigningKeyFile())) {
            dev.vigil.trail.checkpoint.SigningKey export = BundleEndpoint.loadKey(config.exportSigningKeyFile());
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("key_id", export.keyId());
            key.put("algorithm", "Ed25519");
            key.put("public_key_pem", dev.vigil.trail.checkpoint.SigningKeys.publicPem(export.publicKey()));
            key.put("active", true);
            key.put("purpose", "export");
            keys.add(key);
        }
        return Response.json(200, Map.of("keys", keys));
    }

    private void ensureIndex() {
        if (!indexInstalled) {
            synchronized (this) {
                if (!indexInstalled) {
                    try {
                        index.install(client);
                        evidenceIndex.install(client);
                        evidence.keyIndex().install(client);
                        checkpointIndex.install(client);
                    } catch (ElasticsearchException e) {
                        if (e.status() != 403) {
                            throw e;
                        }
                        // With Elasticsearch security the audit API holds the read privilege only
                        // (docs/operations.md): the indexer installs the templates and indices.
                        LOG.info(
                                "no privilege to install the trail, evidence and checkpoint templates ({}); relying on the"
                                        + " indexer to install them, as with the read-only audit-api role",
                                e.error().type());
                    }
                    indexInstalled = true;
                    LOG.info("audit index installed behind alias {}", index.alias());
                }
            }
        }
    }

    private Response unavailable(Exception e) {
        return unavailable(e, RECORDS_PATH);
    }

    private Response unavailable(Exception e, String path) {
        LOG.warn(
                "Elasticsearch at {} did not answer a search ({}); answered 503: check that it runs and is healthy",
                config.elasticsearchUrl(),
                e.toString());
        return Response.problem(ApiProblems.storeUnavailable().withInstance(path))
                .header("Retry-After", "5");
    }
}
