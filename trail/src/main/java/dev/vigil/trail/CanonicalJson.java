package dev.vigil.trail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 (JSON Canonicalization Scheme) for the subset the trail uses: objects, arrays,
 * strings, integers, booleans and null; no floating-point numbers (a float in a trail document
 * is a bug and is refused). Object members are sorted by their UTF-16 code units, which is
 * {@link String#compareTo}; strings are escaped as ECMAScript's JSON.stringify does; no
 * whitespace. Any JCS implementation reproduces these bytes, so a third party can recompute a
 * chain without Vigil's code.
 */
public final class CanonicalJson {

    private CanonicalJson() {}

    public static byte[] bytes(JsonNode node) {
        StringBuilder sb = new StringBuilder(512);
        write(node, sb);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static String string(JsonNode node) {
        StringBuilder sb = new StringBuilder(512);
        write(node, sb);
        return sb.toString();
    }

    private static void write(JsonNode node, StringBuilder sb) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> names = new ArrayList<>();
                Iterator<Map.Entry<String, JsonNode>> it = node.fields();
                while (it.hasNext()) {
                    names.add(it.next().getKey());
                }
                names.sort(String::compareTo);
                sb.append('{');
                boolean first = true;
                for (String name : names) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    writeString(name, sb);
                    sb.append(':');
                    write(node.get(name), sb);
                }
                sb.append('}');
            }
            case ARRAY -> {
                sb.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(node.get(i), sb);
                }
                sb.append(']');
            }
            case STRING -> writeString(node.textValue(), sb);
            case NUMBER -> {
                if (!node.isIntegralNumber()) {
                    throw new IllegalArgumentException("canonical trail JSON holds no floating-point numbers: " + node);
                }
                if (!node.canConvertToLong()) {
                    throw new IllegalArgumentException("integer out of the exact range: " + node);
                }
                long v = node.longValue();
                if (Math.abs(v) > (1L << 53)) {
                    // JCS serializes numbers as IEEE-754 doubles; beyond 2^53 that would round.
                    throw new IllegalArgumentException("integer beyond 2^53 cannot be canonical: " + v);
                }
                sb.append(v);
            }
            case BOOLEAN -> sb.append(node.booleanValue());
            case NULL -> sb.append("null");
            default -> throw new IllegalArgumentException("not JSON data: " + node.getNodeType());
        }
    }

    private static void writeString(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
