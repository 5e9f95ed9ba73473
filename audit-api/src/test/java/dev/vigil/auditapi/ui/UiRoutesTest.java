package dev.vigil.auditapi.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.http.HttpService;
import dev.vigil.common.http.Response;
import dev.vigil.common.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The UI routes on a real HttpService: static files, headers, login, session cookie and CSRF. */
class UiRoutesTest {

    final ApiKeys keys = new ApiKeys(List.of());
    final String officerKey = keys.mint("acme", Set.of(Role.OFFICER), "o").key();
    final HttpClient client = HttpClient.newHttpClient();
    HttpService service;

    @BeforeEach
    void start() {
        UiRoutes ui = new UiRoutes(
                new UiSessions(keys), new LoginLimiter(Clock.systemUTC(), 3, Duration.ofMinutes(5), 100), false);
        service = ui.register(HttpService.builder("ui-test"))
                .bind("127.0.0.1", 0)
                .apiKeys(keys)
                .route(
                        "GET",
                        "/v1/whoami",
                        Role.AUDITOR,
                        r -> Response.json(200, Map.of("tenant", r.principal().tenant())))
                .route(
                        "POST",
                        "/v1/act",
                        Role.OFFICER,
                        r -> Response.json(202, Map.of("tenant", r.principal().tenant())))
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    HttpResponse<String> send(String method, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> login(String key) throws Exception {
        return send(
                "POST",
                "/ui/session",
                Map.of("Content-Type", "application/json"),
                Json.mapper().writeValueAsString(Map.of("api_key", key)));
    }

    static String sessionCookie(HttpResponse<String> login) {
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void shouldServeTheAppPageWithTheContentSecurityPolicyAndRevalidation() throws Exception {
        var response = send("GET", "/ui/", Map.of(), null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(response.headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                        + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
                        + " frame-ancestors 'none'");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(response.body()).contains("<script type=\"module\" src=\"/ui/app.js\"></script>");
    }

    @Test
    void shouldAnswer304WhenTheBrowsersCopyIsCurrent() throws Exception {
        String etag = send("GET", "/ui/app.js", Map.of(), null)
                .headers()
                .firstValue("ETag")
                .orElseThrow();

        var response = send("GET", "/ui/app.js", Map.of("If-None-Match", etag), null);

        assertThat(response.statusCode()).isEqualTo(304);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void shouldServeChartJsFromItsWebJarWithALongerCache() throws Exception {
        var response = send("GET", "/ui/vendor/chart.js/chart.umd.min.js", Map.of(), null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=86400");
        assertThat(response.headers().firstValue("ETag")).isPresent();
        assertThat(response.body()).contains("Chart.js").hasSizeGreaterThan(100_000);
    }

    @Test
    void shouldNotServeAnythingOutsideTheUiFolder() throws Exception {
        for (String path : List.of(
                "/ui/../AuditApiServer.class",
                "/ui/%2e%2e/AuditApiServer.class",
                "/ui/vendor/chart.js/../../../../META-INF/MANIFEST.MF",
                "/ui/vendor/chart.js/package.json",
                "/ui/missing.js")) {
            assertThat(send("GET", path, Map.of(), null).statusCode()).as(path).isEqualTo(404);
        }
    }

    @Test
    void shouldRedirectTheRootToTheUi() throws Exception {
        var response = send("GET", "/", Map.of(), null);

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue("/ui/");
    }

    @Test
    void shouldLogInWithAnApiKeyAndSetAStrictHttpOnlyCookie() throws Exception {
        var response = login(officerKey);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(response.body());
        assertThat(body.get("tenant").asText()).isEqualTo("acme");
        assertThat(body.get("roles")).extracting(JsonNode::asText).containsExactly("auditor", "officer");
        assertThat(body.get("csrf_token").asText()).hasSize(43);
        assertThat(response.body()).doesNotContain(officerKey);
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie)
                .startsWith("vigil_session=")
                .contains("; Path=/", "; HttpOnly", "; SameSite=Strict", "; Max-Age=28800")
                .doesNotContain("Secure")
                .doesNotContain(officerKey);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void shouldUseTheSessionCookieOnApiRoutesAndRequireTheCsrfTokenToChangeState() throws Exception {
        var login = login(officerKey);
        String cookie = sessionCookie(login);
        String token = Json.mapper().readTree(login.body()).get("csrf_token").asText();

        var read = send("GET", "/v1/whoami", Map.of("Cookie", cookie), null);
        var forged = send("POST", "/v1/act", Map.of("Cookie", cookie, "Content-Type", "application/json"), "{}");
        var genuine = send(
                "POST",
                "/v1/act",
                Map.of("Cookie", cookie, "X-CSRF-Token", token, "Content-Type", "application/json"),
                "{}");

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(read.body()).get("tenant").asText()).isEqualTo("acme");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(Json.mapper().readTree(forged.body()).get("type").asText())
                .isEqualTo("https://vigil.dev/problems/csrf-token-invalid");
        assertThat(genuine.statusCode()).isEqualTo(202);
    }

    @Test
    void shouldGiveTheTokenBackToAReloadedPageAndEndTheSessionOnLogout() throws Exception {
        var login = login(officerKey);
        String cookie = sessionCookie(login);
        String token = Json.mapper().readTree(login.body()).get("csrf_token").asText();

        var current = send("GET", "/ui/session", Map.of("Cookie", cookie), null);
        var logoutWithoutToken = send("DELETE", "/ui/session", Map.of("Cookie", cookie), null);
        var logout = send("DELETE", "/ui/session", Map.of("Cookie", cookie, "X-CSRF-Token", token), null);
        var after = send("GET", "/v1/whoami", Map.of("Cookie", cookie), null);

        assertThat(Json.mapper().readTree(current.body()).get("csrf_token").asText())
                .isEqualTo(token);
        assertThat(logoutWithoutToken.statusCode()).isEqualTo(403);
        assertThat(logout.statusCode()).isEqualTo(204);
        assertThat(logout.headers().firstValue("Set-Cookie"))
                .hasValueSatisfying(
                        c -> assertThat(c).startsWith("vigil_session=;").contains("Max-Age=0"));
        assertThat(after.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldRefuseLoginsFromAnAddressAfterRepeatedFailures() throws Exception {
        String wrong = "vgl_aaaaaaaaaaaa_" + "b".repeat(43);
        for (int i = 0; i < 3; i++) {
            assertThat(login(wrong).statusCode()).isEqualTo(401);
        }

        var limited = login(officerKey);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(limited.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void shouldRefuseALoginThatIsNotJson() throws Exception {
        var response = send(
                "POST",
                "/ui/session",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "api_key=" + officerKey);

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void shouldHaveNoInlineScriptOrStyleInAnyUiFile() throws Exception {
        Path root = Path.of("src/main/resources/dev/vigil/auditapi/ui");
        Pattern inlineScript = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
        Pattern inlineHandler = Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
        Pattern inlineStyle = Pattern.compile("<style|\\sstyle\\s*=", Pattern.CASE_INSENSITIVE);
        List<Path> html;
        try (Stream<Path> files = Files.walk(root)) {
            html = files.filter(p -> p.toString().endsWith(".html")).toList();
        }
        assertThat(html).isNotEmpty();
        for (Path file : html) {
            String text = Files.readString(file);
            assertThat(inlineScript.matcher(text).find())
                    .as("inline <script> in %s", file)
                    .isFalse();
            assertThat(inlineHandler.matcher(text).find())
                    .as("inline event handler in %s", file)
                    .isFalse();
            assertThat(inlineStyle.matcher(text).find())
                    .as("inline style in %s", file)
                    .isFalse();
            assertThat(text).as("CDN in %s", file).doesNotContain("http://", "https://");
        }
        List<Path> scripts;
        try (Stream<Path> files = Files.walk(root)) {
            scripts = files.filter(p -> p.toString().endsWith(".js")).toList();
        }
        for (Path file : scripts) {
            assertThat(Files.readString(file))
                    .as("%s must not store secrets or build markup from strings", file)
                    .doesNotContain("localStorage", "sessionStorage", "innerHTML", "document.cookie", "eval(");
        }
    }
}
