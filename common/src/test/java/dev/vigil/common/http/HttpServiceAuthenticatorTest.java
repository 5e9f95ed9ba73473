package dev.vigil.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Principal;
import dev.vigil.common.auth.Role;
import dev.vigil.common.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A cookie-style authenticator beside API keys: same role checks, CSRF token on state changes. */
class HttpServiceAuthenticatorTest {

    static final String AUDITOR_COOKIE = "session=auditor";
    static final String PUBLISHER_COOKIE = "session=publisher";
    static final String TOKEN = "csrf-token-of-the-session";

    static ApiKeys keys = new ApiKeys(List.of());
    static String auditorKey;
    static HttpService service;
    static HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        auditorKey = keys.mint("acme", Set.of(Role.AUDITOR), "a").key();
        Authenticator cookies = headers -> {
            String cookie = headers.getFirst("Cookie");
            if (AUDITOR_COOKIE.equals(cookie)) {
                return Optional.of(
                        new Authenticator.Authenticated(new Principal("s1", "globex", Set.of(Role.AUDITOR)), TOKEN));
            }
            if (PUBLISHER_COOKIE.equals(cookie)) {
                return Optional.of(
                        new Authenticator.Authenticated(new Principal("s2", "globex", Set.of(Role.PUBLISHER)), TOKEN));
            }
            return Optional.empty();
        };
        service = HttpService.builder("test")
                .bind("127.0.0.1", 0)
                .apiKeys(keys)
                .authenticator(cookies)
                .route(
                        "GET",
                        "/v1/read",
                        Role.AUDITOR,
                        r -> Response.json(200, Map.of("tenant", r.principal().tenant())))
                .route(
                        "POST",
                        "/v1/write",
                        Role.AUDITOR,
                        r -> Response.json(200, Map.of("tenant", r.principal().tenant(), "remote", r.remoteAddress())))
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .method(
                        method,
                        method.equals("GET")
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString("{}"));
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String field(HttpResponse<String> response, String name) throws Exception {
        return Json.mapper().readTree(response.body()).path(name).asText();
    }

    @Test
    void shouldAcceptTheSessionCookieOnAGetWithoutACsrfToken() throws Exception {
        var response = send("GET", "/v1/read", Map.of("Cookie", AUDITOR_COOKIE));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(field(response, "tenant")).isEqualTo("globex");
    }

    @Test
    void shouldRefuseACookieAuthenticatedPostWithoutTheCsrfHeader() throws Exception {
        var response = send("POST", "/v1/write", Map.of("Cookie", AUDITOR_COOKIE));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(field(response, "type")).isEqualTo(Problem.TYPE_BASE + "csrf-token-invalid");
    }

    @Test
    void shouldRefuseACookieAuthenticatedPostWithAWrongCsrfToken() throws Exception {
        var response = send("POST", "/v1/write", Map.of("Cookie", AUDITOR_COOKIE, "X-CSRF-Token", TOKEN + "x"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(field(response, "type")).isEqualTo(Problem.TYPE_BASE + "csrf-token-invalid");
    }

    @Test
    void shouldAcceptACookieAuthenticatedPostCarryingTheSessionsCsrfToken() throws Exception {
        var response = send("POST", "/v1/write", Map.of("Cookie", AUDITOR_COOKIE, "X-CSRF-Token", TOKEN));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(field(response, "tenant")).isEqualTo("globex");
        assertThat(field(response, "remote")).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldApplyTheRouteRoleToACookiePrincipal() throws Exception {
        var response = send("GET", "/v1/read", Map.of("Cookie", PUBLISHER_COOKIE));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(field(response, "type")).isEqualTo(Problem.TYPE_BASE + "forbidden");
    }

    @Test
    void shouldLetAnApiKeyPostWithoutACsrfTokenAndIgnoreTheCookie() throws Exception {
        var response =
                send("POST", "/v1/write", Map.of("Authorization", "Bearer " + auditorKey, "Cookie", AUDITOR_COOKIE));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(field(response, "tenant")).isEqualTo("acme");
    }

    @Test
    void shouldNotFallBackToTheCookieWhenThePresentedKeyIsWrong() throws Exception {
        var response = send("GET", "/v1/read", Map.of("X-Api-Key", "vgl_wrong", "Cookie", AUDITOR_COOKIE));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldForbidEveryActiveContentInAnApiAnswerABrowserMightRender() throws Exception {
        var response = send("GET", "/v1/read", Map.of("Cookie", AUDITOR_COOKIE));

        assertThat(response.headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'none'; frame-ancestors 'none'; sandbox");
    }

    @Test
    void shouldAnswer401ToAnUnknownCookie() throws Exception {
        var response = send("GET", "/v1/read", Map.of("Cookie", "session=forged"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(field(response, "type")).isEqualTo(Problem.TYPE_BASE + "unauthorized");
    }
}
