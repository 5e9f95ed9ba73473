package dev.vigil.ingest.adapter;

import dev.vigil.common.http.Problem;
import java.util.List;

/**
 * Input an adapter refuses, with the RFC 9457 problem the client gets: a stable type, a readable
 * detail and, for a body field, its JSON pointer. Checked, so every adapter states it can refuse.
 */
public final class InvalidInputException extends Exception {

    public static final String MALFORMED_JSON = "malformed-json";
    public static final String INVALID_FIELD = "invalid-field";
    public static final String INVALID_PARAMETER = "invalid-parameter";
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type";

    private final transient Problem problem;

    public InvalidInputException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** The pointer of the offending field ("" is the whole body), or null when no body field is at fault. */
    public String pointer() {
        return problem.pointer();
    }

    public static InvalidInputException malformedJson(String pointer, String detail) {
        return new InvalidInputException(Problem.invalidField(MALFORMED_JSON, "Malformed JSON", pointer, detail));
    }

    public static InvalidInputException invalidField(String pointer, String detail) {
        return new InvalidInputException(Problem.invalidField(INVALID_FIELD, "Invalid Field", pointer, detail));
    }

    public static InvalidInputException invalidParameter(String name, String detail) {
        return new InvalidInputException(new Problem(
                Problem.TYPE_BASE + INVALID_PARAMETER,
                "Invalid Parameter",
                400,
                detail,
                null,
                List.of(new Problem.FieldError(null, "query parameter " + name + ": " + detail))));
    }

    public static InvalidInputException unsupportedMediaType(String got, List<String> accepted) {
        String detail = (got == null || got.isBlank()
                        ? "The request has no Content-Type"
                        : "Content-Type " + got + " is not accepted")
                + "; send one of: " + String.join(", ", accepted) + ".";
        return new InvalidInputException(Problem.of(415, UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type", detail));
    }

    /** The caller named a format ({@code ?format=}) that no adapter reads. */
    public static InvalidInputException unsupportedFormat(String format, List<String> known) {
        return new InvalidInputException(new Problem(
                Problem.TYPE_BASE + UNSUPPORTED_MEDIA_TYPE,
                "Unsupported Media Type",
                415,
                "Format " + format + " is not accepted; name one of: " + String.join(", ", known) + ".",
                null,
                List.of(new Problem.FieldError(null, "query parameter format: unknown format " + format))));
    }
}
