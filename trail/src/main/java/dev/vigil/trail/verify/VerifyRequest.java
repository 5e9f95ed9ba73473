package dev.vigil.trail.verify;

import java.time.Duration;
import java.time.Instant;

/**
 * What to verify: every chain of {@code tenant} (all tenants when null), or one {@code scope},
 * optionally only the links whose documents fall in [{@code from}, {@code to}) on {@code @timestamp}.
 * {@code maxDocuments} and {@code timeLimit} bound a run (null: unbounded); a run that hits one
 * reports {@code complete: false}.
 */
public record VerifyRequest(
        String tenant, String scope, Instant from, Instant to, Long maxDocuments, Duration timeLimit) {

    public static VerifyRequest all() {
        return new VerifyRequest(null, null, null, null, null, null);
    }

    public boolean ranged() {
        return from != null || to != null;
    }

    public VerifyRequest withLimits(Long maxDocuments, Duration timeLimit) {
        return new VerifyRequest(tenant, scope, from, to, maxDocuments, timeLimit);
    }
}
