package dev.vigil.common.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Principal;
import dev.vigil.common.auth.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server on the JDK's {@code HttpServer} with one virtual thread per request. It
 * owns what every Vigil endpoint shares: API-key authentication and role checks, the body size
 * limit (413), problem+json errors without internals, and security headers.
 */
public final class HttpService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpService.class);

    /** A request handler; throw {@link ProblemException} to answer with a problem. */
    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    /**
     * One route. {@code path} matches exactly, or as a prefix when it ends with '/*'.
     * {@code role} null means public (health checks only).
     */
    public record Route(String method, String path, Role role, Handler handler) {
        boolean matchesPath(String requestPath) {
            return path.endsWith("/*")
                    ? requestPath.startsWith(path.substring(0, path.length() - 1))
                    : path.equals(requestPath);
        }
    }

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Route> routes;
    private final ApiKeys apiKeys;
    private final long maxBodyBytes;
    private final Authenticator authenticator;

    private HttpService(Builder b) throws IOException {
        this.name = b.name;
        this.routes = List.copyOf(b.routes);
        this.apiKeys = Objects.requireNonNull(b.apiKeys, "apiKeys");
        this.authenticator = b.authenticator;
        this.maxBodyBytes = b.maxBodyBytes;
        try {
            this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), 256);
        } catch (BindException e) {
            throw new IllegalStateException(
                    name + " cannot listen on " + b.host + ":" + b.port + ": the port is taken or the address is not"
                            + " local (" + e.getMessage() + ")",
                    e);
        }
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public HttpService start() {
        server.start();
        LOG.info("{} listening on {}", name, baseUrl());
        return this;
    }

    /** Every route, in registration order: lets tests check each endpoint's authorization and documentation. */
    public List<Route> routes() {
        return routes;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
    }

    private static final String BODY_READ = "vigil.body-read";

    private void dispatch(HttpExchange exchange) {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        boolean cut = false;
        try {
            Response response;
            try {
                response = route(exchange, method, path);
            } catch (ProblemException e) {
                response = Response.problem(e.problem().withInstance(path));
            } catch (Exception e) {
                LOG.error("{} {} {} failed; answered 500", name, method, path, e);
                response = Response.problem(Problem.internal().withInstance(path));
            }
            if (exchange.getAttribute(BODY_READ) == null && hasBody(exchange)) {
                // Answered before the body was read (401, 413 ...): the unread bytes make the connection
                // unusable, so tell the client not to send its next request on it.
                response.header("Connection", "close");
            }
            send(exchange, response);
        } catch (StreamCut e) {
            cut = true;
            LOG.warn(
                    "{} {} {}: a streamed answer failed after its headers were sent ({}); the connection is cut so the"
                            + " client sees it incomplete",
                    name,
                    method,
                    path,
                    e.getCause().toString());
            // Not closing the exchange: closing would end the body properly (the final chunk, or a full
            // length). Thrown out of the handler, the JDK server closes the connection as it stands.
            throw e;
        } catch (IOException e) {
            LOG.debug("{} {} {}: client went away while answering: {}", name, method, path, e.getMessage());
        } finally {
            if (!cut) {
                exchange.close();
            }
        }
    }

    /** A streamed body whose writer failed once the status line was sent: only cutting the connection is honest. */
    private static final class StreamCut extends RuntimeException {
        StreamCut(Throwable cause) {
            super(cause);
        }
    }

    /** Runs a body writer; a failure leaves the stream open and becomes {@link StreamCut}. */
    private static void writeBody(HttpExchange exchange, Response.BodyWriter writer) throws IOException {
        OutputStream out = exchange.getResponseBody();
        try {
            writer.writeTo(out);
        } catch (IOException | RuntimeException e) {
            throw new StreamCut(e);
        }
        out.close();
    }

    private Response route(HttpExchange exchange, String method, String path) throws Exception {
        List<Route> forPath = routes.stream().filter(r -> r.matchesPath(path)).toList();
        if (forPath.isEmpty()) {
            return Response.problem(Problem.notFound().withInstance(path));
        }
        Optional<Route> route =
                forPath.stream().filter(r -> r.method().equals(method)).findFirst();
        if (route.isEmpty()) {
            Set<String> allowed = new LinkedHashSet<>();
            forPath.forEach(r -> allowed.add(r.method()));
            return Response.problem(
                            Problem.methodNotAllowed(String.join(", ", allowed)).withInstance(path))
                    .header("Allow", String.join(", ", allowed));
        }
        Route r = route.get();
        Principal principal = null;
        if (r.role() != null) {
            principal = authenticate(exchange, method).orElse(null);
            if (principal == null) {
                return Response.problem(Problem.unauthorized().withInstance(path))
                        .header("WWW-Authenticate", "Bearer realm=\"vigil\"");
            }
            if (!principal.has(r.role())) {
                return Response.problem(Problem.forbidden(
                                "This key lacks the " + r.role().name().toLowerCase(java.util.Locale.ROOT) + " role.")
                        .withInstance(path));
            }
        }
        byte[] body = readBody(exchange);
        String rawQuery = exchange.getRequestURI().getRawQuery();
        InetSocketAddress peer = exchange.getRemoteAddress();
        String remote = peer == null || peer.getAddress() == null
                ? null
                : peer.getAddress().getHostAddress();
        Request request = new Request(
                method,
                path,
                rawQuery,
                Request.parseQuery(rawQuery),
                exchange.getRequestHeaders(),
                body,
                principal,
                remote);
        return r.handler().handle(request);
    }

    private Optional<Principal> authenticate(HttpExchange exchange, String method) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        String key = null;
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = auth.substring(7).trim();
        } else {
            key = exchange.getRequestHeaders().getFirst("X-Api-Key");
        }
        if (key != null || authenticator == null) {
            // A presented key decides alone: a bad key is not rescued by a cookie sent alongside.
            return apiKeys.authenticate(key);
        }
        Optional<Authenticator.Authenticated> session = authenticator.authenticate(exchange.getRequestHeaders());
        if (session.isPresent() && !"GET".equals(method) && !"HEAD".equals(method)) {
            requireCsrfToken(exchange, session.get().csrfToken());
        }
        return session.map(Authenticator.Authenticated::principal);
    }

    /**
     * A cookie rides along on requests another site makes the browser send; only a page of this
     * origin can read the token and echo it in a header, so a missing or wrong token means the
     * request may be forged.
     */
    private static void requireCsrfToken(HttpExchange exchange, String expected) {
        String presented = exchange.getRequestHeaders().getFirst(CSRF_HEADER);
        boolean matches = presented != null
                && MessageDigest.isEqual(
                        presented.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
        if (!matches) {
            throw new ProblemException(Problem.of(
                    403,
                    "csrf-token-invalid",
                    "Forbidden",
                    "A session-authenticated request that changes state must carry the session's token in the "
                            + CSRF_HEADER + " header."));
        }
    }

    /** The policy of every response that does not set its own: nothing loads or runs, not even in a frame. */
    public static final String API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

    /** The header a cookie-authenticated state-changing request echoes its session's CSRF token in. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private byte[] readBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new ProblemException(
                        Problem.of(400, "bad-content-length", "Bad Request", "Content-Length is not a number."));
            }
            if (length > maxBodyBytes) {
                throw tooLarge();
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            if (length >= 0
                    && length <= Integer.MAX_VALUE - 8
                    && exchange.getRequestHeaders().getFirst("Transfer-Encoding") == null) {
                // The usual case: the length is known and within the limit, so the body is read straight into
                // an array of its size (no growing buffer and final copy). Only up to PREALLOCATE_BYTES is
                // allocated before the bytes arrive, so a declared but unsent body holds little memory; larger
                // bodies are read in chunks and joined once. The JDK server's stream ends at Content-Length.
                byte[] body = length <= PREALLOCATE_BYTES ? readFully(in, (int) length) : in.readNBytes((int) length);
                exchange.setAttribute(BODY_READ, Boolean.TRUE);
                return body;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                if (total > maxBodyBytes) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
            exchange.setAttribute(BODY_READ, Boolean.TRUE);
            return out.toByteArray();
        }
    }

    /** Bodies up to this size are read into an array allocated from Content-Length before they arrive. */
    private static final int PREALLOCATE_BYTES = 1 << 20;

    private static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] body = new byte[length];
        int read = 0;
        while (read < length) {
            int n = in.read(body, read, length - read);
            if (n < 0) {
                return Arrays.copyOf(body, read);
            }
            read += n;
        }
        return body;
    }

    private static boolean hasBody(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        return exchange.getRequestHeaders().containsKey("Transfer-Encoding")
                || (length != null && !length.trim().equals("0"));
    }

    private ProblemException tooLarge() {
        return new ProblemException(Problem.of(
                413,
                "payload-too-large",
                "Payload Too Large",
                "The request body exceeds the limit of " + maxBodyBytes + " bytes."));
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Cache-Control", "no-store");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
        // API answers are data, never pages: a browser that opens one (a raw evidence payload sent
        // as text/html, say, with the UI's session cookie) must run nothing in it. The UI's own
        // pages replace this with their policy.
        headers.set("Content-Security-Policy", API_CONTENT_SECURITY_POLICY);
        if (response.contentType() != null) {
            headers.set("Content-Type", response.contentType());
        }
        response.headers().forEach(headers::set);
        if (response.writer() != null && response.length() >= 0) {
            if ("HEAD".equals(exchange.getRequestMethod())) {
                // The JDK server sends no Content-Length of its own for HEAD; the one set here is kept.
                headers.set("Content-Length", Long.toString(response.length()));
                exchange.sendResponseHeaders(response.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(response.status(), response.length() == 0 ? -1 : response.length());
            if (response.length() > 0) {
                writeBody(exchange, response.writer());
            }
            return;
        }
        if (response.writer() != null) {
            exchange.sendResponseHeaders(response.status(), 0);
            writeBody(exchange, response.writer());
            return;
        }
        byte[] body = response.body() == null ? new byte[0] : response.body();
        if ("HEAD".equals(exchange.getRequestMethod()) || response.status() == 204) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Builds a service; nothing listens until {@link #start()}. */
    public static final class Builder {
        private final String name;
        private String host = "127.0.0.1";
        private int port;
        private ApiKeys apiKeys;
        private long maxBodyBytes = 10L * 1024 * 1024;
        private final List<Route> routes = new ArrayList<>();
        private Authenticator authenticator;

        private Builder(String name) {
            this.name = name;
        }

        public Builder bind(String host, int port) {
            this.host = host;
            this.port = port;
            return this;
        }

        public Builder apiKeys(ApiKeys keys) {
            this.apiKeys = keys;
            return this;
        }

        /**
         * Also accept callers this authenticator recognises (a browser session) on role-checked
         * routes, when they present no API key; their non-GET/HEAD requests must carry the CSRF token.
         */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = authenticator;
            return this;
        }

        public Builder maxBodyBytes(long max) {
            this.maxBodyBytes = max;
            return this;
        }

        public Builder route(String method, String path, Role role, Handler handler) {
            routes.add(new Route(method, path, role, handler));
            return this;
        }

        /**
         * A public route: for health and readiness, and for endpoints that authenticate the request
         * themselves before reading it (signed webhooks); never for data otherwise.
         */
        public Builder publicRoute(String method, String path, Handler handler) {
            routes.add(new Route(method, path, null, handler));
            return this;
        }

        public HttpService build() {
            try {
                return new HttpService(this);
            } catch (IOException e) {
                throw new IllegalStateException(name + " cannot start its HTTP server: " + e.getMessage(), e);
            }
        }
    }
}
