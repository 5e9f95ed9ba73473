package dev.vigil.ingest;

import dev.vigil.common.http.HttpService;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.ingest.adapter.InputAdapter;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.RejectedInput;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events}: picks the adapter for the request, publishes what it normalized and
 * answers 202 only after Kafka acknowledged it. Every refusal this handler makes is kept on
 * vigil.ingest-rejected (raw bytes, reason, pointer, redacted headers) before the client hears of
 * it, so nothing a client sent is dropped silently.
 */
final class EventsEndpoint implements HttpService.Handler {

    private static final Logger LOG = LoggerFactory.getLogger(EventsEndpoint.class);

    static final int MAX_SCOPE_LENGTH = 512;
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final List<InputAdapter> adapters;
    private final List<String> acceptedMediaTypes;
    private final Topics topics;
    private final KafkaSink sink;
    private final Clock clock;

    EventsEndpoint(List<InputAdapter> adapters, Topics topics, KafkaSink sink, Clock clock) {
        this.adapters = List.copyOf(adapters);
        this.acceptedMediaTypes = adapters.stream()
                .flatMap(a -> a.mediaTypes().stream())
                .distinct()
                .toList();
        this.topics = topics;
        this.sink = sink;
        this.clock = clock;
    }

    List<String> acceptedMediaTypes() {
        return acceptedMediaTypes;
    }

    @Override
    public Response handle(Request request) {
        Instant receivedAt = clock.instant();
        RawInput input = RawInput.of(
                request.principal().tenant(), request.mediaType(), request.headers(), request.body(), receivedAt);
        Normalized normalized;
        try {
            InputAdapter adapter = adapters.stream()
                    .filter(a -> a.accepts(input))
                    .findFirst()
                    .orElseThrow(() ->
                            InvalidInputException.unsupportedMediaType(request.contentType(), acceptedMediaTypes));
            Optional<String> scope = scopeParameter(request);
            normalized = adapter.normalize(input);
            if (scope.isPresent()) {
                normalized = normalized.withScope(scope.get());
            }
        } catch (InvalidInputException e) {
            return refuse(request, input, e.problem());
        } catch (RuntimeException e) {
            // An adapter bug must not lose the input: keep it like a refusal so it can be replayed after the fix.
            LOG.error(
                    "the adapter failed on input from tenant {} (evidence sha256 {}); keeping it on {} with status"
                            + " 500. This is a bug: report it with that record.",
                    input.tenant(),
                    input.evidenceSha256(),
                    topics.ingestRejected().name(),
                    e);
            return refuse(request, input, Problem.internal());
        }
        return publish(request, input, normalized);
    }

    static Optional<String> scopeParameter(Request request) throws InvalidInputException {
        Optional<String> scope = request.param("scope");
        if (scope.isEmpty()) {
            return scope;
        }
        String value = scope.get();
        if (value.isBlank()) {
            throw InvalidInputException.invalidParameter("scope", "must not be empty; omit it to derive the scope.");
        }
        if (value.length() > MAX_SCOPE_LENGTH
                || CONTROL.matcher(value).find()
                || !value.strip().equals(value)) {
            throw InvalidInputException.invalidParameter(
                    "scope",
                    "must be at most " + MAX_SCOPE_LENGTH
                            + " characters, without control characters or surrounding spaces.");
        }
        return scope;
    }

    private Response publish(Request request, RawInput input, Normalized normalized) {
        String key = SubjectKey.of(normalized.tenant(), normalized.scope());
        Map<String, Object> answer = new LinkedHashMap<>();
        try {
            switch (normalized) {
                case Normalized.Event e -> {
                    PipelineEvent event = e.event();
                    RecordMetadata md = sink.send(topics.pipelineEvents(), key, event);
                    LOG.debug(
                            "accepted {} {} for {} on {}-{}@{} (evidence sha256 {})",
                            event.getKind(),
                            event.getId(),
                            key,
                            md.topic(),
                            md.partition(),
                            md.offset(),
                            event.getEvidenceSha256());
                    answer.put("id", event.getId());
                    answer.put("tenant", event.getTenant());
                    answer.put("scope", event.getScope());
                    answer.put("kind", event.getKind().name());
                    answer.put("evidenceSha256", event.getEvidenceSha256());
                }
            }
        } catch (KafkaSink.SendFailedException e) {
            if (e.tooLarge()) {
                return refuse(
                        request,
                        input,
                        Problem.of(
                                413,
                                "record-too-large",
                                "Payload Too Large",
                                "The event is larger than Kafka accepts once normalized; send less customData or"
                                        + " subject content."));
            }
            LOG.warn(
                    "could not publish the event for {} (evidence sha256 {}): {}; answered 503 so the client retries."
                            + " Check that Kafka at the configured bootstrap servers is up and topic {} is writable.",
                    key,
                    input.evidenceSha256(),
                    e.getMessage(),
                    topics.pipelineEvents().name());
            return unavailable(request, "The event could not be stored; retry later.");
        }
        return Response.json(202, answer);
    }

    /** Keeps the refused input on vigil.ingest-rejected, then answers the problem. */
    private Response refuse(Request request, RawInput input, Problem problem) {
        RejectedInput rejected = RejectedInput.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setTenant(input.tenant())
                .setReceivedAt(input.receivedAt().truncatedTo(ChronoUnit.MILLIS))
                .setMethod(request.method())
                .setPath(Redaction.pathAndQuery(request.path(), request.rawQuery()))
                .setContentType(request.contentType())
                .setHeaders(Redaction.headers(request.headers()))
                .setStatus(problem.status())
                .setProblemType(problem.type())
                .setReason(problem.detail())
                .setPointer(problem.pointer())
                .setBody(ByteBuffer.wrap(input.body()))
                .build();
        try {
            RecordMetadata md = sink.send(topics.ingestRejected(), input.tenant(), rejected);
            LOG.info(
                    "refused input {} from tenant {} ({} {}, {}): {} [{}]; kept on {}-{}@{} for an operator to fix"
                            + " and replay",
                    rejected.getId(),
                    input.tenant(),
                    request.method(),
                    request.path(),
                    problem.status(),
                    problem.detail(),
                    problem.pointer(),
                    md.topic(),
                    md.partition(),
                    md.offset());
        } catch (KafkaSink.SendFailedException e) {
            if (!e.tooLarge()) {
                LOG.error(
                        "could not keep refused input {} from tenant {} (evidence sha256 {}) on {}: {}; answered 503"
                                + " so the client sends it again. Check Kafka.",
                        rejected.getId(),
                        input.tenant(),
                        input.evidenceSha256(),
                        topics.ingestRejected().name(),
                        e.getMessage());
                return unavailable(
                        request,
                        "The input was refused (" + problem.detail() + ") but could not be recorded; retry later.");
            }
            // Retrying cannot make it fit: the client still learns why it was refused.
            LOG.error(
                    "refused input {} from tenant {} ({} bytes, sha256 {}) is larger than {} accepts and was not"
                            + " kept; the client was told: {}. Raise the topic's max.message.bytes to keep such input.",
                    rejected.getId(),
                    input.tenant(),
                    input.evidenceSize(),
                    input.evidenceSha256(),
                    topics.ingestRejected().name(),
                    problem.detail());
        }
        Response response = Response.problem(problem.withInstance(request.path()));
        if (problem.status() == 415) {
            response.header("Accept-Post", String.join(", ", acceptedMediaTypes));
        }
        return response;
    }

    private static Response unavailable(Request request, String detail) {
        return Response.problem(Problem.unavailable(detail).withInstance(request.path()))
                .header("Retry-After", "5");
    }
}
