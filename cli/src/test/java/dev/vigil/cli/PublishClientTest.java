package dev.vigil.cli;

import static dev.vigil.cli.TestHttpServer.accepted;
import static dev.vigil.cli.TestHttpServer.answer;
import static dev.vigil.cli.TestHttpServer.unavailable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The retry policy against a real local HTTP server; the sleeper records waits and moves a fake clock. */
class PublishClientTest {

    static final byte[] BODY = "{\"runs\":[]}".getBytes(StandardCharsets.UTF_8);
    static final String KEY = "vgl_abcdefghijkl_" + "s".repeat(43);

    final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T10:00:00Z"));
    final List<Duration> slept = new ArrayList<>();

    PublishClient client(PublishClient.RetryPolicy policy, double jitter) {
        return new PublishClient(
                PublishClient.defaultHttpClient(),
                policy,
                clock,
                d -> {
                    slept.add(d);
                    clock.advance(d);
                },
                () -> jitter);
    }

    PublishClient client() {
        return client(PublishClient.RetryPolicy.DEFAULT, 0.5);
    }

    @Test
    void shouldRetryTwo503sAndSucceedOnTheThirdAttemptWithTheSameBody() throws Exception {
        try (TestHttpServer server = new TestHttpServer(unavailable(), unavailable(), accepted("rec-1"))) {
            PublishClient.Result result = client().post(
                            URI.create(server.url() + "/v1/events?format=sarif"),
                            "application/json",
                            BODY,
                            KEY,
                            Map.of());

            assertThat(result).isInstanceOfSatisfying(PublishClient.Result.Accepted.class, a -> {
                assertThat(a.status()).isEqualTo(202);
                assertThat(a.recordIds()).containsExactly("rec-1");
                assertThat(a.attempts()).isEqualTo(3);
            });
            assertThat(server.received).hasSize(3).allSatisfy(r -> {
                assertThat(r.body()).isEqualTo(BODY);
                assertThat(r.rawQuery()).isEqualTo("format=sarif");
                assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY);
                assertThat(r.header("Content-Type")).isEqualTo("application/json");
            });
            // 1 s then 2 s, each as 3/4 of the capped exponential with the jitter fixed at 0.5.
            assertThat(slept).containsExactly(Duration.ofMillis(750), Duration.ofMillis(1500));
        }
    }

    @Test
    void shouldWaitAsLongAsRetryAfterSays() throws Exception {
        try (TestHttpServer server =
                new TestHttpServer(answer(429, "{\"detail\":\"slow down\"}", "Retry-After", "7"), accepted("rec-2"))) {
            PublishClient.Result result =
                    client().post(URI.create(server.url() + "/v1/events"), "application/json", BODY, KEY, Map.of());

            assertThat(result).isInstanceOf(PublishClient.Result.Accepted.class);
            assertThat(slept).containsExactly(Duration.ofSeconds(7));
        }
    }

    @Test
    void shouldReadRetryAfterAsAnHttpDate() {
        Clock at = Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"), ZoneOffset.UTC);

        assertThat(PublishClient.retryAfter("Fri, 01 May 2026 10:00:30 GMT", at))
                .hasValue(Duration.ofSeconds(30));
        assertThat(PublishClient.retryAfter("Fri, 01 May 2026 09:00:00 GMT", at))
                .hasValue(Duration.ZERO);
        assertThat(PublishClient.retryAfter("soon", at)).isEmpty();
    }

    @Test
    void shouldNotRetryARefusalAndReportItsDetailAndPointer() throws Exception {
        String problem = "{\"type\":\"https://vigil.dev/problems/invalid-field\",\"title\":\"Invalid Field\","
                + "\"status\":400,\"detail\":\"/runs/0/tool is required.\","
                + "\"errors\":[{\"pointer\":\"/runs/0/tool\",\"detail\":\"/runs/0/tool is required.\"}]}";
        try (TestHttpServer server =
                new TestHttpServer(answer(400, problem, "Content-Type", "application/problem+json"))) {
            PublishClient.Result result =
                    client().post(URI.create(server.url() + "/v1/events"), "application/json", BODY, KEY, Map.of());

            assertThat(result).isInstanceOfSatisfying(PublishClient.Result.Refused.class, r -> {
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.pointer()).isEqualTo("/runs/0/tool");
                assertThat(r.retriesExhausted()).isFalse();
            });
            assertThat(PublishClient.describe(result))
                    .isEqualTo("refused: 400 invalid-field: /runs/0/tool is required. (at /runs/0/tool)");
            assertThat(server.received).hasSize(1);
            assertThat(slept).isEmpty();
        }
    }

    @Test
    void shouldGiveUpAfterMaxAttemptsOnPersistent503() throws Exception {
        var policy = new PublishClient.RetryPolicy(
                3, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5));
        try (TestHttpServer server = new TestHttpServer(unavailable())) {
            PublishClient.Result result = client(policy, 1.0)
                    .post(URI.create(server.url() + "/v1/events"), "application/json", BODY, KEY, Map.of());

            assertThat(result).isInstanceOfSatisfying(PublishClient.Result.Refused.class, r -> {
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.attempts()).isEqualTo(3);
                assertThat(r.retriesExhausted()).isTrue();
            });
            assertThat(PublishClient.describe(result))
                    .isEqualTo(
                            "gave up after 3 attempt(s): 503 unavailable: The input could not be stored; retry later.");
            assertThat(server.received).hasSize(3);
            assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
    }

    @Test
    void shouldStopRetryingWhenTheNextWaitWouldOverrunTheTimeBudget() throws Exception {
        var policy = new PublishClient.RetryPolicy(
                10, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5));
        try (TestHttpServer server = new TestHttpServer(answer(503, "", "Retry-After", "60"))) {
            PublishClient.Result result = client(policy, 0.0)
                    .post(URI.create(server.url() + "/v1/events"), "application/json", BODY, KEY, Map.of());

            assertThat(result).isInstanceOfSatisfying(PublishClient.Result.Refused.class, r -> {
                assertThat(r.attempts()).isEqualTo(1);
                assertThat(r.detail()).isEqualTo("HTTP 503");
            });
            assertThat(slept).isEmpty();
        }
    }

    @Test
    void shouldRetryWhenNothingListensAndSayWhereItTried() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        var policy = new PublishClient.RetryPolicy(
                3, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5));

        PublishClient.Result result = client(policy, 0.0)
                .post(URI.create("http://127.0.0.1:" + port + "/v1/events"), "application/json", BODY, KEY, Map.of());

        assertThat(result).isInstanceOfSatisfying(PublishClient.Result.Unreachable.class, u -> {
            assertThat(u.attempts()).isEqualTo(3);
            assertThat(u.reason()).startsWith("cannot connect to http://127.0.0.1:" + port);
        });
        assertThat(PublishClient.describe(result)).doesNotContain(KEY);
        assertThat(slept).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    @Test
    void shouldGrowTheBackoffExponentiallyUpToTheCapWithJitterInTheUpperHalf() {
        var policy = PublishClient.RetryPolicy.DEFAULT;

        assertThat(policy.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.backoff(1, 1.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(4, 0.0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.backoff(4, 1.0)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.backoff(10, 1.0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.backoff(60, 0.0)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void shouldReadRetryOptionsFromTheCommandLine() {
        var policy = PublishClient.RetryPolicy.from(
                CliArgs.parse(new String[] {"--max-attempts", "8", "--max-time", "90s", "--timeout", "PT10S"}));

        assertThat(policy.maxAttempts()).isEqualTo(8);
        assertThat(policy.maxTime()).isEqualTo(Duration.ofSeconds(90));
        assertThat(policy.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> PublishClient.RetryPolicy.from(CliArgs.parse(new String[] {"--max-attempts", "0"})))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> PublishClient.RetryPolicy.from(CliArgs.parse(new String[] {"--max-time", "soon"})))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("not a duration");
    }

    /** A clock the test's sleeper moves forward. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
