package dev.vigil.common.http;

import com.sun.net.httpserver.Headers;
import dev.vigil.common.auth.Principal;
import java.util.Objects;
import java.util.Optional;

/**
 * A second way in, besides API keys: a credential the browser sends by itself (a session
 * cookie). {@link HttpService} asks it only when the request carries no API key, applies the
 * same role checks to the principal it yields, and because a browser attaches such a credential
 * to cross-site requests too, refuses every non-GET/HEAD request whose {@code X-CSRF-Token}
 * header does not equal {@link Authenticated#csrfToken()}.
 */
@FunctionalInterface
public interface Authenticator {

    /** The caller of a request that carries no API key, if the request's headers identify one. */
    Optional<Authenticated> authenticate(Headers requestHeaders);

    /** Who is calling, and the token its state-changing requests must echo in {@code X-CSRF-Token}. */
    record Authenticated(Principal principal, String csrfToken) {
        public Authenticated {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(csrfToken, "csrfToken");
        }
    }
}
