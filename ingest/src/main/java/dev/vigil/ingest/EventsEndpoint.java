package dev.vigil.ingest;

import dev.vigil.common.http.HttpService;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.ingest.adapter.InputAdapter;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.RejectedInput;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events} and, behind their signature check, the webhooks: picks the adapter for the
 * request, publishes what it normalized and answers 202 only after Kafka acknowledged it. A delivery
 * whose records (by their deterministic ids) this instance accepted recently is answered 200
 * {@code "duplicate": true} with the original ids, and nothing is written. Every refusal this handler makes is kept on
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
    private final RecentDeliveries recent;

    EventsEndpoint(List<InputAdapter> adapters, Topics topics, KafkaSink sink, Clock clock, RecentDeliveries recent) {
        this.adapters = List.copyOf(adapters);
        this.acceptedMediaTypes = adapters.stream()
                .flatMap(a -> a.mediaTypes().stream())
                .distinct()
                .toList();
        this.topics = topics;
        this.sink = sink;
        this.clock = clock;
        this.recent = recent;
    }

    List<String> acceptedMediaTypes() {
        return acceptedMediaTypes;
    }

    @Override
    public Response handle(Request request) {
        return ingest(request, request.principal().tenant(), null);
    }

    /**
     * The one ingest path: adapter, redaction, normalization, de-duplication, publication, 202.
     * {@code /v1/events} passes the caller's tenant and lets the adapters choose; a webhook passes
     * the tenant its verified source is bound to and its own adapter.
     */
    Response ingest(Request request, String tenant, InputAdapter only) {
        Instant receivedAt = clock.instant();
        Map<String, String> params = new LinkedHashMap<>();
        request.query().forEach((k, v) -> {
            if (!v.isEmpty()) {
                params.put(k, v.get(0));
            }
        });
        RawInput received =
                RawInput.of(tenant, request.mediaType(), request.headers(), params, request.body(), receivedAt);
        RawInput input = received;
        List<Normalized> normalized;
        try {
            InputAdapter adapter = select(received, only, request);
            input = adapter.redact(received);
            Optional<String> scope = scopeParameter(request);
            normalized = adapter.normalize(input);
            if (normalized.isEmpty()) {
                throw InvalidInputException.invalidField("", "The body holds no event.");
            }
            if (scope.isPresent()) {
                normalized = normalized.stream()
                        .map(n -> (Normalized) n.withScope(scope.get()))
                        .toList();
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

    InputAdapter select(RawInput received, InputAdapter only, Request request) throws InvalidInputException {
        if (only != null) {
            // The route chose the format: the adapter itself checks the media type and the event header, so each
            // refusal names its own cause (a webhook may have another body encoding than /v1/events accepts).
            return only;
        }
        Optional<String> format = received.param("format");
        if (format.isPresent()) {
            // A caller naming a format we do not read must hear so, not another format's field errors.
            List<String> names = adapters.stream().map(InputAdapter::name).toList();
            String wanted = format.get().toLowerCase(Locale.ROOT);
            InputAdapter named = adapters.stream()
                    .filter(a -> a.name().equals(wanted))
                    .findFirst()
                    .orElseThrow(() -> InvalidInputException.unsupportedFormat(format.get(), names));
            if (named.accepts(received)) {
                return named;
            }
        }
        return adapters.stream()
                .filter(a -> a.accepts(received))
                .findFirst()
                .orElseThrow(
                        () -> InvalidInputException.unsupportedMediaType(request.contentType(), acceptedMediaTypes));
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

    private Response publish(Request request, RawInput input, List<Normalized> normalized) {
        List<KafkaSink.Encoded> records = new ArrayList<>(normalized.size() + 1);
        // The payload first: a record on the input topics must never point at evidence not yet stored.
        // The payload's own data key before its chunks: no ciphertext is ever kept without its key
        // (docs/erasure.md); erasing the person later tombstones this key.
        byte[] dataKey = EvidenceChunks.newDataKey();
        KafkaSink.Encoded keyRecord = KafkaSink.encode(
                topics.evidenceKeys(), EvidenceChunks.dataKeyId(input.tenant(), input.evidenceSha256()), dataKey);
        List<KafkaSink.Encoded> evidence = new ArrayList<>();
        for (EvidenceChunk chunk : Evidence.chunks(input, dataKey)) {
            evidence.add(KafkaSink.encode(
                    topics.evidence(), Evidence.key(chunk.getTenant(), chunk.getSha256(), chunk.getIndex()), chunk));
        }
        List<Map<String, Object>> described = new ArrayList<>(normalized.size());
        for (Normalized n : normalized) {
            String key = SubjectKey.of(n.tenant(), n.scope());
            Map<String, Object> d = new LinkedHashMap<>();
            switch (n) {
                case Normalized.Event e -> {
                    PipelineEvent event = e.event();
                    records.add(KafkaSink.encode(topics.pipelineEvents(), key, event));
                    d.put("id", event.getId());
                    d.put("tenant", event.getTenant());
                    d.put("scope", event.getScope());
                    d.put("kind", event.getKind().name());
                    d.put("evidenceSha256", event.getEvidenceSha256());
                }
                case Normalized.Scan sc -> {
                    ScanResult scan = sc.scan();
                    records.add(KafkaSink.encode(topics.scanResults(), key, scan));
                    d.put("id", scan.getId());
                    d.put("tenant", scan.getTenant());
                    d.put("scope", scan.getScope());
                    d.put("category", scan.getCategory().name());
                    d.put("part", scan.getPart());
                    d.put("partCount", scan.getPartCount());
                    d.put("findings", scan.getFindings().size());
                    d.put("evidenceSha256", scan.getEvidenceSha256());
                }
            }
            described.add(d);
        }
        String deliveryKey = RecentDeliveries.key(
                input.tenant(),
                described.stream().map(d -> (String) d.get("id")).toList());
        Optional<RecentDeliveries.Accepted> earlier = recent.find(deliveryKey);
        if (earlier.isPresent()) {
            LOG.debug(
                    "delivery of {} record(s) for tenant {} (evidence sha256 {}) was accepted at {} already; answered"
                            + " 200 duplicate without writing",
                    described.size(),
                    input.tenant(),
                    input.evidenceSha256(),
                    earlier.get().at());
            return Response.json(200, answer(earlier.get().records(), true));
        }
        try {
            sink.sendAll(List.of(keyRecord));
            sink.sendAll(evidence);
            List<RecordMetadata> acked = sink.sendAll(records);
            if (LOG.isDebugEnabled()) {
                for (int i = 0; i < acked.size(); i++) {
                    RecordMetadata md = acked.get(i);
                    LOG.debug(
                            "accepted {} on {}-{}@{} (evidence sha256 {})",
                            described.get(i).get("id"),
                            md.topic(),
                            md.partition(),
                            md.offset(),
                            input.evidenceSha256());
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
                                "The input is larger than Kafka accepts once normalized; send less customData or"
                                        + " subject content."));
            }
            LOG.warn(
                    "could not publish {} record(s) for tenant {} (evidence sha256 {}): {}; answered 503 so the client"
                            + " retries. Check that Kafka at the configured bootstrap servers is up and the topics are"
                            + " writable.",
                    records.size(),
                    input.tenant(),
                    input.evidenceSha256(),
                    e.getMessage());
            return unavailable(request, "The input could not be stored; retry later.");
        }
        recent.remember(deliveryKey, described);
        return Response.json(202, answer(described, false));
    }

    private static Map<String, Object> answer(List<Map<String, Object>> described, boolean duplicate) {
        // One record: its fields at the top level too, as clients of the first version read them.
        Map<String, Object> answer = new LinkedHashMap<>(described.size() == 1 ? described.get(0) : Map.of());
        if (duplicate) {
            answer.put("duplicate", true);
        }
        answer.put("records", described);
        return answer;
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
