package dev.vigil.ingest.adapter;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict reading of JSON bodies for adapters: every refusal names the offending field by JSON
 * pointer (RFC 6901), relative to the request body.
 */
public final class JsonInput {

    // Duplicate names are refused: two readers of the same evidence could otherwise see different values.
    private static final ObjectReader READER =
            Json.mapper().reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());

    private static final Pattern RFC3339 =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

    private static final int QUOTE_LIMIT = 80;

    private JsonInput() {}

    /** Parses a whole body that must be one JSON object. */
    public static ObjectNode parseObject(byte[] body) throws InvalidInputException {
        if (body.length == 0) {
            throw InvalidInputException.malformedJson("", "The body is empty; send a JSON object.");
        }
        JsonNode node;
        try {
            node = READER.readTree(body);
        } catch (JsonProcessingException e) {
            throw InvalidInputException.malformedJson(pointerOf(e), "The body is not valid JSON" + where(e) + ".");
        } catch (IOException e) {
            throw InvalidInputException.malformedJson("", "The body is not valid JSON.");
        }
        if (node == null || node.isMissingNode()) {
            throw InvalidInputException.malformedJson("", "The body is empty; send a JSON object.");
        }
        if (!node.isObject()) {
            throw InvalidInputException.invalidField("", "The body must be a JSON object, not " + describe(node) + ".");
        }
        return (ObjectNode) node;
    }

    /** A required member that must be an object. */
    public static ObjectNode requireObject(JsonNode parent, String parentPointer, String name)
            throws InvalidInputException {
        JsonNode node = parent.get(name);
        String pointer = pointer(parentPointer, name);
        if (node == null || node.isNull()) {
            throw InvalidInputException.invalidField(pointer, pointer + " is required and must be an object.");
        }
        if (!node.isObject()) {
            throw InvalidInputException.invalidField(
                    pointer, pointer + " must be an object, not " + describe(node) + ".");
        }
        return (ObjectNode) node;
    }

    /** A required member that must be a non-blank string. */
    public static String requireText(JsonNode parent, String parentPointer, String name) throws InvalidInputException {
        String pointer = pointer(parentPointer, name);
        return optionalText(parent, parentPointer, name)
                .orElseThrow(() ->
                        InvalidInputException.invalidField(pointer, pointer + " is required and must be a string."));
    }

    /** An optional member; when present it must be a non-blank string. */
    public static Optional<String> optionalText(JsonNode parent, String parentPointer, String name)
            throws InvalidInputException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        String pointer = pointer(parentPointer, name);
        if (!node.isTextual()) {
            throw InvalidInputException.invalidField(
                    pointer, pointer + " must be a string, not " + describe(node) + ".");
        }
        if (node.asText().isBlank()) {
            throw InvalidInputException.invalidField(pointer, pointer + " must not be empty.");
        }
        return Optional.of(node.asText());
    }

    /** An RFC 3339 date-time (seconds required, any offset), as an instant. */
    public static Instant requireTimestamp(JsonNode parent, String parentPointer, String name)
            throws InvalidInputException {
        return parseTimestamp(requireText(parent, parentPointer, name), pointer(parentPointer, name));
    }

    public static Optional<Instant> optionalTimestamp(JsonNode parent, String parentPointer, String name)
            throws InvalidInputException {
        Optional<String> text = optionalText(parent, parentPointer, name);
        return text.isEmpty()
                ? Optional.empty()
                : Optional.of(parseTimestamp(text.get(), pointer(parentPointer, name)));
    }

    static Instant parseTimestamp(String text, String pointer) throws InvalidInputException {
        if (RFC3339.matcher(text).matches()) {
            try {
                return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT)).toInstant();
            } catch (DateTimeParseException e) {
                // falls through: the shape is right but the date does not exist (2023-02-30)
            }
        }
        throw InvalidInputException.invalidField(
                pointer,
                pointer + " must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z, not " + quote(text) + ".");
    }

    /** Appends one member name to a JSON pointer, escaping '~' and '/' as RFC 6901 requires. */
    public static String pointer(String parentPointer, String name) {
        return parentPointer + "/" + name.replace("~", "~0").replace("/", "~1");
    }

    /** A client's value for an error detail: quoted and cut short, so a detail never echoes a payload. */
    public static String quote(String value) {
        String shown = value.length() > QUOTE_LIMIT ? value.substring(0, QUOTE_LIMIT) + "..." : value;
        return "'" + shown + "'";
    }

    public static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case BINARY, MISSING -> "nothing";
        };
    }

    private static String pointerOf(JsonProcessingException e) {
        if (e instanceof StreamReadException sre && sre.getProcessor() instanceof JsonParser parser) {
            var context = parser.getParsingContext();
            if (context != null) {
                return context.pathAsPointer().toString();
            }
        }
        return "";
    }

    private static String where(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
