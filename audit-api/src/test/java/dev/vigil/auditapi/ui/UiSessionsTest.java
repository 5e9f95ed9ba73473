package dev.vigil.auditapi.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UiSessionsTest {

    static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final ApiKeys keys = new ApiKeys(List.of());
    final ApiKeys.Minted officer = keys.mint("acme", Set.of(Role.OFFICER), "o");
    final ManualClock clock = new ManualClock();
    final UiSessions sessions = new UiSessions(keys, clock, Duration.ofMinutes(30), Duration.ofHours(8), 3);

    @Test
    void shouldOpenASessionWithA256BitIdAndASeparateCsrfTokenForAValidKey() {
        UiSessions.Session s = sessions.login(officer.key()).orElseThrow();

        assertThat(s.principal().tenant()).isEqualTo("acme");
        assertThat(s.principal().keyId()).isEqualTo(officer.entry().id());
        // 32 random bytes, base64url without padding: 43 characters.
        assertThat(s.id()).hasSize(43).doesNotContain(officer.key());
        assertThat(s.csrfToken()).hasSize(43).isNotEqualTo(s.id());
        assertThat(sessions.touch(s.id())).map(UiSessions.Session::csrfToken).hasValue(s.csrfToken());
    }

    @Test
    void shouldOpenNoSessionForAWrongKey() {
        assertThat(sessions.login("vgl_aaaaaaaaaaaa_" + "b".repeat(43))).isEmpty();
        assertThat(sessions.login("not a key")).isEmpty();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void shouldEndASessionIdleForLongerThanTheIdleTimeout() {
        String id = sessions.login(officer.key()).orElseThrow().id();
        clock.now = T0.plus(Duration.ofMinutes(29));
        assertThat(sessions.touch(id)).isPresent();

        clock.now = clock.now.plus(Duration.ofMinutes(30));

        assertThat(sessions.touch(id)).isEmpty();
    }

    @Test
    void shouldEndASessionAtItsAbsoluteExpiryEvenWhenInUse() {
        String id = sessions.login(officer.key()).orElseThrow().id();
        for (int i = 1; i <= 16; i++) {
            clock.now = T0.plus(Duration.ofMinutes(29L * i));
            if (clock.now.isBefore(T0.plus(Duration.ofHours(8)))) {
                assertThat(sessions.touch(id)).as("at %s", clock.now).isPresent();
            }
        }
        clock.now = T0.plus(Duration.ofHours(8));

        assertThat(sessions.touch(id)).isEmpty();
    }

    @Test
    void shouldEndTheSessionOfAKeyWhoseGrantChanged() {
        ApiKeys.Minted auditor = keys.mint("acme", Set.of(Role.AUDITOR), "a");
        String id = sessions.login(auditor.key()).orElseThrow().id();
        assertThat(sessions.touch(id)).isPresent();

        // The same key re-registered with publisher rights only: the session must not keep auditor rights.
        keys.register(auditor.key(), "acme", Set.of(Role.PUBLISHER), "downgraded");

        assertThat(sessions.touch(id)).isEmpty();
    }

    @Test
    void shouldKeepAtMostTheConfiguredNumberOfSessionsDroppingTheLeastRecentlyUsed() {
        String first = sessions.login(officer.key()).orElseThrow().id();
        clock.now = T0.plusSeconds(1);
        String second = sessions.login(officer.key()).orElseThrow().id();
        clock.now = T0.plusSeconds(2);
        String third = sessions.login(officer.key()).orElseThrow().id();
        clock.now = T0.plusSeconds(3);
        sessions.touch(first);
        clock.now = T0.plusSeconds(4);

        String fourth = sessions.login(officer.key()).orElseThrow().id();

        assertThat(sessions.size()).isEqualTo(3);
        assertThat(sessions.touch(second)).isEmpty();
        assertThat(sessions.touch(first)).isPresent();
        assertThat(sessions.touch(third)).isPresent();
        assertThat(sessions.touch(fourth)).isPresent();
    }

    @Test
    void shouldAuthenticateByTheSessionCookieAmongOtherCookies() {
        UiSessions.Session s = sessions.login(officer.key()).orElseThrow();
        Headers headers = new Headers();
        headers.add("Cookie", "theme=dark; vigil_session=" + s.id() + "; other=1");

        var authenticated = sessions.authenticate(headers).orElseThrow();

        assertThat(authenticated.principal().keyId()).isEqualTo(officer.entry().id());
        assertThat(authenticated.csrfToken()).isEqualTo(s.csrfToken());
    }

    @Test
    void shouldForgetASessionOnLogout() {
        String id = sessions.login(officer.key()).orElseThrow().id();

        sessions.logout(id);

        assertThat(sessions.touch(id)).isEmpty();
    }
}
