package dev.vigil.ingest.webhook;

import dev.vigil.common.http.HttpService;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.ingest.adapter.InputAdapter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/webhooks/{github|gitlab}/{sourceId}}: public (GitHub and GitLab cannot send an
 * API key), so the request must prove itself first. An unknown source, a source of the other
 * kind, and a missing or wrong signature all get the same 401 and nothing is written anywhere,
 * not even to vigil.ingest-rejected: unauthenticated bytes must not be able to fill a topic.
 * Only a verified request goes on to the ingest path, with the tenant its source is bound to.
 */
public final class WebhookEndpoint implements HttpService.Handler {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookEndpoint.class);

    public static final String PATH_PREFIX = "/v1/webhooks/";
    static final String UNAUTHORIZED_TYPE = "webhook-unauthorized";
    // Verifies against something when the source is unknown, so the answer takes as long as for a known one.
    private static final String UNKNOWN_SOURCE_SECRET = "0".repeat(64);

    private final WebhookSources.Kind kind;
    private final Supplier<WebhookSources> sources;
    private final InputAdapter adapter;
    private final WebhookIngest ingest;

    public WebhookEndpoint(
            WebhookSources.Kind kind, Supplier<WebhookSources> sources, InputAdapter adapter, WebhookIngest ingest) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.adapter = Objects.requireNonNull(adapter, "adapter");
        this.ingest = Objects.requireNonNull(ingest, "ingest");
    }

    /** The route pattern for {@link HttpService.Builder#publicRoute}. */
    public static String route(WebhookSources.Kind kind) {
        return PATH_PREFIX + kind.slug() + "/*";
    }

    @Override
    public Response handle(Request request) {
        String sourceId = sourceId(request.path());
        Optional<WebhookSources.Source> source = sourceId == null
                ? Optional.empty()
                : sources.get().find(sourceId).filter(s -> s.kind() == kind);
        String secret = source.map(WebhookSources.Source::secret).orElse(UNKNOWN_SOURCE_SECRET);
        boolean verified =
                switch (kind) {
                    case GITHUB ->
                        WebhookSignatures.verifyGitHub(
                                secret,
                                request.body(),
                                request.header(WebhookSignatures.GITHUB_HEADER).orElse(null));
                    case GITLAB ->
                        WebhookSignatures.verifyGitLab(
                                secret,
                                request.header(WebhookSignatures.GITLAB_HEADER).orElse(null));
                };
        if (source.isEmpty() || !verified) {
            LOG.info(
                    "refused {} webhook for source '{}': {}; nothing kept. If this is your webhook, check its URL"
                            + " and secret against 'vigil webhooks list'.",
                    kind.slug(),
                    sourceId == null ? "" : sourceId,
                    source.isEmpty() ? "no such " + kind.slug() + " source" : "missing or wrong signature");
            return Response.problem(Problem.of(
                            401,
                            UNAUTHORIZED_TYPE,
                            "Unauthorized",
                            "Unknown webhook source, or the request is not signed with its secret ("
                                    + (kind == WebhookSources.Kind.GITHUB
                                            ? WebhookSignatures.GITHUB_HEADER
                                            : WebhookSignatures.GITLAB_HEADER)
                                    + ").")
                    .withInstance(request.path()));
        }
        if (kind == WebhookSources.Kind.GITHUB
                && request.header(GitHubAdapter.EVENT_HEADER).orElse("").equals("ping")) {
            // GitHub's check that the hook is set up: answered, not recorded (it carries no CI/CD fact).
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("ping", "ok");
            answer.put("source", source.get().id());
            return Response.json(200, answer);
        }
        return ingest.ingest(request, source.get().tenant(), adapter);
    }

    /** The {sourceId} segment, or null when the path has none or more than one segment after the kind. */
    String sourceId(String path) {
        String prefix = PATH_PREFIX + kind.slug() + "/";
        if (!path.startsWith(prefix)) {
            return null;
        }
        String id = path.substring(prefix.length());
        return WebhookSources.isValidId(id) ? id : null;
    }
}
