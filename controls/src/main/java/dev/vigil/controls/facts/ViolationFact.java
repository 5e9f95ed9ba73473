package dev.vigil.controls.facts;

import java.time.Instant;

/** The lifecycle state of one (control, subjectKey) violation. Keyed by {@code controlId|subjectKey}. */
public record ViolationFact(
        String violationId,
        String controlId,
        String subjectKey,
        String state,
        Instant openedAt,
        int sequence,
        Instant riskExpiresAt,
        String reason) {

    public boolean open() {
        return !"RESOLVED".equals(state);
    }
}
