package dev.vigil.auditapi;

import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;

/**
 * The audit API's problem types. A rejected query parameter is named by the JSON pointer
 * {@code /query/<parameter>} in {@code errors[0].pointer} (a body field would be {@code /body/...}),
 * so a client can mark the offending input without parsing {@code detail}.
 */
final class ApiProblems {

    static final String INVALID_PARAMETER = "invalid-parameter";
    static final String CURSOR_EXPIRED = "cursor-expired";

    private ApiProblems() {}

    static String pointer(String parameter) {
        return "/query/" + parameter;
    }

    static ProblemException invalidParameter(String parameter, String detail) {
        return new ProblemException(
                Problem.invalidField(INVALID_PARAMETER, "Invalid Query Parameter", pointer(parameter), detail));
    }

    static ProblemException cursorExpired() {
        return new ProblemException(Problem.invalidField(
                CURSOR_EXPIRED,
                "Cursor Expired",
                pointer("cursor"),
                "The search this cursor continues has expired or is no longer known; restart the search"
                        + " without a cursor."));
    }

    static Problem storeUnavailable() {
        return Problem.unavailable("The audit store cannot be reached right now; retry later.");
    }

    static Problem accessNotRecorded() {
        return Problem.unavailable(
                "Access to the trail is recorded in the trail first, and that cannot be done right now; retry later.");
    }
}
