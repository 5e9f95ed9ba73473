package dev.vigil.controls.facts;

import java.time.Instant;

/**
 * The last verdict emitted for an item of a per-item control, so that timers and unrelated inputs
 * emit a verdict only when it changes. Keyed by {@code controlId|subjectKey}.
 */
public record LastResultFact(String result, Instant at) {}
