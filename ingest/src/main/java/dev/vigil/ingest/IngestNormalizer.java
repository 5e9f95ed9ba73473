package dev.vigil.ingest;

import com.sun.net.httpserver.Headers;
import dev.vigil.common.config.Config;
import dev.vigil.common.http.Request;
import dev.vigil.ingest.adapter.InputAdapter;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.ingest.scan.SecretHasher;
import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code POST /v1/events} would write for one request, without HTTP or Kafka: the same adapters in the same
 * order, the same selection ({@code ?format=}, media type), redaction, normalization and {@code ?scope=}, and the
 * same encoding with the topics' serdes, evidence (data key, encrypted chunks) before the records. For tools that
 * measure the parts on the documents ingest makes ({@code vigil bench}'s ceilings); ingest itself does not use it.
 */
public final class IngestNormalizer {

    /** One Kafka write as ingest would send it, key and value encoded with the topic's serdes. */
    public record Write(String topic, byte[] key, byte[] value) {

        public long bytes() {
            return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        }
    }

    /**
     * One input's writes: {@code evidence} (the payload's data key, then its chunks) and {@code records} (the
     * normalized records, in order), plus the records themselves and the redacted input they came from.
     */
    public record Normalization(
            RawInput input, List<Normalized> normalized, List<Write> evidence, List<Write> records) {

        public Normalization {
            normalized = List.copyOf(normalized);
            evidence = List.copyOf(evidence);
            records = List.copyOf(records);
        }
    }

    private final Topics topics;
    private final EventsEndpoint endpoint;

    /**
     * @param topics the registry whose names and serdes the writes use
     * @param secretHashKey the HMAC key secret values in scanner reports are replaced with (at least 16 characters)
     */
    public IngestNormalizer(Topics topics, String secretHashKey) {
        this.topics = topics;
        SecretHasher hasher = new SecretHasher(secretHashKey.getBytes(StandardCharsets.UTF_8));
        // No sink and no de-duplication: only the endpoint's adapter selection is used.
        this.endpoint = new EventsEndpoint(IngestServer.adapters(hasher), topics, null, Clock.systemUTC(), null);
    }

    /**
     * The writes ingest makes for one request of {@code tenant}; refused input throws as ingest would answer 400/415.
     *
     * @param pathAndQuery e.g. {@code /v1/events?format=trivy&repository=...}
     */
    public Normalization normalize(
            String tenant, String contentType, String pathAndQuery, byte[] body, Instant receivedAt)
            throws InvalidInputException {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String rawQuery = q < 0 ? null : pathAndQuery.substring(q + 1);
        Map<String, List<String>> query = parseQuery(rawQuery);
        Headers headers = new Headers();
        if (contentType != null) {
            headers.add("Content-Type", contentType);
        }
        Request request = new Request("POST", path, rawQuery, query, headers, body, null);
        Map<String, String> params = new LinkedHashMap<>();
        query.forEach((k, v) -> {
            if (!v.isEmpty()) {
                params.put(k, v.get(0));
            }
        });
        RawInput received = RawInput.of(tenant, request.mediaType(), headers, params, body, receivedAt);
        InputAdapter adapter = endpoint.select(received, null, request);
        RawInput input = adapter.redact(received);
        Optional<String> scope = EventsEndpoint.scopeParameter(request);
        List<Normalized> normalized = adapter.normalize(input);
        if (normalized.isEmpty()) {
            throw InvalidInputException.invalidField("", "The body holds no event.");
        }
        if (scope.isPresent()) {
            normalized = normalized.stream()
                    .map(n -> (Normalized) n.withScope(scope.get()))
                    .toList();
        }
        List<Write> evidence = new ArrayList<>();
        byte[] dataKey = EvidenceChunks.newDataKey();
        evidence.add(write(KafkaSink.encode(
                topics.evidenceKeys(), EvidenceChunks.dataKeyId(input.tenant(), input.evidenceSha256()), dataKey)));
        for (EvidenceChunk chunk : Evidence.chunks(input, dataKey)) {
            evidence.add(write(KafkaSink.encode(
                    topics.evidence(), Evidence.key(chunk.getTenant(), chunk.getSha256(), chunk.getIndex()), chunk)));
        }
        List<Write> records = new ArrayList<>(normalized.size());
        for (Normalized n : normalized) {
            String key = SubjectKey.of(n.tenant(), n.scope());
            records.add(
                    switch (n) {
                        case Normalized.Event e -> write(KafkaSink.encode(topics.pipelineEvents(), key, e.event()));
                        case Normalized.Scan s -> write(KafkaSink.encode(topics.scanResults(), key, s.scan()));
                    });
        }
        return new Normalization(input, normalized, evidence, records);
    }

    /** Ingest's producer settings (acks=all, idempotence, linger, compression, sizes) with the default configuration. */
    public static Map<String, Object> producerProperties(String bootstrapServers) {
        return KafkaSink.properties(IngestConfig.from(Config.resolve(
                IngestConfig.FIELDS, null, Map.of(), Map.of(IngestConfig.BOOTSTRAP_SERVERS.key(), bootstrapServers))));
    }

    private static Write write(KafkaSink.Encoded encoded) {
        return new Write(encoded.topic(), encoded.key(), encoded.value());
    }

    private static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return result;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            result.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return result;
    }
}
