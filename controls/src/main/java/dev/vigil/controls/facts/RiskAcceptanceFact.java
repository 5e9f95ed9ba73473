package dev.vigil.controls.facts;

import java.time.Instant;

/** A risk acceptance for (control, subjectKey) until it expires. Keyed by {@code controlId|subjectKey}. */
public record RiskAcceptanceFact(
        String controlId,
        String subjectKey,
        Instant expiresAt,
        String acceptedBy,
        String justification,
        String inputId) {}
