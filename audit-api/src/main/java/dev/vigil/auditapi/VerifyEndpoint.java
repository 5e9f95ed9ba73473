package dev.vigil.auditapi;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.trail.verify.PemKeyRing;
import dev.vigil.trail.verify.TrailVerifier;
import dev.vigil.trail.verify.VerifyReport;
import dev.vigil.trail.verify.VerifyRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * {@code GET /v1/audit/verify?scope=&from=&to=}: runs the trail verifier over the caller's tenant
 * (never another: the tenant comes from the key) and answers its JSON report. Bounded: at most
 * {@value #MAX_DOCUMENTS} documents and {@link #TIME_LIMIT} per request, one verification at a time
 * per server (a second one answers 429); a run that hits a bound answers its partial report with
 * {@code complete: false} and the reason. The key ring is read from {@code vigil.trail.public-keys-dir} at each
 * request, so a new public key needs no restart.
 */
final class VerifyEndpoint {

    static final String PATH = "/v1/audit/verify";
    static final long MAX_DOCUMENTS = 2_000_000;
    static final Duration TIME_LIMIT = Duration.ofSeconds(30);
    private static final Set<String> PARAMETERS = Set.of("scope", "from", "to");

    private final ElasticsearchClient client;
    private final String indexPrefix;
    private final Path keysDir;
    private final Semaphore running = new Semaphore(1);

    VerifyEndpoint(ElasticsearchClient client, String indexPrefix, Path keysDir) {
        this.client = client;
        this.indexPrefix = indexPrefix;
        this.keysDir = keysDir;
    }

    /** The report; IOExceptions (Elasticsearch unreachable) are the caller's to answer 503. */
    Response handle(Request request) throws IOException {
        Map<String, List<String>> query = request.query();
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (!PARAMETERS.contains(e.getKey())) {
                throw ApiProblems.invalidParameter(
                        e.getKey(), "Unknown parameter; this endpoint takes scope, from and to.");
            }
            if (e.getValue().size() > 1) {
                throw ApiProblems.invalidParameter(e.getKey(), "Give this parameter at most once.");
            }
        }
        String scope = value(query, "scope");
        Instant from = instant(query, "from");
        Instant to = instant(query, "to");
        if (from != null && to != null && !to.isAfter(from)) {
            throw ApiProblems.invalidParameter("to", "'to' (exclusive) must be later than 'from' (inclusive).");
        }
        if (!running.tryAcquire()) {
            return Response.problem(Problem.of(
                                    429,
                                    "verification-running",
                                    "Verification Running",
                                    "Another verification runs on this server; retry when it has finished.")
                            .withInstance(PATH))
                    .header("Retry-After", "10");
        }
        try {
            TrailVerifier verifier = new TrailVerifier(client, indexPrefix, PemKeyRing.load(keysDir));
            VerifyReport report = verifier.verify(
                    new VerifyRequest(request.principal().tenant(), scope, from, to, MAX_DOCUMENTS, TIME_LIMIT),
                    null,
                    null);
            return Response.json(200, report);
        } finally {
            running.release();
        }
    }

    private static String value(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }

    private static Instant instant(Map<String, List<String>> query, String name) {
        String v = value(query, name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v.strip());
        } catch (DateTimeParseException e) {
            throw ApiProblems.invalidParameter(name, "Give an RFC 3339 instant in UTC, such as 2026-05-01T00:00:00Z.");
        }
    }
}
