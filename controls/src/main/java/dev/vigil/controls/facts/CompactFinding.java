package dev.vigil.controls.facts;

/** The part of a finding the controls read, kept while the parts of a split scan arrive. */
public record CompactFinding(
        String fingerprint,
        String ruleId,
        String severity,
        String state,
        boolean fixAvailable,
        String status,
        String location,
        String suppressionApprover,
        String suppressionExpiresAt,
        String suppressionJustification,
        String vexState,
        int level,
        String agent) {}
