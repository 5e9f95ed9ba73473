package dev.vigil.common.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem detail. {@code type} is a stable URI per kind of problem (clients branch on
 * it); {@code detail} is for people; {@code errors} names the offending fields by JSON pointer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String TYPE_BASE = "https://vigil.dev/problems/";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldError(String pointer, String detail) {}

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_BASE + slug, title, status, detail, null, null);
    }

    public static Problem invalidField(String slug, String title, String pointer, String detail) {
        return new Problem(TYPE_BASE + slug, title, 400, detail, null, List.of(new FieldError(pointer, detail)));
    }

    public Problem withInstance(String instance) {
        return new Problem(type, title, status, detail, instance, errors);
    }

    /** The pointer of the first field error, or null. */
    public String pointer() {
        return errors == null || errors.isEmpty() ? null : errors.get(0).pointer();
    }

    public static Problem unauthorized() {
        return of(401, "unauthorized", "Unauthorized", "A valid API key is required (Authorization: Bearer <key>).");
    }

    public static Problem forbidden(String detail) {
        return of(403, "forbidden", "Forbidden", detail);
    }

    public static Problem notFound() {
        return of(404, "not-found", "Not Found", "No such resource.");
    }

    public static Problem methodNotAllowed(String allowed) {
        return of(405, "method-not-allowed", "Method Not Allowed", "Allowed: " + allowed + ".");
    }

    public static Problem internal() {
        return of(500, "internal", "Internal Server Error", "The server failed to handle the request; it was logged.");
    }

    public static Problem unavailable(String detail) {
        return of(503, "unavailable", "Service Unavailable", detail);
    }
}
