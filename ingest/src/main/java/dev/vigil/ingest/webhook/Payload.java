package dev.vigil.ingest.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.vigil.common.http.Problem;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.JsonInput;
import dev.vigil.ingest.adapter.RawInput;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Lenient-but-typed reading of webhook payloads. GitHub and GitLab send {@code null} and empty
 * strings for absent facts (an unnamed workflow run has {@code "name": ""}), so those read as
 * "absent" instead of being refused like in a format we define; a value of the wrong type is
 * still refused with its JSON pointer.
 */
final class Payload {

    // GitLab writes "2016-08-12 15:23:28 UTC" and "2021-04-28 21:50:00 +0200" beside RFC 3339.
    private static final DateTimeFormatter GITLAB_ZONE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss z", Locale.ROOT);
    private static final DateTimeFormatter GITLAB_OFFSET =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss xx", Locale.ROOT);

    private Payload() {}

    /** A member that must be an object when present; absent or null reads as a missing node. */
    static JsonNode object(JsonNode parent, String parentPointer, String name) throws InvalidInputException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return MissingNode.getInstance();
        }
        if (!node.isObject()) {
            String pointer = JsonInput.pointer(parentPointer, name);
            throw InvalidInputException.invalidField(
                    pointer, pointer + " must be an object, not " + JsonInput.describe(node) + ".");
        }
        return node;
    }

    /** A required object member. */
    static JsonNode requireObject(JsonNode parent, String parentPointer, String name) throws InvalidInputException {
        return JsonInput.requireObject(parent, parentPointer, name);
    }

    /** A string (or an integral number, as ids often are); null, absent and blank read as empty. */
    static Optional<String> text(JsonNode parent, String parentPointer, String name) throws InvalidInputException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            String value = node.asText();
            return value.isBlank() ? Optional.empty() : Optional.of(value);
        }
        if (node.isIntegralNumber()) {
            return Optional.of(node.asText());
        }
        String pointer = JsonInput.pointer(parentPointer, name);
        throw InvalidInputException.invalidField(
                pointer, pointer + " must be a string, not " + JsonInput.describe(node) + ".");
    }

    static String requireText(JsonNode parent, String parentPointer, String name) throws InvalidInputException {
        Optional<String> value = text(parent, parentPointer, name);
        if (value.isEmpty()) {
            String pointer = JsonInput.pointer(parentPointer, name);
            throw InvalidInputException.invalidField(pointer, pointer + " is required and must be a string.");
        }
        return value.get();
    }

    static Optional<Boolean> bool(JsonNode parent, String parentPointer, String name) throws InvalidInputException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            String pointer = JsonInput.pointer(parentPointer, name);
            throw InvalidInputException.invalidField(
                    pointer, pointer + " must be a boolean, not " + JsonInput.describe(node) + ".");
        }
        return Optional.of(node.booleanValue());
    }

    /** Non-negative integral number (counts, run numbers). */
    static Optional<Long> count(JsonNode parent, String parentPointer, String name) throws InvalidInputException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || node.asLong() < 0) {
            String pointer = JsonInput.pointer(parentPointer, name);
            throw InvalidInputException.invalidField(
                    pointer, pointer + " must be a non-negative whole number, not " + JsonInput.describe(node) + ".");
        }
        return Optional.of(node.asLong());
    }

    /** An array member, or an empty list; each element must be an object. */
    static List<JsonNode> objects(JsonNode parent, String parentPointer, String name) throws InvalidInputException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        String pointer = JsonInput.pointer(parentPointer, name);
        if (!node.isArray()) {
            throw InvalidInputException.invalidField(
                    pointer, pointer + " must be an array, not " + JsonInput.describe(node) + ".");
        }
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isObject()) {
                throw InvalidInputException.invalidField(
                        pointer + "/" + i,
                        pointer + "/" + i + " must be an object, not " + JsonInput.describe(node.get(i)) + ".");
            }
            out.add(node.get(i));
        }
        return out;
    }

    /** The given member of each object in an array (label names, logins), skipping absent ones. */
    static List<String> texts(JsonNode parent, String parentPointer, String name, String member)
            throws InvalidInputException {
        List<String> out = new ArrayList<>();
        List<JsonNode> items = objects(parent, parentPointer, name);
        for (int i = 0; i < items.size(); i++) {
            text(items.get(i), JsonInput.pointer(parentPointer, name) + "/" + i, member)
                    .ifPresent(out::add);
        }
        return out;
    }

    /** An array of strings, or an empty list. */
    static List<String> strings(JsonNode parent, String parentPointer, String name) throws InvalidInputException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        String pointer = JsonInput.pointer(parentPointer, name);
        if (!node.isArray()) {
            throw InvalidInputException.invalidField(
                    pointer, pointer + " must be an array, not " + JsonInput.describe(node) + ".");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw InvalidInputException.invalidField(
                        pointer + "/" + i,
                        pointer + "/" + i + " must be a string, not " + JsonInput.describe(node.get(i)) + ".");
            }
            out.add(node.get(i).asText());
        }
        return out;
    }

    /** A timestamp: RFC 3339, GitLab's "2016-08-12 15:23:28 UTC" / "+0200" forms, or epoch seconds. */
    static Optional<Instant> time(JsonNode parent, String parentPointer, String name) throws InvalidInputException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        String pointer = JsonInput.pointer(parentPointer, name);
        if (node.isIntegralNumber()) {
            // GitHub's push payload writes repository.pushed_at as epoch seconds.
            return Optional.of(Instant.ofEpochSecond(node.asLong()));
        }
        if (!node.isTextual()) {
            throw InvalidInputException.invalidField(
                    pointer, pointer + " must be a date-time, not " + JsonInput.describe(node) + ".");
        }
        String text = node.asText().trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return Optional.of(OffsetDateTime.parse(text, GITLAB_OFFSET).toInstant());
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return Optional.of(ZonedDateTime.parse(text, GITLAB_ZONE).toInstant());
        } catch (DateTimeParseException e) {
            throw InvalidInputException.invalidField(
                    pointer,
                    pointer + " must be a date-time such as 2024-05-01T12:00:00Z, not " + JsonInput.quote(text) + ".");
        }
    }

    static final String JSON = "application/json";
    static final String FORM = "application/x-www-form-urlencoded";

    /**
     * The JSON document of the body. GitHub's hook settings default to the form encoding, where
     * the JSON is the {@code payload} field; it is read too, so a hook left at that default works.
     * The signature and the evidence stay those of the raw body.
     */
    static byte[] jsonBody(RawInput input, boolean formAllowed) throws InvalidInputException {
        if (input.mediaType().equals(JSON)) {
            return input.body();
        }
        if (formAllowed && input.mediaType().equals(FORM)) {
            String form = new String(input.body(), StandardCharsets.UTF_8);
            for (String pair : form.split("&")) {
                if (pair.startsWith("payload=")) {
                    try {
                        return URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8)
                                .getBytes(StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        throw InvalidInputException.malformedJson("", "The form field payload is not URL-encoded.");
                    }
                }
            }
            throw InvalidInputException.invalidField("", "The form body has no payload field holding the JSON event.");
        }
        throw InvalidInputException.unsupportedMediaType(
                input.mediaType().isEmpty() ? null : input.mediaType(),
                formAllowed ? List.of(JSON, FORM) : List.of(JSON));
    }

    /** A header the format requires (the event type, for one). */
    static String requireHeader(RawInput input, String name) throws InvalidInputException {
        Optional<String> value = input.header(name).map(String::trim).filter(v -> !v.isEmpty());
        if (value.isEmpty()) {
            String detail = "The " + name + " header is required: it names the webhook event.";
            throw new InvalidInputException(new Problem(
                    Problem.TYPE_BASE + "invalid-header",
                    "Invalid Header",
                    400,
                    detail,
                    null,
                    List.of(new Problem.FieldError(null, "header " + name + ": " + detail))));
        }
        return value.get();
    }

    /**
     * The delivery's id for de-duplication: the header when the platform sends it, else the
     * body's SHA-256 (older GitLab versions send no UUID; the same bytes are then the same delivery).
     */
    static String deliveryId(RawInput input, String header) {
        return input.header(header)
                .map(String::trim)
                .filter(v -> !v.isEmpty() && v.length() <= 200)
                .orElse("sha256:" + input.evidenceSha256());
    }

    /** production | staging | testing | development | other, from an environment name or tier. */
    static String tier(String environment) {
        String e = environment.trim().toLowerCase(Locale.ROOT);
        return switch (e) {
            case "production", "prod", "live", "prd" -> "production";
            case "staging", "stage", "stg", "preprod", "pre-production" -> "staging";
            case "testing", "test", "qa" -> "testing";
            case "development", "dev", "develop" -> "development";
            default -> {
                if (e.startsWith("production/") || e.startsWith("prod/") || e.startsWith("prod-")) {
                    yield "production";
                }
                yield "other";
            }
        };
    }

    /** The host of a URL ("github.com" of "https://github.com/acme/shop"), if it has one. */
    static Optional<String> host(String url) {
        try {
            String host = java.net.URI.create(url.trim()).getHost();
            return host == null || host.isBlank() ? Optional.empty() : Optional.of(host.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
