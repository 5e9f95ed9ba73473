package dev.vigil.auditapi.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.auditapi.violations.ViolationFilters;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.common.json.Json;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST/GET /v1/subscriptions}, {@code DELETE /v1/subscriptions/{id}},
 * {@code GET /v1/subscriptions/{id}/deliveries}: an officer's webhook subscriptions, confined to the
 * key's tenant. The signing secret is shown once, in the answer to the POST.
 */
public final class SubscriptionsEndpoint {

    public static final String PATH = "/v1/subscriptions";
    private static final String DELIVERIES = "/deliveries";
    private static final int MAX_PER_TENANT = 100;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionsEndpoint.class);

    private final SubscriptionStore store;
    private final SecretBox secrets;
    private final DeliveryLog log;
    private final UrlPolicy urls;
    private final Clock clock;

    public SubscriptionsEndpoint(
            SubscriptionStore store, SecretBox secrets, DeliveryLog log, UrlPolicy urls, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.log = log;
        this.urls = urls;
        this.clock = clock;
    }

    public Response create(Request request) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(request.body());
        } catch (IOException e) {
            throw invalid("", "The body is not JSON.");
        }
        if (json == null || !json.isObject()) {
            throw invalid("", "The body must be a JSON object with url, format and filters.");
        }
        JsonNode urlNode = json.get("url");
        if (urlNode == null || !urlNode.isTextual() || urlNode.asText().isBlank()) {
            throw invalid("/url", "url is required: the https URL Vigil POSTs violation changes to.");
        }
        String url = urlNode.asText().trim();
        if (url.length() > 2048) {
            throw invalid("/url", "url is longer than 2048 characters.");
        }
        String refusal = urls.refusal(url);
        if (refusal != null) {
            throw invalid("/url", refusal);
        }
        String format = json.path("format").asText(Subscription.VIGIL).toLowerCase(Locale.ROOT);
        if (!format.equals(Subscription.VIGIL) && !format.equals(Subscription.SLACK)) {
            throw invalid("/format", "format must be vigil or slack.");
        }
        JsonNode f = json.path("filters");
        if (!f.isMissingNode() && !f.isNull() && !f.isObject()) {
            throw invalid("/filters", "filters must be an object with control, severity, scope, framework.");
        }
        ViolationFilters filters = ViolationFilters.of(
                text(f, "control"), text(f, "severity"), text(f, "scope"), text(f, "framework"), "/filters/");
        String tenant = request.principal().tenant();
        if (store.of(tenant).size() >= MAX_PER_TENANT) {
            throw new ProblemException(Problem.of(
                    409,
                    "too-many-subscriptions",
                    "Too Many Subscriptions",
                    "A tenant has at most " + MAX_PER_TENANT + " subscriptions; delete one first."));
        }
        byte[] idBytes = new byte[8];
        RANDOM.nextBytes(idBytes);
        String id = "sub_" + HexFormat.of().formatHex(idBytes);
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        Subscription s = new Subscription(
                id,
                tenant,
                url,
                format,
                filters,
                clock.instant().truncatedTo(ChronoUnit.MILLIS).toString(),
                "key:" + request.principal().keyId(),
                secrets.seal(secret, id));
        try {
            store.put(s);
        } catch (SubscriptionStore.UnavailableException e) {
            LOG.warn("cannot store a subscription ({}); answered 503: check that Kafka runs", e.getMessage());
            return unavailable();
        }
        Map<String, Object> body = view(s);
        body.put("secret", secret);
        return Response.json(201, body).header("Location", PATH + "/" + id);
    }

    public Response list(Request request) {
        List<Map<String, Object>> out = store.of(request.principal().tenant()).stream()
                .map(SubscriptionsEndpoint::view)
                .toList();
        return Response.json(200, Map.of("subscriptions", out));
    }

    /** DELETE /v1/subscriptions/{id} and GET /v1/subscriptions/{id}/deliveries. */
    public Response item(Request request) throws IOException {
        String rest = request.path().substring(PATH.length() + 1);
        String tenant = request.principal().tenant();
        if (request.method().equals("GET") && rest.endsWith(DELIVERIES)) {
            Subscription s = find(tenant, rest.substring(0, rest.length() - DELIVERIES.length()));
            int size = 100;
            String raw = request.param("size").orElse(null);
            if (raw != null) {
                try {
                    size = Integer.parseInt(raw);
                } catch (NumberFormatException e) {
                    size = -1;
                }
                if (size < 1 || size > 1000) {
                    throw new ProblemException(Problem.invalidField(
                            "invalid-parameter", "Invalid Parameter", "/query/size", "size must be 1 to 1000."));
                }
            }
            return Response.json(200, Map.of("deliveries", log.recent(tenant, s.id(), size)));
        }
        if (request.method().equals("DELETE") && !rest.contains("/")) {
            Subscription s = find(tenant, rest);
            try {
                store.delete(s);
            } catch (SubscriptionStore.UnavailableException e) {
                LOG.warn("cannot delete a subscription ({}); answered 503: check that Kafka runs", e.getMessage());
                return unavailable();
            }
            return Response.bytes(204, null, new byte[0]);
        }
        throw new ProblemException(Problem.notFound());
    }

    private Subscription find(String tenant, String id) {
        return store.get(tenant, id)
                .orElseThrow(() -> new ProblemException(Problem.of(
                        404,
                        "subscription-not-found",
                        "Subscription Not Found",
                        "No subscription " + id + " in your tenant.")));
    }

    static Map<String, Object> view(Subscription s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("url", s.url());
        m.put("format", s.format());
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("control", s.filters().control());
        f.put("severity", s.filters().severity());
        f.put("scope", s.filters().scope());
        f.put("framework", s.filters().framework());
        m.put("filters", f);
        m.put("created_at", s.createdAt());
        m.put("created_by", s.createdBy());
        return m;
    }

    private static Response unavailable() {
        return Response.problem(Problem.unavailable("Subscriptions cannot be stored right now; retry later."))
                .header("Retry-After", "5");
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static ProblemException invalid(String pointer, String detail) {
        return new ProblemException(
                Problem.invalidField("invalid-subscription", "Invalid Subscription", pointer, detail));
    }
}
