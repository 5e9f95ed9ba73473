package dev.vigil.auditapi;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.http.HttpService;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit API: read-only access to the trail in Elasticsearch for auditors and officers.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>method and path</th><th>role</th><th>answers</th></tr>
 *   <tr><td>GET /v1/audit/records</td><td>auditor (officer passes)</td><td>{@link RecordsPage}</td></tr>
 *   <tr><td>GET /v1/audit/verify</td><td>auditor (officer passes)</td><td>verification report ({@link VerifyEndpoint})</td></tr>
 *   <tr><td>GET /healthz</td><td>public</td><td>{@code {"status":"ok"}}</td></tr>
 * </table>
 *
 * <p>Every search is confined to the tenant of the caller's key. Validation errors are 400
 * problems whose {@code errors[0].pointer} is {@code /query/<parameter>}; an unreachable
 * Elasticsearch is a 503 problem.
 */
public final class AuditApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditApiServer.class);
    static final String RECORDS_PATH = "/v1/audit/records";

    private final AuditApiConfig config;
    private final ElasticsearchClient client;
    private final AuditIndex index;
    private final RecordSearch search;
    private final VerifyEndpoint verify;
    private volatile boolean indexInstalled;
    private HttpService http;

    private AuditApiServer(AuditApiConfig config) {
        this.config = config;
        this.client = ElasticsearchClients.create(config.elasticsearchUrl());
        this.index = new AuditIndex(config.indexPrefix());
        this.search = new RecordSearch(client, index.alias(), config.pitKeepAlive());
        this.verify = new VerifyEndpoint(client, config.indexPrefix(), java.nio.file.Path.of(config.verifyKeysDir()));
    }

    /**
     * Installs the trail index (idempotent) and starts listening. An Elasticsearch that is not up
     * yet does not stop the start: installation is retried on the first search, which answers 503
     * until Elasticsearch can be reached.
     */
    public static AuditApiServer start(AuditApiConfig config, ApiKeys keys) {
        AuditApiServer server = new AuditApiServer(config);
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
            server.http = HttpService.builder("audit-api")
                    .bind(config.host(), config.port())
                    .apiKeys(keys)
                    .maxBodyBytes(64 * 1024)
                    .route("GET", RECORDS_PATH, Role.AUDITOR, server::records)
                    .route("GET", VerifyEndpoint.PATH, Role.AUDITOR, server::verify)
                    .publicRoute("GET", "/healthz", r -> Response.json(200, Map.of("status", "ok")))
                    .build()
                    .start();
        } catch (RuntimeException e) {
            ElasticsearchClients.close(server.client);
            throw e;
        }
        return server;
    }

    public String baseUrl() {
        return http.baseUrl();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        ElasticsearchClients.close(client);
    }

    private Response records(Request request) {
        RecordsRequest parsed = RecordsRequest.parse(request.query(), config.maxPageSize());
        String tenant = request.principal().tenant();
        try {
            ensureIndex();
            return Response.json(200, search.page(tenant, parsed));
        } catch (TransportException e) {
            if (e.statusCode() == 429 || e.statusCode() >= 500) {
                return unavailable(e);
            }
            // Elasticsearch answered, but not in a form the client reads: a bug here, not an outage.
            throw new IllegalStateException("unreadable Elasticsearch response to a record search", e);
        } catch (IOException | UncheckedIOException e) {
            return unavailable(e);
        } catch (ElasticsearchException e) {
            if (e.status() == 429 || e.status() >= 500) {
                return unavailable(e);
            }
            throw e;
        }
    }

    private Response verify(Request request) {
        try {
            return verify.handle(request);
        } catch (TransportException e) {
            if (e.statusCode() == 429 || e.statusCode() >= 500) {
                return unavailable(e);
            }
            throw new IllegalStateException("unreadable Elasticsearch response to a verification", e);
        } catch (IOException | UncheckedIOException e) {
            return unavailable(e);
        } catch (ElasticsearchException e) {
            if (e.status() == 429 || e.status() >= 500) {
                return unavailable(e);
            }
            throw e;
        }
    }

    private void ensureIndex() {
        if (!indexInstalled) {
            synchronized (this) {
                if (!indexInstalled) {
                    index.install(client);
                    indexInstalled = true;
                    LOG.info("audit index installed behind alias {}", index.alias());
                }
            }
        }
    }

    private Response unavailable(Exception e) {
        LOG.warn(
                "Elasticsearch at {} did not answer a search ({}); answered 503: check that it runs and is healthy",
                config.elasticsearchUrl(),
                e.toString());
        return Response.problem(ApiProblems.storeUnavailable().withInstance(RECORDS_PATH))
                .header("Retry-After", "5");
    }
}
