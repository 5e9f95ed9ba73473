package dev.vigil.ingest.cdevents;

import static dev.vigil.ingest.adapter.JsonInput.optionalText;
import static dev.vigil.ingest.adapter.JsonInput.pointer;
import static dev.vigil.ingest.adapter.JsonInput.quote;
import static dev.vigil.ingest.adapter.JsonInput.requireObject;
import static dev.vigil.ingest.adapter.JsonInput.requireText;
import static dev.vigil.ingest.adapter.JsonInput.requireTimestamp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.adapter.InvalidInputException;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A validated CDEvent (cdevents/spec: {@code context}, {@code subject}, optional
 * {@code customData}). {@code at} is the JSON pointer of where the CDEvent sits in the request body ("" for a
 * bare CDEvent, "/data" inside a CloudEvent), so later refusals still name the right field.
 */
public record CDEvent(
        String at,
        ObjectNode context,
        String id,
        String type,
        String subjectType,
        String predicate,
        String source,
        Instant timestamp,
        String subjectId,
        String subjectSource,
        ObjectNode content,
        JsonNode customData) {

    /** {@code dev.cdevents.<subject>.<predicate>.<major>.<minor>.<patch>[-<pre-release>]}. */
    public static final Pattern TYPE =
            Pattern.compile("^dev\\.cdevents\\.([a-z]+)\\.([a-z]+)\\.\\d+\\.\\d+\\.\\d+(-.+)?$");

    public static CDEvent read(ObjectNode root, String at) throws InvalidInputException {
        ObjectNode context = requireObject(root, at, "context");
        String contextAt = pointer(at, "context");
        String id = requireText(context, contextAt, "id");
        String type = requireText(context, contextAt, "type");
        Matcher m = TYPE.matcher(type);
        if (!m.matches()) {
            String p = pointer(contextAt, "type");
            throw InvalidInputException.invalidField(
                    p,
                    p + " must be a CDEvents type dev.cdevents.<subject>.<predicate>.<major>.<minor>.<patch>, not "
                            + quote(type) + ".");
        }
        String source = requireText(context, contextAt, "source");
        Instant timestamp = requireTimestamp(context, contextAt, "timestamp");

        ObjectNode subject = requireObject(root, at, "subject");
        String subjectAt = pointer(at, "subject");
        String subjectId = requireText(subject, subjectAt, "id");
        String subjectSource = optionalText(subject, subjectAt, "source").orElse(null);
        ObjectNode content = requireObject(subject, subjectAt, "content");

        JsonNode customData = root.get("customData");
        if (customData != null && customData.isNull()) {
            customData = null;
        }
        return new CDEvent(
                at,
                context,
                id,
                type,
                m.group(1),
                m.group(2),
                source,
                timestamp,
                subjectId,
                subjectSource,
                content,
                customData);
    }

    public String contentPointer() {
        return pointer(pointer(at, "subject"), "content");
    }

    public String customDataPointer() {
        return pointer(at, "customData");
    }
}
