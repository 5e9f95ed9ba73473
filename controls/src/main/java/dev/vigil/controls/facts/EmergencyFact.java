package dev.vigil.controls.facts;

import java.time.Instant;

/** An emergency production change awaiting its retrospective follow-up (CM-07). Keyed by deploy id. */
public record EmergencyFact(
        String deployId,
        String environment,
        String sha,
        String deployer,
        Instant at,
        Instant followUpAt,
        String followUpRef,
        String inputId) {}
