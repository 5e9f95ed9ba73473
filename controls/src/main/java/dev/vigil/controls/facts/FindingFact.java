package dev.vigil.controls.facts;

import java.time.Instant;

/**
 * A finding tracked for the remediation SLA, from first detection until a later complete scan of
 * the same category lacks it or a VEX/state says it is resolved. Keyed by fingerprint.
 */
public record FindingFact(
        String fingerprint,
        String category,
        String ruleId,
        String severity,
        String location,
        Instant firstSeen,
        Instant lastSeen,
        Instant closedAt,
        String closedBy,
        Instant suppressedUntil,
        String firstScanId,
        String lastScanId) {}
