package dev.vigil.controls.facts;

import java.time.Instant;

/** A pipeline, build, task or test-suite run of a commit (what CM-03 looks for). */
public record RunFact(String inputId, String kind, String name, String outcome, Instant finishedAt) {}
