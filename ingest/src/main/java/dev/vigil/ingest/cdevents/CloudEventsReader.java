package dev.vigil.ingest.cdevents;

import static dev.vigil.ingest.adapter.JsonInput.describe;
import static dev.vigil.ingest.adapter.JsonInput.optionalText;
import static dev.vigil.ingest.adapter.JsonInput.pointer;
import static dev.vigil.ingest.adapter.JsonInput.quote;
import static dev.vigil.ingest.adapter.JsonInput.requireText;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.http.Problem;
import dev.vigil.common.json.Json;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.JsonInput;
import dev.vigil.ingest.adapter.RawInput;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.jackson.JsonFormatOptions;
import io.cloudevents.rw.CloudEventRWException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the CDEvents out of one request in any of the CloudEvents 1.0 HTTP modes, or bare.
 *
 * <p>Envelopes are parsed by the CloudEvents Java SDK ({@link JsonFormat} for structured and
 * batched mode, {@link HttpMessageFactory} for binary mode), which checks the attribute types
 * (source a URI-reference, time an RFC 3339 timestamp, extension names). Before handing the bytes
 * to the SDK this class checks what the SDK cannot name by pointer (a missing attribute, data
 * that is not a JSON object), because SDK exceptions carry a message and no location; any SDK
 * refusal left is turned into a problem that names the attribute it is about, without echoing
 * the SDK's text (it may quote the client's value at any length).
 */
public final class CloudEventsReader {

    public static final String STRUCTURED = "application/cloudevents+json";
    public static final String BATCH = "application/cloudevents-batch+json";
    public static final String JSON = "application/json";
    public static final String SPECVERSION_HEADER = "ce-specversion";

    /** Problem type of a refused {@code ce-*} header: there is no body pointer to give. */
    public static final String INVALID_HEADER = "invalid-header";

