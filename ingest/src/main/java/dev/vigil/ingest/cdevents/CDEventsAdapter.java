package dev.vigil.ingest.cdevents;

import static dev.vigil.ingest.adapter.JsonInput.optionalText;
import static dev.vigil.ingest.adapter.JsonInput.optionalTimestamp;
import static dev.vigil.ingest.adapter.JsonInput.quote;
import static dev.vigil.ingest.adapter.JsonInput.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.adapter.InputAdapter;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.JsonInput;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * CDEvents, either wrapped in a CloudEvents 1.0 structured-mode event
 * ({@code application/cloudevents+json}, the CDEvent in {@code data}) or bare
 * ({@code application/json}, as the CDEvents conformance files are; binary-mode {@code ce-*}
 * headers, if sent, add nothing the CDEvent context does not already carry).
 */
public final class CDEventsAdapter implements InputAdapter {

    public static final String STRUCTURED = "application/cloudevents+json";
    public static final String BARE = "application/json";

    @Override
    public String name() {
        return "cdevents";
    }

    @Override
    public List<String> mediaTypes() {
        return List.of(STRUCTURED, BARE);
    }

    @Override
    public boolean accepts(RawInput input) {
        return STRUCTURED.equals(input.mediaType()) || BARE.equals(input.mediaType());
    }

    @Override
    public List<Normalized> normalize(RawInput input) throws InvalidInputException {
        return List.of(new Normalized.Event(CDEventMapper.map(read(input), input)));
    }

    /** Parses and validates the body into a CDEvent, naming the offending field on refusal. */
    public static CDEvent read(RawInput input) throws InvalidInputException {
        ObjectNode root = JsonInput.parseObject(input.body());
        if (STRUCTURED.equals(input.mediaType())) {
            return readStructured(root);
        }
        if (!root.has("context") && root.has("specversion") && root.has("data")) {
            throw InvalidInputException.invalidField(
                    "/context",
                    "/context is required: this body looks like a CloudEvent; send it with Content-Type " + STRUCTURED
                            + ", or send the bare CDEvent.");
        }
        return CDEvent.read(root, "");
    }

    private static CDEvent readStructured(ObjectNode envelope) throws InvalidInputException {
        String specversion = requireText(envelope, "", "specversion");
        if (!specversion.equals("1.0")) {
            throw InvalidInputException.invalidField(
                    "/specversion", "/specversion must be \"1.0\" (CloudEvents 1.0), not " + quote(specversion) + ".");
        }
        String id = requireText(envelope, "", "id");
        String source = requireText(envelope, "", "source");
        String type = requireText(envelope, "", "type");
        optionalTimestamp(envelope, "", "time");
        Optional<String> contentType = optionalText(envelope, "", "datacontenttype");
        if (contentType.isPresent() && !isJson(contentType.get())) {
            throw InvalidInputException.invalidField(
                    "/datacontenttype",
                    "/datacontenttype must be application/json (the CDEvent as JSON), not " + quote(contentType.get())
                            + ".");
        }
        if (envelope.has("data_base64")) {
            throw InvalidInputException.invalidField(
                    "/data_base64", "/data_base64 is not accepted: put the CDEvent as a JSON object in /data.");
        }
        JsonNode data = envelope.get("data");
        if (data == null || data.isNull()) {
            throw InvalidInputException.invalidField("/data", "/data is required and must be the CDEvent object.");
        }
        if (!data.isObject()) {
            throw InvalidInputException.invalidField(
                    "/data", "/data must be the CDEvent object, not " + JsonInput.describe(data) + ".");
        }
        CDEvent event = CDEvent.read((ObjectNode) data, "/data");
        // The CDEvents CloudEvents binding maps these one to one; a mismatch means a broken producer.
        requireSame("/type", type, "/data/context/type", event.type());
        requireSame("/id", id, "/data/context/id", event.id());
        requireSame("/source", source, "/data/context/source", event.source());
        return event;
    }

    private static void requireSame(String pointer, String value, String otherPointer, String other)
            throws InvalidInputException {
        if (!value.equals(other)) {
            throw InvalidInputException.invalidField(
                    pointer,
                    pointer + " must equal " + otherPointer + " (" + quote(other) + "), not " + quote(value) + ".");
        }
    }

    private static boolean isJson(String mediaType) {
        int semi = mediaType.indexOf(';');
        String type =
                (semi < 0 ? mediaType : mediaType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.endsWith("+json");
    }
}
