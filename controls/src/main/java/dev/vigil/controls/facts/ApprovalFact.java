package dev.vigil.controls.facts;

import java.time.Instant;

/** The latest decision on an approval target (a deploy id, change id or run id). */
public record ApprovalFact(String target, String approver, String decision, Instant at, String inputId) {}
