package dev.vigil.ingest.cdevents;

import static dev.vigil.ingest.adapter.JsonInput.describe;
import static dev.vigil.ingest.adapter.JsonInput.pointer;
import static dev.vigil.ingest.adapter.JsonInput.quote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.schemas.Attributes;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Vigil's {@code customData} convention: CDEvents 0.5 has no field for a reviewer, a review state
 * or a commit SHA, so producers put them in {@code customData} under the name the controls read
 * ({@link Attributes}). Either flat with the dotted name, or nested by its segments:
 *
 * <pre>{@code
 * "customData": {"change.author": "octocat", "review": {"state": "approved", "commit-sha": "9f3c..."},
 *                "change.approvers": ["alice", "bob"]}
 * }</pre>
 *
 * A string, number or boolean is taken as its text; an array of those is joined with commas.
 * Members that are not an {@link Attributes} name stay only in the kept customData JSON.
 */
final class CustomData {

    /** The vocabulary itself, so a key added to the contract is liftable without a change here. */
    static final Set<String> NAMES = vocabulary();

    private static final Set<String> SHA_NAMES =
            Set.of(Attributes.CHANGE_HEAD_SHA, Attributes.CHANGE_MERGE_SHA, Attributes.REVIEW_COMMIT_SHA);

    private static final Pattern COMMIT_SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private CustomData() {}

    /** The {@link Attributes} found in {@code custom}, by name; refuses a malformed value with its pointer. */
    static Map<String, String> attributes(JsonNode custom, String at) throws InvalidInputException {
        Map<String, String> out = new LinkedHashMap<>();
        if (custom != null && custom.isObject()) {
            collect("", custom, at, out);
        }
        return out;
    }

    private static void collect(String prefix, JsonNode object, String at, Map<String, String> out)
            throws InvalidInputException {
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            String name = prefix + member.getKey();
            String p = pointer(at, member.getKey());
            JsonNode value = member.getValue();
            if (value.isObject()) {
                collect(name + ".", value, p, out);
            } else if (NAMES.contains(name) && !value.isNull()) {
                out.put(name, text(name, value, p));
            }
        }
    }

    private static String text(String name, JsonNode value, String p) throws InvalidInputException {
        String text;
        if (value.isArray()) {
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (!item.isValueNode() || item.isNull()) {
                    String ip = p + "/" + i;
                    throw InvalidInputException.invalidField(
                            ip, ip + " must be a string, number or boolean, not " + describe(item) + ".");
                }
                joined.append(i == 0 ? "" : ",").append(item.asText().trim());
            }
            text = joined.toString();
        } else if (value.isValueNode()) {
            text = value.asText().trim();
        } else {
            throw InvalidInputException.invalidField(p, p + " must be a value, not " + describe(value) + ".");
        }
        if (text.isEmpty()) {
            throw InvalidInputException.invalidField(p, p + " must not be empty; leave it out when unknown.");
        }
        if (SHA_NAMES.contains(name)) {
            String sha = text.toLowerCase(Locale.ROOT);
            if (!COMMIT_SHA.matcher(sha).matches()) {
                throw InvalidInputException.invalidField(
                        p, p + " must be a full commit SHA (40 or 64 hex digits), not " + quote(text) + ".");
            }
            return sha;
        }
        return text;
    }

    private static Set<String> vocabulary() {
        Set<String> names = new TreeSet<>();
        for (Field field : Attributes.class.getFields()) {
            int m = field.getModifiers();
            if (Modifier.isStatic(m) && Modifier.isFinal(m) && field.getType() == String.class) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("Attributes constants are public", e);
                }
            }
        }
        return Set.copyOf(names);
    }
}
