package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * POSTs one body to Vigil and retries what may succeed later: connection failures, 429 and 5xx,
 * with exponential backoff and jitter, honouring Retry-After. Any other answer is final. Retrying
 * a POST is safe here because ingest derives record ids from the input, so a body stored twice is
 * answered with the same ids. The API key goes only into the Authorization header and never into
 * a message.
 */
final class PublishClient {

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * @param maxAttempts attempts in all, the first included
     * @param maxTime no retry starts when its wait would end later than this after the first attempt
     * @param initialDelay the first backoff; doubled per attempt up to maxDelay
     * @param requestTimeout how long one attempt waits for the answer
     */
    record RetryPolicy(
            int maxAttempts, Duration maxTime, Duration initialDelay, Duration maxDelay, Duration requestTimeout) {

        static final RetryPolicy DEFAULT = new RetryPolicy(
                5, Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30));

        RetryPolicy {
            if (maxAttempts < 1) {
                throw new CliArgs.UsageException("--max-attempts must be at least 1");
            }
            if (maxTime.isNegative() || requestTimeout.isZero() || requestTimeout.isNegative()) {
                throw new CliArgs.UsageException("--max-time and --timeout must be positive durations");
            }
        }

        /** Backoff before attempt {@code attempt + 1}: half of the capped exponential, plus up to as much again at random. */
        Duration backoff(int attempt, double random) {
            long capped = Math.min(maxDelay.toMillis(), initialDelay.toMillis() * (1L << Math.min(attempt - 1, 30)));
            return Duration.ofMillis(capped / 2 + Math.round(random * (capped - capped / 2)));
        }

