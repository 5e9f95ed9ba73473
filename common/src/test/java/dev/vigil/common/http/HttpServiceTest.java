package dev.vigil.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpServiceTest {

    static ApiKeys keys = new ApiKeys(List.of());
    static String publisher;
    static String auditor;
    static HttpService service;
    static HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        publisher = keys.mint("acme", Set.of(Role.PUBLISHER), "p").key();
        auditor = keys.mint("acme", Set.of(Role.AUDITOR), "a").key();
        service = HttpService.builder("test")
                .bind("127.0.0.1", 0)
                .apiKeys(keys)
                .maxBodyBytes(100)
                .route(
                        "POST",
                        "/v1/echo",
                        Role.PUBLISHER,
                        r -> Response.json(200, Map.of("tenant", r.principal().tenant(), "size", r.body().length)))
                .route("GET", "/v1/boom", Role.AUDITOR, r -> {
                    throw new IllegalStateException("secret internal detail");
                })
                .route("GET", "/v1/invalid", Role.AUDITOR, r -> {
                    throw new ProblemException(
                            Problem.invalidField("invalid-field", "Invalid", "/query/x", "x is bad"));
                })
                .publicRoute("GET", "/healthz", r -> Response.json(200, Map.of("status", "ok")))
                .publicRoute(
                        "GET",
                        "/v1/stream-cut",
                        r -> Response.stream(200, "text/csv", out -> {
                            out.write("time,seq\n2026-01-01T00:00:00Z,1\n"
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                            out.flush();
                            throw new java.io.IOException("the store went away after the first page");
                        }))
                .publicRoute(
                        "GET",
                        "/v1/stream-whole",
                        r -> Response.stream(
                                200,
                                "text/csv",
                                out -> out.write("time,seq\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .publicRoute(
                        "POST",
                        "/v1/hooks/*",
                        r -> Response.json(200, Map.of("path", r.path(), "size", r.body().length)))
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static HttpResponse<String> sendOnNewConnection(String method, String path, String key, String body)
            throws Exception {
        try (HttpClient own = HttpClient.newHttpClient()) {
            return send(own, method, path, key, body);
        }
    }

    static HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        return send(client, method, path, key, body);
    }

    static HttpResponse<String> send(HttpClient via, String method, String path, String key, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return via.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldCutTheConnectionWhenAStreamedBodyFailsSoTheClientCannotMistakeItForComplete() {
        // A chunked export whose source fails mid-way must not end with the terminating chunk: the
        // client has to see an error, not a shorter file.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> send("GET", "/v1/stream-cut", null, null))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void shouldEndAWholeStreamedBodyNormally() throws Exception {
        var response = send("GET", "/v1/stream-whole", null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("time,seq\n");
        // The server is still fine after a cut stream.
        assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerTheCallersTenantToAnAuthorizedRequest() throws Exception {
        var response = send("POST", "/v1/echo", publisher, "hello");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(response.body()).get("tenant").asText())
                .isEqualTo("acme");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void shouldAnswer401ProblemWithoutAKey() throws Exception {
        var response = send("POST", "/v1/echo", null, "hello");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Json.mapper().readTree(response.body()).get("type").asText())
                .isEqualTo("https://vigil.dev/problems/unauthorized");
    }

    @Test
    void shouldAnswer403WhenTheRoleIsMissing() throws Exception {
        assertThat(send("POST", "/v1/echo", auditor, "x").statusCode()).isEqualTo(403);
    }

    @Test
    void shouldAnswer413WithTheLimitForAnOversizedBody() throws Exception {
        var response = send("POST", "/v1/echo", publisher, "x".repeat(101));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("100 bytes");
    }

    @Test
    void shouldReadTheWholeBodyWithAndWithoutContentLength() throws Exception {
        String body = "y".repeat(100);
        var sized = send("POST", "/v1/echo", publisher, body);
        var chunked = sendChunked(body);
        var chunkedTooLarge = sendChunked(body + "y");
        var empty = send("POST", "/v1/echo", publisher, "");

        assertThat(sized.body()).contains("\"size\":100");
        assertThat(chunked.statusCode()).isEqualTo(200);
        assertThat(chunked.body()).contains("\"size\":100");
        assertThat(chunkedTooLarge.statusCode()).isEqualTo(413);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).contains("\"size\":0");
    }

    /** ofInputStream has no length: the JDK client sends the body chunked, without Content-Length. */
    private static HttpResponse<String> sendChunked(String body) throws Exception {
        try (HttpClient own = HttpClient.newHttpClient()) {
            return own.send(
                    HttpRequest.newBuilder(URI.create(service.baseUrl() + "/v1/echo"))
                            .header("Authorization", "Bearer " + publisher)
                            .POST(HttpRequest.BodyPublishers.ofInputStream(
                                    () -> new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void shouldCloseTheConnectionAfterRefusingABodyItDidNotRead() throws Exception {
        // A large unread body, so the bytes left on the connection cannot be drained quietly.
        String big = "x".repeat(1 << 20);
        // A client per request: what is checked is the server's answer and that it keeps serving, not how a
        // client pool races a connection the server is closing (seen once: "header parser received no bytes").
        var refused = sendOnNewConnection("POST", "/v1/echo", publisher, big);
        var unauthorized = sendOnNewConnection("POST", "/v1/echo", null, big);
        var next = sendOnNewConnection("POST", "/v1/echo", publisher, "hello");

        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.headers().firstValue("Connection")).hasValue("close");
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).contains("\"size\":5");
    }

    @Test
    void shouldHideInternalsOnAnUnexpectedError() throws Exception {
        var response = send("GET", "/v1/boom", auditor, null);
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).doesNotContain("secret internal detail").doesNotContain("Exception");
    }

    @Test
    void shouldNameTheOffendingFieldByPointer() throws Exception {
        var response = send("GET", "/v1/invalid", auditor, null);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.mapper()
                        .readTree(response.body())
                        .at("/errors/0/pointer")
                        .asText())
                .isEqualTo("/query/x");
    }

    @Test
    void shouldAnswer404And405AsProblems() throws Exception {
        assertThat(send("GET", "/nope", auditor, null).statusCode()).isEqualTo(404);
        var response = send("DELETE", "/v1/echo", publisher, null);
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void shouldServeHealthWithoutAKey() throws Exception {
        assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRouteAPrefixPatternToItsHandlerWithTheFullPathAndTheBodyLimit() throws Exception {
        var response = send("POST", "/v1/hooks/github/shop-1", null, "{}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(response.body()).get("path").asText()).isEqualTo("/v1/hooks/github/shop-1");
        assertThat(send("POST", "/v1/hooks", null, "{}").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/v1/hooks/x", null, null).statusCode()).isEqualTo(405);
        assertThat(send("POST", "/v1/hooks/x", null, "x".repeat(101)).statusCode())
                .isEqualTo(413);
    }
}
