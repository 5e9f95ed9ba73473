package dev.vigil.auditapi.violations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import dev.vigil.common.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The body of {@code POST /v1/violations/{id}/risk-acceptance}: why the risk is accepted and until
 * when. An acceptance without an end, or one ending in the past or too far ahead, is refused: every
 * accepted risk must come back for review.
 */
public record RiskAcceptanceRequest(String justification, Instant expiresAt) {

    public static final int MAX_JUSTIFICATION = 2000;

    public static RiskAcceptanceRequest parse(byte[] body, Instant now, int maxDays) {
        JsonNode json;
        try {
            json = body == null || body.length == 0 ? null : Json.mapper().readTree(body);
        } catch (IOException e) {
            throw invalid("", "The body is not JSON.");
        }
        if (json == null || !json.isObject()) {
            throw invalid("", "The body must be a JSON object with justification and expires_at.");
        }
        JsonNode j = json.get("justification");
        if (j == null || !j.isTextual() || j.asText().isBlank()) {
            throw invalid("/justification", "justification is required: say why this risk is accepted.");
        }
        String justification = j.asText().strip();
        if (justification.length() > MAX_JUSTIFICATION) {
            throw invalid(
                    "/justification",
                    "justification is " + justification.length() + " characters long; at most " + MAX_JUSTIFICATION
                            + " are kept.");
        }
        JsonNode e = json.get("expires_at");
        if (e == null || !e.isTextual() || e.asText().isBlank()) {
            throw invalid("/expires_at", "expires_at is required: an RFC 3339 date-time such as 2026-12-31T00:00:00Z.");
        }
        Instant expires;
        try {
            expires = OffsetDateTime.parse(e.asText().trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException ex) {
            throw invalid(
                    "/expires_at",
                    "expires_at must be an RFC 3339 date-time with an offset, such as 2026-12-31T00:00:00Z.");
        }
        if (!expires.isAfter(now)) {
            throw invalid("/expires_at", "expires_at must be in the future.");
        }
        if (expires.isAfter(now.plus(Duration.ofDays(maxDays)))) {
            throw invalid("/expires_at", "expires_at may be at most " + maxDays + " days ahead.");
        }
        return new RiskAcceptanceRequest(justification, expires);
    }

    static ProblemException invalid(String pointer, String detail) {
        return new ProblemException(
                Problem.invalidField("invalid-risk-acceptance", "Invalid Risk Acceptance", pointer, detail));
    }
}