        static RetryPolicy from(CliArgs args) {
            return new RetryPolicy(
                    args.option("max-attempts").map(PublishClient::positiveInt).orElse(DEFAULT.maxAttempts),
                    args.option("max-time").map(Durations::parse).orElse(DEFAULT.maxTime),
                    DEFAULT.initialDelay,
                    DEFAULT.maxDelay,
                    args.option("timeout").map(Durations::parse).orElse(DEFAULT.requestTimeout));
        }
    }

    /** How one POST ended, after all its attempts. */
    sealed interface Result {
        int attempts();

        /** 2xx: the ids ingest gave the stored records. */
        record Accepted(int status, List<String> recordIds, JsonNode body, int attempts) implements Result {}

        /** A final refusal (4xx other than 429), or the last retryable answer when retries ran out. */
        record Refused(int status, String type, String detail, String pointer, int attempts, boolean retriesExhausted)
                implements Result {}

        /** No answer at all (connection refused, timeout) on the last attempt. */
        record Unreachable(String reason, int attempts) implements Result {}
    }

    private final HttpClient http;
    private final RetryPolicy policy;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    PublishClient(HttpClient http, RetryPolicy policy, Clock clock, Sleeper sleeper, DoubleSupplier random) {
        this.http = http;
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
    }

    static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * POSTs {@code body} to {@code uri}. {@code headers} are extra request headers (name, value);
     * {@code apiKey} may be null when the endpoint needs none.
     */
    Result post(URI uri, String contentType, byte[] body, String apiKey, Map<String, String> headers)
            throws InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(policy.requestTimeout())
                .header("User-Agent", "vigil-cli")
                .header("Accept", "application/json, application/problem+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        headers.forEach(builder::header);
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest request = builder.build();

        Instant start = clock.instant();
        Instant deadline = start.plus(policy.maxTime());
        for (int attempt = 1; ; attempt++) {
            Result result;
            Optional<Duration> retryAfter = Optional.empty();
            boolean retryable;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    JsonNode answer = parse(response.body());
                    return new Result.Accepted(status, recordIds(answer), answer, attempt);
                }
                retryable = status == 429 || status >= 500;
                result = refused(status, response.body(), attempt, retryable);
                retryAfter = response.headers().firstValue("Retry-After").flatMap(v -> retryAfter(v, clock));
            } catch (HttpTimeoutException e) {
                result = new Result.Unreachable(
                        "no answer from " + origin(uri) + " within " + Durations.format(policy.requestTimeout()),
                        attempt);
                retryable = true;
            } catch (ConnectException e) {
                // The JDK reports a refused connection without a message.
                String why = e.getMessage() == null ? "connection refused" : reason(e);
                result = new Result.Unreachable("cannot connect to " + origin(uri) + " (" + why + ")", attempt);
                retryable = true;
            } catch (IOException e) {
                result =
                        new Result.Unreachable("connection to " + origin(uri) + " failed (" + reason(e) + ")", attempt);
                retryable = true;
            }
            if (!retryable || attempt >= policy.maxAttempts()) {
                return result;
            }
            Duration wait = retryAfter.isPresent() ? retryAfter.get() : policy.backoff(attempt, random.getAsDouble());
            if (clock.instant().plus(wait).isAfter(deadline)) {
                return result;
            }
            sleeper.sleep(wait);
        }
    }

    private static Result.Refused refused(int status, String body, int attempt, boolean retryable) {
        JsonNode problem = parse(body);
        String type = text(problem, "type");
        String detail = text(problem, "detail");
        if (detail == null) {
            detail = text(problem, "title");
        }
        if (detail == null) {
            String plain = body == null ? "" : body.strip();
            detail = plain.isEmpty() || plain.startsWith("<") ? "HTTP " + status : oneLine(plain, 200);
        }
        String pointer = problem == null ? null : text(problem.path("errors").path(0), "pointer");
        return new Result.Refused(status, type, detail, pointer, attempt, retryable);
    }

    /** Retry-After as delta-seconds or an HTTP-date (RFC 9110 10.2.3); a date in the past means now. */
    static Optional<Duration> retryAfter(String value, Clock clock) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException e) {
            // not delta-seconds: try the date form
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(clock.instant(), at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static List<String> recordIds(JsonNode answer) {
        List<String> ids = new ArrayList<>();
        if (answer == null) {
            return ids;
        }
        JsonNode records = answer.get("records");
        if (records != null && records.isArray()) {
            records.forEach(r -> {
                if (r.hasNonNull("id")) {
                    ids.add(r.get("id").asText());
                }
            });
        } else if (answer.hasNonNull("id")) {
            ids.add(answer.get("id").asText());
        }
        return ids;
    }

    /** The one-line message a CI log shows for a failed POST. */
    static String describe(Result result) {
        return switch (result) {
            case Result.Accepted a -> "accepted (" + a.status() + ")";
            case Result.Refused r -> {
                String prefix = r.retriesExhausted()
                        ? "gave up after " + r.attempts() + " attempt(s): " + r.status()
                        : "refused: " + r.status();
                String slug = r.type() == null ? "" : " " + slug(r.type());
                yield prefix + slug + ": " + oneLine(r.detail(), 500)
                        + (r.pointer() == null ? "" : " (at " + r.pointer() + ")");
            }
            case Result.Unreachable u -> "gave up after " + u.attempts() + " attempt(s): " + u.reason();
        };
    }

    /** The last path segment of a problem type URI: invalid-field for https://vigil.dev/problems/invalid-field. */
    static String slug(String type) {
        int slash = type.lastIndexOf('/');
        return slash >= 0 && slash < type.length() - 1 ? type.substring(slash + 1) : type;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = Json.mapper().readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static String reason(IOException e) {
        String message = e.getMessage();
        if (message == null && e.getCause() != null) {
            message = e.getCause().getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : oneLine(message, 200);
    }

    static String oneLine(String s, int max) {
        String flat = s.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }

    private static int positiveInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new CliArgs.UsageException("--max-attempts takes a whole number, not '" + s + "'");
        }
    }

    /** Durations on the command line: 90s, 2m, 1h, 7d, 500ms or ISO-8601 (PT2M). */
    static final class Durations {
        private Durations() {}

        static Duration parse(String s) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("p")) {
                    return Duration.parse(v.toUpperCase(Locale.ROOT));
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                return switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw new NumberFormatException();
                };
            } catch (RuntimeException e) {
                throw new CliArgs.UsageException("'" + s + "' is not a duration (like 90s, 2m, 1h, 7d or PT2M)");
            }
        }

        static String format(Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }
    }
}
