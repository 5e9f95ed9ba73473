package dev.vigil.controls.facts;

import java.time.Instant;

/** What currently runs in one environment: the last successful deployment there. Keyed by environment. */
public record DeploymentFact(
        String environment,
        String tier,
        boolean production,
        String deployId,
        String digest,
        String sha,
        Instant at,
        boolean emergency,
        String deployer,
        String inputId,
        String evidenceSha256) {}