    private static final ObjectReader READER =
            Json.mapper().reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());

    /**
     * A mapper with the SDK's CloudEvent deserializer and {@link JsonFormat}'s default options: what
     * {@code JsonFormat.deserialize(bytes)} uses, but fed the already parsed tree.
     */
    private static final ObjectMapper SDK_MAPPER =
            new ObjectMapper().registerModule(JsonFormat.getCloudEventJacksonModule(new JsonFormatOptions()));

    /** The attribute an SDK message is about: {@code "time"}, {@code attribute id}, {@code mandatory id}. */
    private static final Pattern SDK_ATTRIBUTE = Pattern.compile(
            "(?:for \"|attribute |mandatory |Attribute '|extensions name: |Invalid attribute: )([A-Za-z0-9_]+)");

    private CloudEventsReader() {}

    /** How a request carries its CDEvents. */
    public enum Mode {
        STRUCTURED,
        BATCH,
        BINARY,
        BARE
    }

    /** The mode of a request this reader would take, or empty (the request belongs to another adapter). */
    public static Optional<Mode> modeOf(RawInput input) {
        String mediaType = input.mediaType();
        if (STRUCTURED.equals(mediaType)) {
            return Optional.of(Mode.STRUCTURED);
        }
        if (BATCH.equals(mediaType)) {
            return Optional.of(Mode.BATCH);
        }
        if (!JSON.equals(mediaType)) {
            return Optional.empty();
        }
        if (input.header(SPECVERSION_HEADER).isPresent()) {
            return Optional.of(Mode.BINARY);
        }
        // Scanner reports are application/json too: claim only bodies shaped like a CDEvent, or
        // like a structured CloudEvent sent with the wrong media type (to say so to the client).
        // A GitHub commit status has a string "context": only an object counts.
        Map<String, JsonToken> members = topLevelMembers(input.body(), "context", "subject", "specversion", "data");
        boolean cdevent =
                members.get("context") == JsonToken.START_OBJECT || members.get("subject") == JsonToken.START_OBJECT;
        boolean cloudEvent = members.get("specversion") == JsonToken.VALUE_STRING && members.containsKey("data");
        return cdevent || cloudEvent ? Optional.of(Mode.BARE) : Optional.empty();
    }

    /** The CDEvents of the request, in order; all of them valid or a refusal. */
    public static List<CDEvent> read(RawInput input) throws InvalidInputException {
        Optional<Mode> claimed = modeOf(input);
        if (claimed.isEmpty() && !JSON.equals(input.mediaType())) {
            throw InvalidInputException.unsupportedMediaType(input.mediaType(), List.of(STRUCTURED, BATCH, JSON));
        }
        // JSON nobody claimed is read as a bare CDEvent: its refusal says what is missing.
        Mode mode = claimed.orElse(Mode.BARE);
        return switch (mode) {
            case STRUCTURED -> List.of(readStructured(JsonInput.parseObject(input.body()), ""));
            case BATCH -> readBatch(input.body());
            case BINARY -> List.of(readBinary(input));
            case BARE -> List.of(readBare(JsonInput.parseObject(input.body())));
        };
    }

    private static CDEvent readBare(ObjectNode root) throws InvalidInputException {
        if (!root.has("context") && root.has("specversion") && root.has("data")) {
            throw InvalidInputException.invalidField(
                    "/context",
                    "/context is required: this body looks like a CloudEvent; send it with Content-Type " + STRUCTURED
                            + " (or its attributes as ce-* headers), or send the bare CDEvent.");
        }
        return CDEvent.read(root, "");
    }

    private static List<CDEvent> readBatch(byte[] body) throws InvalidInputException {
        JsonNode root = parse(body);
        if (!root.isArray()) {
            throw InvalidInputException.invalidField(
                    "", "A " + BATCH + " body must be a JSON array of CloudEvents, not " + describe(root) + ".");
        }
        ArrayNode batch = (ArrayNode) root;
        if (batch.isEmpty()) {
            throw InvalidInputException.invalidField("", "The batch is empty; send at least one CloudEvent.");
        }
        List<CDEvent> events = new ArrayList<>(batch.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            String at = "/" + i;
            JsonNode element = batch.get(i);
            if (!element.isObject()) {
                throw InvalidInputException.invalidField(
                        at, at + " must be a CloudEvent object, not " + describe(element) + ".");
            }
            CDEvent event = readStructured((ObjectNode) element, at);
            // source + id identify a CloudEvent: two in one batch would become one record id twice.
            Integer first = seen.putIfAbsent(event.source() + "\n" + event.id(), i);
            if (first != null) {
                String p = pointer(at, "id");
                throw InvalidInputException.invalidField(
                        p,
                        p + " repeats the source and id of /" + first + "; every CloudEvent in a batch is distinct.");
            }
            events.add(event);
        }
        return events;
    }

    /** One structured-mode CloudEvent at {@code at} ("" for the whole body, "/3" in a batch). */
    static CDEvent readStructured(ObjectNode envelope, String at) throws InvalidInputException {
        String specversion = requireText(envelope, at, "specversion");
        if (!specversion.equals(SpecVersion.V1.toString())) {
            String p = pointer(at, "specversion");
            throw InvalidInputException.invalidField(
                    p, p + " must be \"1.0\" (CloudEvents 1.0), not " + quote(specversion) + ".");
        }
        requireText(envelope, at, "id");
        requireText(envelope, at, "source");
        requireText(envelope, at, "type");
        JsonInput.optionalTimestamp(envelope, at, "time");
        Optional<String> contentType = optionalText(envelope, at, "datacontenttype");
        if (contentType.isPresent() && !isJson(contentType.get())) {
            String p = pointer(at, "datacontenttype");
            throw InvalidInputException.invalidField(
                    p, p + " must be application/json (the CDEvent as JSON), not " + quote(contentType.get()) + ".");
        }
        if (envelope.has("data_base64")) {
            String p = pointer(at, "data_base64");
            throw InvalidInputException.invalidField(
                    p, p + " is not accepted: put the CDEvent as a JSON object in " + pointer(at, "data") + ".");
        }
        JsonNode data = envelope.get("data");
        String dataAt = pointer(at, "data");
        if (data == null || data.isNull()) {
            throw InvalidInputException.invalidField(dataAt, dataAt + " is required and must be the CDEvent object.");
        }
        if (!data.isObject()) {
            throw InvalidInputException.invalidField(
                    dataAt, dataAt + " must be the CDEvent object, not " + describe(data) + ".");
        }
        CloudEvent cloudEvent;
        try {
            // The SDK's own deserializer (what JsonFormat.deserialize runs) reads the parsed tree's tokens:
            // no writing the envelope back to bytes and parsing them a second time.
            cloudEvent = SDK_MAPPER.treeToValue(envelope, CloudEvent.class);
        } catch (IOException e) {
            throw sdkRefusal(new EventDeserializationException(e), attribute -> pointer(at, attribute), at);
        } catch (RuntimeException e) {
            throw sdkRefusal(e, attribute -> pointer(at, attribute), at);
        }
        CDEvent event = CDEvent.read(dataObject(cloudEvent, (ObjectNode) data), dataAt);
        String contextAt = pointer(dataAt, "context");
        // The CDEvents CloudEvents binding maps these one to one; a mismatch means a broken producer.
        requireSame(pointer(at, "type"), cloudEvent.getType(), pointer(contextAt, "type"), event.type());
        requireSame(pointer(at, "id"), cloudEvent.getId(), pointer(contextAt, "id"), event.id());
        requireSame(
                pointer(at, "source"), cloudEvent.getSource().toString(), pointer(contextAt, "source"), event.source());
        if (cloudEvent.getSubject() != null) {
            requireSame(
                    pointer(at, "subject"),
                    cloudEvent.getSubject(),
                    pointer(pointer(dataAt, "subject"), "id"),
                    event.subjectId());
        }
        return event;
    }

    private static ObjectNode dataObject(CloudEvent cloudEvent, ObjectNode parsed) {
        CloudEventData data = cloudEvent.getData();
        if (data instanceof JsonCloudEventData json && json.getNode() instanceof ObjectNode node) {
            return node;
        }
        return parsed;
    }

    /** Binary mode: the attributes in {@code ce-*} headers (percent-encoded), the CDEvent as the body. */
    private static CDEvent readBinary(RawInput input) throws InvalidInputException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : input.headers().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith("ce-") || header.getValue().isEmpty()) {
                continue;
            }
            if (header.getValue().size() > 1) {
                throw headerRefusal(name, "is sent more than once; a CloudEvents attribute has one value.");
            }
            headers.put(name, percentDecode(name, header.getValue().get(0)));
        }
        for (String required : List.of("ce-id", "ce-source", "ce-type")) {
            String value = headers.get(required);
            if (value == null || value.isBlank()) {
                throw headerRefusal(required, "is required in binary mode and must not be empty.");
            }
        }
        if (!SpecVersion.V1.toString().equals(headers.get(SPECVERSION_HEADER))) {
            throw headerRefusal(
                    SPECVERSION_HEADER,
                    "must be 1.0 (CloudEvents 1.0), not " + quote(headers.get(SPECVERSION_HEADER)) + ".");
        }
        if (headers.containsKey("ce-time")) {
            try {
                JsonInput.optionalTimestamp(
                        Json.mapper().createObjectNode().put("time", headers.get("ce-time")), "", "time");
            } catch (InvalidInputException e) {
                throw headerRefusal(
                        "ce-time",
                        "must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z, not "
                                + quote(headers.get("ce-time")) + ".");
            }
        }
        CloudEvent cloudEvent;
        try {
            cloudEvent = HttpMessageFactory.createReader(
                            forEach -> {
                                forEach.accept("Content-Type", JSON);
                                headers.forEach(forEach);
                            },
                            input.body())
                    .toEvent();
        } catch (RuntimeException e) {
            throw sdkRefusal(e, attribute -> null, null);
        }
        CDEvent event = CDEvent.read(JsonInput.parseObject(input.body()), "");
        requireSameHeader("ce-type", cloudEvent.getType(), "/context/type", event.type());
        requireSameHeader("ce-id", cloudEvent.getId(), "/context/id", event.id());
        requireSameHeader("ce-source", cloudEvent.getSource().toString(), "/context/source", event.source());
        if (cloudEvent.getSubject() != null) {
            requireSameHeader("ce-subject", cloudEvent.getSubject(), "/subject/id", event.subjectId());
        }
        return event;
    }

    /**
     * CloudEvents HTTP binding 3.1.3.2: header values are percent-encoded UTF-8. A broken escape is
     * refused rather than kept literally, so an id never means two things.
     */
    static String percentDecode(String header, String value) throws InvalidInputException {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        int i = 0;
        while (i < value.length()) {
            if (value.charAt(i) == '%') {
                if (i + 2 >= value.length() || !isHex(value.charAt(i + 1)) || !isHex(value.charAt(i + 2))) {
                    throw headerRefusal(header, "has a broken percent-escape at character " + (i + 1) + ".");
                }
                out.write(Integer.parseInt(value, i + 1, i + 3, 16));
                i += 3;
            } else {
                int codePoint = value.codePointAt(i);
                byte[] bytes = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(codePoint);
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw headerRefusal(header, "percent-decodes to bytes that are not UTF-8.");
        }
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static InvalidInputException headerRefusal(String header, String what) {
        String detail = "Header " + header + " " + what;
        return new InvalidInputException(new Problem(
                Problem.TYPE_BASE + INVALID_HEADER,
                "Invalid Header",
                400,
                detail,
                null,
                List.of(new Problem.FieldError(null, detail))));
    }

    /**
     * An SDK refusal as a problem about the attribute it names. {@code pointerOf} maps an attribute
     * name to its body pointer (null in binary mode, where the attribute is the header
     * {@code ce-<name>}).
     */
    private static InvalidInputException sdkRefusal(
            RuntimeException e, Function<String, String> pointerOf, String wholePointer) {
        String attribute = null;
        String kind = "invalid";
        for (Throwable t = e; t != null && attribute == null; t = t.getCause()) {
            if (t instanceof CloudEventRWException rw) {
                kind = rw.getKind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
            }
            if (t.getMessage() != null) {
                Matcher m = SDK_ATTRIBUTE.matcher(t.getMessage());
                if (m.find()) {
                    attribute = m.group(1).toLowerCase(Locale.ROOT);
                }
            }
        }
        String because = " (the CloudEvents SDK refused it: " + kind + ").";
        if (attribute == null) {
            return wholePointer == null
                    ? headerRefusal("ce-*", "set cannot be read as a CloudEvent" + because)
                    : InvalidInputException.invalidField(wholePointer, "The CloudEvent cannot be read" + because);
        }
        String p = pointerOf.apply(attribute);
        if (p == null) {
            return headerRefusal("ce-" + attribute, "is not a valid CloudEvents " + attribute + " attribute" + because);
        }
        return InvalidInputException.invalidField(
                p, p + " is not a valid CloudEvents " + attribute + " attribute" + because);
    }

    private static void requireSame(String pointer, String value, String otherPointer, String other)
            throws InvalidInputException {
        if (!value.equals(other)) {
            throw InvalidInputException.invalidField(
                    pointer,
                    pointer + " must equal " + otherPointer + " (" + quote(other) + "), not " + quote(value) + ".");
        }
    }

    private static void requireSameHeader(String header, String value, String bodyPointer, String other)
            throws InvalidInputException {
        if (!value.equals(other)) {
            // The body is what the producer signed off as the CDEvent; name the body field.
            throw InvalidInputException.invalidField(
                    bodyPointer,
                    "Header " + header + " (" + quote(value) + ") must equal " + bodyPointer + " (" + quote(other)
                            + ").");
        }
    }

    private static boolean isJson(String mediaType) {
        int semi = mediaType.indexOf(';');
        String type =
                (semi < 0 ? mediaType : mediaType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return type.equals(JSON) || type.endsWith("+json");
    }

    private static JsonNode parse(byte[] body) throws InvalidInputException {
        if (body.length == 0) {
            throw InvalidInputException.malformedJson("", "The body is empty; send a JSON array of CloudEvents.");
        }
        try {
            JsonNode node = READER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw InvalidInputException.malformedJson("", "The body is empty; send a JSON array of CloudEvents.");
            }
            return node;
        } catch (JsonProcessingException e) {
            String pointer = "";
            if (e instanceof StreamReadException sre && sre.getProcessor() instanceof JsonParser parser) {
                pointer = parser.getParsingContext().pathAsPointer().toString();
            }
            var location = e.getLocation();
            String where = location == null || location.getLineNr() < 1
                    ? ""
                    : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
            throw InvalidInputException.malformedJson(pointer, "The body is not valid JSON" + where + ".");
        } catch (IOException e) {
            throw InvalidInputException.malformedJson("", "The body is not valid JSON.");
        }
    }

    /**
     * The first token of each of {@code names} in the body's top-level object (absent when the
     * member is), read by streaming with children skipped, so that claiming a request costs no
     * tree; anything unreadable claims nothing.
     */
    static Map<String, JsonToken> topLevelMembers(byte[] body, String... names) {
        Set<String> wanted = Set.of(names);
        Map<String, JsonToken> found = new HashMap<>();
        try (JsonParser parser = Json.mapper().getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return found;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (wanted.contains(name)) {
                    found.putIfAbsent(name, value);
                }
                parser.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON, or broken after the members seen so far: what was seen still decides
        }
        return found;
    }
}
