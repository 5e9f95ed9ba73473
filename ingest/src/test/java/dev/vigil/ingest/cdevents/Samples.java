package dev.vigil.ingest.cdevents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.ingest.adapter.RawInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The CDEvents conformance samples (src/test/resources/samples/cdevents) and inputs built from them. */
public final class Samples {

    public static final List<String> ALL = List.of(
            "artifact_published.json",
            "artifact_signed.json",
            "build_finished.json",
            "change_merged.json",
            "change_reviewed.json",
            "incident_detected.json",
            "pipelinerun_finished.json",
            "service_deployed.json",
            "testsuiterun_finished.json");

    public static final Instant RECEIVED = Instant.parse("2024-06-01T10:00:00.123456Z");

    private Samples() {}

    public static byte[] bytes(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("/samples/cdevents/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode cdevent(String name) {
        try {
            return (ObjectNode) Json.mapper().readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CDEvent wrapped as a CloudEvents 1.0 structured-mode event, attributes per the CDEvents binding. */
    public static ObjectNode cloudEvent(ObjectNode cdevent) {
        ObjectNode ce = Json.mapper().createObjectNode();
        ce.put("specversion", "1.0");
        ce.put("id", cdevent.at("/context/id").asText());
        ce.put("source", cdevent.at("/context/source").asText());
        ce.put("type", cdevent.at("/context/type").asText());
        ce.put("subject", cdevent.at("/subject/id").asText());
        ce.put("time", cdevent.at("/context/timestamp").asText());
        ce.put("datacontenttype", "application/json");
        ce.set("data", cdevent);
        return ce;
    }

    public static byte[] json(ObjectNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RawInput bare(byte[] body) {
        return RawInput.of("acme", CDEventsAdapter.BARE, Map.of(), body, RECEIVED);
    }

    /** A batch of the given CloudEvents, as {@code application/cloudevents-batch+json}. */
    public static RawInput batch(ObjectNode... cloudEvents) {
        var array = Json.mapper().createArrayNode();
        for (ObjectNode ce : cloudEvents) {
            array.add(ce);
        }
        try {
            return RawInput.of(
                    "acme", CDEventsAdapter.BATCH, Map.of(), Json.mapper().writeValueAsBytes(array), RECEIVED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CloudEvents binding's headers for a CDEvent in binary mode (values percent-encoded where needed). */
    public static Map<String, List<String>> binaryHeaders(ObjectNode cdevent) {
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        headers.put("Content-Type", List.of("application/json"));
        headers.put("ce-specversion", List.of("1.0"));
        headers.put("ce-id", List.of(encode(cdevent.at("/context/id").asText())));
        headers.put("ce-source", List.of(encode(cdevent.at("/context/source").asText())));
        headers.put("ce-type", List.of(encode(cdevent.at("/context/type").asText())));
        headers.put("ce-subject", List.of(encode(cdevent.at("/subject/id").asText())));
        headers.put("ce-time", List.of(encode(cdevent.at("/context/timestamp").asText())));
        return headers;
    }

    /** CloudEvents HTTP binding 3.1.3.2: space, '"', '%' and anything outside printable ASCII as %XX of UTF-8. */
    public static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '%') {
                out.append('%').append(String.format(java.util.Locale.ROOT, "%02X", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    public static RawInput binary(Map<String, List<String>> headers, byte[] body) {
        return RawInput.of("acme", CDEventsAdapter.BARE, headers, body, RECEIVED);
    }

    public static RawInput structured(byte[] body) {
        return RawInput.of("acme", CDEventsAdapter.STRUCTURED, Map.of(), body, RECEIVED);
    }
}
