package dev.vigil.auditapi.ui;

import com.sun.net.httpserver.Headers;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Principal;
import dev.vigil.common.http.Authenticator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions of the UI, in memory: a random 256-bit id in the {@code vigil_session}
 * cookie stands for the principal of the API key the user logged in with, so the key itself
 * never stays in the browser. A session ends after {@link #idleTimeout} without use, after
 * {@link #absoluteTimeout} in any case, on logout, and as soon as its key is revoked. A restart
 * ends every session (users log in again), which is the price of keeping no session store.
 */
public final class UiSessions implements Authenticator {

    public static final String COOKIE = "vigil_session";

    /** A logged-in browser: who it is, the token its state-changing requests echo, and when it ends. */
    public record Session(String id, Principal principal, String csrfToken, Instant created, Instant lastUsed) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiKeys keys;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration absoluteTimeout;
    private final int maxSessions;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public UiSessions(ApiKeys keys, Clock clock, Duration idleTimeout, Duration absoluteTimeout, int maxSessions) {
        this.keys = keys;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.absoluteTimeout = absoluteTimeout;
        this.maxSessions = maxSessions;
    }

    public UiSessions(ApiKeys keys) {
        this(keys, Clock.systemUTC(), Duration.ofMinutes(30), Duration.ofHours(8), 10_000);
    }

    public Duration absoluteTimeout() {
        return absoluteTimeout;
    }

    /** Opens a session for an API key; empty when the key is not valid. */
    public Optional<Session> login(String apiKey) {
        Optional<Principal> principal = keys.authenticate(apiKey);
        if (principal.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        expire(now);
        if (sessions.size() >= maxSessions) {
            // Bounded memory: the least recently used session makes room rather than refusing logins.
            sessions.values().stream()
                    .min(Comparator.comparing(Session::lastUsed))
                    .ifPresent(oldest -> sessions.remove(oldest.id()));
        }
        Session session = new Session(randomToken(), principal.get(), randomToken(), now, now);
        sessions.put(session.id(), session);
        return Optional.of(session);
    }

    /** The live session of this id, its idle clock restarted; empty when unknown, expired or revoked. */
    public Optional<Session> touch(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(session, now) || !keyStillValid(session.principal())) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session used = new Session(session.id(), session.principal(), session.csrfToken(), session.created(), now);
        sessions.replace(id, session, used);
        return Optional.of(used);
    }

    public void logout(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    int size() {
        return sessions.size();
    }

    @Override
    public Optional<Authenticated> authenticate(Headers requestHeaders) {
        return touch(cookie(requestHeaders, COOKIE).orElse(null))
                .map(s -> new Authenticated(s.principal(), s.csrfToken()));
    }

    /** The value of a cookie in the request's Cookie headers (RFC 6265 syntax). */
    public static Optional<String> cookie(Headers headers, String name) {
        var values = headers.get("Cookie");
        if (values == null) {
            return Optional.empty();
        }
        for (String header : values) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    return Optional.of(pair.substring(eq + 1).trim());
                }
            }
        }
        return Optional.empty();
    }

    private boolean expired(Session s, Instant now) {
        return !now.isBefore(s.lastUsed().plus(idleTimeout))
                || !now.isBefore(s.created().plus(absoluteTimeout));
    }

    /** A revoked key ends its sessions at their next request, not hours later. */
    private boolean keyStillValid(Principal principal) {
        return keys.entries().stream()
                .anyMatch(e -> e.id().equals(principal.keyId())
                        && e.tenant().equals(principal.tenant())
                        && e.roles().equals(principal.roles()));
    }

    private void expire(Instant now) {
        sessions.values().removeIf(s -> expired(s, now));
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
