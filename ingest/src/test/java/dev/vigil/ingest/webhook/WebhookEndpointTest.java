package dev.vigil.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gate in front of the ingest path: which requests reach it, and with which tenant. */
class WebhookEndpointTest {

    record Call(String tenant, String adapter) {}

    final WebhookSources.Source github = WebhookSources.newSource(WebhookSources.Kind.GITHUB, "acme", "shop");
    final WebhookSources.Source gitlab = WebhookSources.newSource(WebhookSources.Kind.GITLAB, "globex", "infra");
    final WebhookSources sources = WebhookSources.empty().with(github).with(gitlab);
    final List<Call> calls = new ArrayList<>();
    final WebhookIngest ingest = (request, tenant, adapter) -> {
        calls.add(new Call(tenant, adapter.name()));
        return Response.json(202, Map.of());
    };
    final WebhookEndpoint githubEndpoint =
            new WebhookEndpoint(WebhookSources.Kind.GITHUB, () -> sources, new GitHubAdapter(), ingest);
    final WebhookEndpoint gitlabEndpoint =
            new WebhookEndpoint(WebhookSources.Kind.GITLAB, () -> sources, new GitLabAdapter(), ingest);

    static Request request(String path, byte[] body, String... headers) {
        Headers h = new Headers();
        h.add("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return new Request("POST", path, null, Map.of(), h, body, null);
    }

    @Test
    void shouldPassAVerifiedGitHubDeliveryOnWithItsSourcesTenant() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        Response r = githubEndpoint.handle(request(
                "/v1/webhooks/github/shop",
                body,
                "X-GitHub-Event",
                "push",
                "X-Hub-Signature-256",
                WebhookSignatures.gitHubSignature(github.secret(), body)));

        assertThat(r.status()).isEqualTo(202);
        assertThat(calls).containsExactly(new Call("acme", "github"));
    }

    @Test
    void shouldPassAVerifiedGitLabDeliveryOnWithItsSourcesTenant() {
        Response r = gitlabEndpoint.handle(
                request("/v1/webhooks/gitlab/infra", new byte[0], "X-Gitlab-Token", gitlab.secret()));

        assertThat(r.status()).isEqualTo(202);
        assertThat(calls).containsExactly(new Call("globex", "gitlab"));
    }

    @Test
    void shouldStopEveryUnverifiedRequestBeforeTheIngestPath() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String good = WebhookSignatures.gitHubSignature(github.secret(), body);

        List<Response> responses = List.of(
                githubEndpoint.handle(request("/v1/webhooks/github/shop", body)),
                githubEndpoint.handle(
                        request("/v1/webhooks/github/shop", "{ }".getBytes(), "X-Hub-Signature-256", good)),
                githubEndpoint.handle(request("/v1/webhooks/github/other", body, "X-Hub-Signature-256", good)),
                githubEndpoint.handle(request("/v1/webhooks/github/shop/extra", body, "X-Hub-Signature-256", good)),
                githubEndpoint.handle(request("/v1/webhooks/github/", body, "X-Hub-Signature-256", good)),
                // The GitLab source's token is no GitHub signature, and a GitHub source is no GitLab one.
                githubEndpoint.handle(request("/v1/webhooks/github/infra", body, "X-Gitlab-Token", gitlab.secret())),
                gitlabEndpoint.handle(request("/v1/webhooks/gitlab/shop", body, "X-Gitlab-Token", github.secret())));

        assertThat(responses).extracting(Response::status).containsOnly(401);
        assertThat(calls).isEmpty();
    }

    @Test
    void shouldAnswerAVerifiedPingItselfWithoutTheIngestPath() {
        byte[] body = "{\"zen\":\"Keep it logically awesome.\"}".getBytes(StandardCharsets.UTF_8);

        Response r = githubEndpoint.handle(request(
                "/v1/webhooks/github/shop",
                body,
                "X-GitHub-Event",
                "ping",
                "X-Hub-Signature-256",
                WebhookSignatures.gitHubSignature(github.secret(), body)));

        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"source\":\"shop\"");
        assertThat(calls).isEmpty();
    }
}
