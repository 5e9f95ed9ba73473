package dev.vigil.auditapi.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.auth.Role;
import dev.vigil.common.http.HttpService;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web UI: static files (no build step) under {@code /ui/}, Chart.js from its WebJar under
 * {@code /ui/vendor/}, and the browser login ({@code /ui/session}) that trades an API key for a
 * session cookie. Every route here is public; the data the pages show comes from the
 * role-checked {@code /v1/*} routes, which accept the session cookie through {@link UiSessions}.
 */
public final class UiRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(UiRoutes.class);

    /** Nothing inline, nothing from elsewhere: a page can only run the scripts and styles served here. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none';"
            + " form-action 'self'; frame-ancestors 'none'";

    public static final String SESSION_PATH = "/ui/session";
    private static final String RESOURCES = "dev/vigil/auditapi/ui/";
    private static final String CHARTJS_PREFIX = "/ui/vendor/chart.js/";
    /** Names the app's files may have: no dots in directories, so no way up and out of the folder. */
    private static final Pattern APP_FILE = Pattern.compile("([a-z0-9-]+/)*[a-z0-9-]+\\.(html|js|css|svg)");

    private static final Map<String, String> VENDOR_FILES =
            Map.of("chart.umd.min.js", "dist/chart.umd.min.js", "LICENSE.md", "LICENSE.md");

    private record StaticFile(byte[] bytes, String contentType, String etag) {}

    private final UiSessions sessions;
    private final LoginLimiter limiter;
    private final boolean secureCookie;
    private final String chartJsVersion;
    private final Map<String, Optional<StaticFile>> cache = new ConcurrentHashMap<>();

    public UiRoutes(UiSessions sessions, LoginLimiter limiter, boolean secureCookie) {
        this.sessions = sessions;
        this.limiter = limiter;
        this.secureCookie = secureCookie;
        this.chartJsVersion = webJarVersion("chart.js");
    }

    public UiSessions sessions() {
        return sessions;
    }

    /** Adds the UI's routes and makes role-checked routes accept its session cookie. */
    public HttpService.Builder register(HttpService.Builder builder) {
        return builder.authenticator(sessions)
                .publicRoute("GET", "/", r -> redirect())
                .publicRoute("GET", "/ui", r -> redirect())
                .publicRoute("GET", SESSION_PATH, this::currentSession)
                .publicRoute("POST", SESSION_PATH, this::login)
                .publicRoute("DELETE", SESSION_PATH, this::logout)
                .publicRoute("GET", "/ui/*", this::serve)
                .publicRoute("HEAD", "/ui/*", this::serve);
    }

    private static Response redirect() {
        return secured(Response.bytes(302, null, new byte[0])).header("Location", "/ui/");
    }

    /** The page reloads without the CSRF token (kept in memory only): it asks for it again here. */
    private Response currentSession(Request request) {
        var session = UiSessions.cookie(request.headers(), UiSessions.COOKIE).flatMap(sessions::touch);
        if (session.isEmpty()) {
            return secured(Response.problem(
                    Problem.of(401, "no-session", "Unauthorized", "Not logged in, or the session has ended.")
                            .withInstance(SESSION_PATH)));
        }
        return secured(Response.json(200, sessionBody(session.get())));
    }

    private Response login(Request request) {
        String address = request.remoteAddress();
        long wait = limiter.retryAfterSeconds(address);
        if (wait > 0) {
            LOG.warn("UI login from {} refused: too many failed logins", address);
            return secured(Response.problem(Problem.of(
                                    429,
                                    "too-many-logins",
                                    "Too Many Requests",
                                    "Too many failed logins from this address; try again in " + wait + " s.")
                            .withInstance(SESSION_PATH)))
                    .header("Retry-After", Long.toString(wait));
        }
        if (!request.mediaType().equals("application/json")) {
            // A cross-site form cannot send JSON without a CORS preflight, which this server never grants.
            throw new ProblemException(Problem.of(
                            415,
                            "unsupported-media-type",
                            "Unsupported Media Type",
                            "Log in with a JSON body {\"api_key\": \"...\"} (Content-Type: application/json).")
                    .withInstance(SESSION_PATH));
        }
        String key = apiKey(request.body());
        var session = sessions.login(key);
        if (session.isEmpty()) {
            limiter.recordFailure(address);
            LOG.info("UI login from {} failed: unknown or malformed API key", address);
            return secured(
                    Response.problem(Problem.of(401, "login-failed", "Unauthorized", "This API key is not valid.")
                            .withInstance(SESSION_PATH)));
        }
        UiSessions.Session s = session.get();
        LOG.info(
                "UI login of key {} (tenant {}) from {}",
                s.principal().keyId(),
                s.principal().tenant(),
                address);
        return secured(Response.json(200, sessionBody(s)))
                .header("Set-Cookie", cookie(s.id(), sessions.absoluteTimeout().toSeconds()));
    }

    private Response logout(Request request) {
        var session = UiSessions.cookie(request.headers(), UiSessions.COOKIE).flatMap(sessions::touch);
        if (session.isPresent()) {
            String token = request.header(HttpService.CSRF_HEADER).orElse("");
            if (!MessageDigest.isEqual(
                    token.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    session.get().csrfToken().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                throw new ProblemException(Problem.of(
                                403,
                                "csrf-token-invalid",
                                "Forbidden",
                                "Logging out needs the session's token in the " + HttpService.CSRF_HEADER + " header.")
                        .withInstance(SESSION_PATH));
            }
            sessions.logout(session.get().id());
        }
        return secured(Response.bytes(204, null, new byte[0])).header("Set-Cookie", cookie("", 0));
    }

    private String cookie(String value, long maxAgeSeconds) {
        return UiSessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (secureCookie ? "; Secure" : "");
    }

    private static String apiKey(byte[] body) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new ProblemException(Problem.invalidField(
                    "invalid-login", "Bad Request", "", "The body is not JSON: {\"api_key\": \"...\"} expected."));
        }
        if (json == null
                || !json.path("api_key").isTextual()
                || json.path("api_key").asText().isBlank()) {
            throw new ProblemException(Problem.invalidField(
                    "invalid-login", "Bad Request", "/api_key", "api_key must be a non-empty string."));
        }
        return json.get("api_key").asText().trim();
    }

    private static Map<String, Object> sessionBody(UiSessions.Session s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("csrf_token", s.csrfToken());
        body.put("tenant", s.principal().tenant());
        body.put(
                "roles",
                Arrays.stream(Role.values())
                        .filter(r -> s.principal().has(r))
                        .map(r -> r.name().toLowerCase(Locale.ROOT))
                        .toList());
        body.put("key_id", s.principal().keyId());
        return body;
    }

    private Response serve(Request request) {
        String path = request.path();
        Optional<StaticFile> file;
        boolean vendor = path.startsWith(CHARTJS_PREFIX);
        if (vendor) {
            String inJar = VENDOR_FILES.get(path.substring(CHARTJS_PREFIX.length()));
            file = inJar == null || chartJsVersion == null
                    ? Optional.empty()
                    : load("META-INF/resources/webjars/chart.js/" + chartJsVersion + "/" + inJar);
        } else {
            String name = path.equals("/ui/") ? "index.html" : path.substring("/ui/".length());
            file = APP_FILE.matcher(name).matches() ? load(RESOURCES + name) : Optional.empty();
        }
        if (file.isEmpty()) {
            return secured(Response.problem(Problem.notFound().withInstance(path)));
        }
        StaticFile f = file.get();
        // App files revalidate on every load (a new version shows at once); the vendored library is
        // only replaced by an upgrade, so a browser may keep it for a day.
        String cacheControl = vendor ? "public, max-age=86400" : "no-cache";
        if (request.header("If-None-Match").filter(f.etag()::equals).isPresent()) {
            return secured(Response.bytes(304, null, new byte[0]))
                    .header("ETag", f.etag())
                    .header("Cache-Control", cacheControl);
        }
        return secured(Response.bytes(200, f.contentType(), f.bytes()))
                .header("ETag", f.etag())
                .header("Cache-Control", cacheControl);
    }

    private Optional<StaticFile> load(String resource) {
        return cache.computeIfAbsent(resource, r -> {
            try (InputStream in = UiRoutes.class.getClassLoader().getResourceAsStream(r)) {
                if (in == null) {
                    return Optional.empty();
                }
                byte[] bytes = in.readAllBytes();
                return Optional.of(new StaticFile(bytes, contentType(r), etag(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read UI resource " + r, e);
            }
        });
    }

    static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "md" -> "text/markdown; charset=utf-8";
            default -> "application/octet-stream";
        };
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The UI's security headers, on top of the nosniff/no-referrer/DENY every response carries. */
    static Response secured(Response response) {
        return response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("Cross-Origin-Opener-Policy", "same-origin")
                .header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    }

    /** The version of a WebJar on the classpath, from its Maven metadata; null when it is missing. */
    private static String webJarVersion(String artifact) {
        String resource = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = UiRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                LOG.warn("WebJar {} is not on the classpath; the UI's charts will not show", artifact);
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> vendorFiles() {
        return List.copyOf(VENDOR_FILES.keySet());
    }
}
