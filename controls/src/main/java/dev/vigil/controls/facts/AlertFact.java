package dev.vigil.controls.facts;

import java.time.Instant;

/** An IDS alert and when (and by which ticket) it was acknowledged. Keyed by fingerprint. */
public record AlertFact(
        String fingerprint,
        String ruleId,
        int level,
        Instant at,
        Instant ackAt,
        String ackRef,
        String scanId,
        String agent) {}
