package dev.vigil.controls.facts;

import java.time.Instant;

/** The latest review of one reviewer on a change. */
public record ReviewFact(String reviewer, String state, String commitSha, Instant at, String inputId) {}
