package dev.vigil.controls.facts;

import java.time.Instant;

/**
 * The earliest future deadline of one time-based control's items, as computed the last time the
 * control was evaluated. Keyed by control id.
 */
public record DeadlineFact(Instant at) {}
