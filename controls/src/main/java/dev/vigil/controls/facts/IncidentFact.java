package dev.vigil.controls.facts;

import java.time.Instant;

/** An incident's timeline: detection, resolution, post-mortem and, for a personal-data breach, notification. */
public record IncidentFact(
        String incidentId,
        String severity,
        Instant detectedAt,
        Instant resolvedAt,
        boolean personalDataBreach,
        Instant awareAt,
        Instant notifiedAt,
        String delayReason,
        String postmortemRef,
        String inputId) {}
