package dev.vigil.ingest.scan;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.JsonInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading scanner reports. Reports are large and tools differ in small ways, so reading is lenient
 * about what Vigil does not need (an unknown member, a string where a number was expected in a
 * descriptive field) and strict about the structure it walks: a container of the wrong type is
 * refused with the JSON pointer of the offending member.
 */
final class ScanJson {

    private static final ObjectReader READER =
            Json.mapper().reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());

    private ScanJson() {}

    /** One JSON value (object or array). */
    static JsonNode parse(byte[] body) throws InvalidInputException {
        if (body.length == 0) {
            throw InvalidInputException.malformedJson("", "The body is empty; send the scanner's JSON report.");
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
            throw InvalidInputException.malformedJson("", "The body is empty; send the scanner's JSON report.");
        }
        return node;
    }

    /** Several JSON values one after another (newline-delimited JSON, as Wazuh writes alerts.json). */
    static List<JsonNode> parseSequence(byte[] body) throws InvalidInputException {
        if (body.length == 0) {
            throw InvalidInputException.malformedJson("", "The body is empty; send the scanner's JSON report.");
        }
        List<JsonNode> values = new ArrayList<>();
        try (var it = READER.forType(JsonNode.class).<JsonNode>readValues(body)) {
            while (it.hasNextValue()) {
                values.add(it.nextValue());
            }
        } catch (JsonProcessingException e) {
            String at = values.isEmpty() ? "" : " after value " + values.size();
            throw InvalidInputException.malformedJson("", "The body is not valid JSON" + at + where(e) + ".");
        } catch (IOException | RuntimeException e) {
            throw InvalidInputException.malformedJson("", "The body is not valid JSON.");
        }
        if (values.isEmpty()) {
            throw InvalidInputException.malformedJson("", "The body is empty; send the scanner's JSON report.");
        }
        return values;
    }

    /** The (redacted) report as bytes again. */
    static byte[] write(JsonNode root) {
        try {
            return Json.mapper().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree back", e);
        }
    }

    static ObjectNode requireRootObject(JsonNode root) throws InvalidInputException {
        if (!root.isObject()) {
            throw InvalidInputException.invalidField(
                    "", "The report must be a JSON object, not " + JsonInput.describe(root) + ".");
        }
        return (ObjectNode) root;
    }

    static String ptr(String parent, String name) {
        return JsonInput.pointer(parent, name);
    }

    static String ptr(String parent, int index) {
        return parent + "/" + index;
    }

    /** An array member; absent or null is empty unless required. */
    static ArrayNode array(JsonNode parent, String parentPtr, String name, boolean required)
            throws InvalidInputException {
        JsonNode node = parent.get(name);
        String pointer = ptr(parentPtr, name);
        if (node == null || node.isNull()) {
            if (required) {
                throw InvalidInputException.invalidField(pointer, pointer + " is required and must be an array.");
            }
            return JsonNodeFactory.instance.arrayNode();
        }
        if (!node.isArray()) {
            throw InvalidInputException.invalidField(
                    pointer, pointer + " must be an array, not " + JsonInput.describe(node) + ".");
        }
        return (ArrayNode) node;
    }

    /** An object member, or an empty object when absent or null. */
    static ObjectNode object(JsonNode parent, String parentPtr, String name) throws InvalidInputException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            String pointer = ptr(parentPtr, name);
            throw InvalidInputException.invalidField(
                    pointer, pointer + " must be an object, not " + JsonInput.describe(node) + ".");
        }
        return (ObjectNode) node;
    }

    /** Element {@code i} of an array that holds objects. */
    static ObjectNode element(ArrayNode array, int i, String arrayPtr) throws InvalidInputException {
        JsonNode node = array.get(i);
        if (!node.isObject()) {
            String pointer = ptr(arrayPtr, i);
            throw InvalidInputException.invalidField(
                    pointer, pointer + " must be an object, not " + JsonInput.describe(node) + ".");
        }
        return (ObjectNode) node;
    }

    /** A scalar as text (numbers and booleans too), or null when absent, blank or not a scalar. */
    static String text(JsonNode parent, String name) {
        if (parent == null) {
            return null;
        }
        JsonNode node = parent.get(name);
        if (node == null || !node.isValueNode() || node.isNull()) {
            return null;
        }
        String text = node.asText();
        return text.isBlank() ? null : text;
    }

    /** A required identifying string: refused with its pointer when absent or not a non-blank scalar. */
    static String requireText(JsonNode parent, String parentPtr, String name) throws InvalidInputException {
        String value = text(parent, name);
        if (value == null) {
            String pointer = ptr(parentPtr, name);
            throw InvalidInputException.invalidField(pointer, pointer + " is required and must be a non-empty string.");
        }
        return value;
    }

    /** The textual elements of an array member (other elements are skipped). */
    static List<String> texts(JsonNode parent, String name) {
        List<String> out = new ArrayList<>();
        JsonNode node = parent == null ? null : parent.get(name);
        if (node != null && node.isArray()) {
            for (JsonNode e : node) {
                if (e.isValueNode() && !e.isNull() && !e.asText().isBlank()) {
                    out.add(e.asText());
                }
            }
        } else if (node != null && node.isTextual() && !node.asText().isBlank()) {
            out.add(node.asText());
        }
        return out;
    }

    /** A path through nested objects, or null. */
    static JsonNode at(JsonNode node, String... names) {
        JsonNode current = node;
        for (String name : names) {
            if (current == null || !current.isObject()) {
                return null;
            }
            current = current.get(name);
        }
        return current == null || current.isNull() ? null : current;
    }

    static String textAt(JsonNode node, String... names) {
        JsonNode value = at(node, names);
        if (value == null || !value.isValueNode()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
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
        var location = e.getLocation();
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
