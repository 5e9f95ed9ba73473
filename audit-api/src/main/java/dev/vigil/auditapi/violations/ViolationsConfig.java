package dev.vigil.auditapi.violations;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the violations list, risk acceptance, the live stream and webhook deliveries: one
 * component of {@code AuditApiConfig}, so they travel together.
 */
public record ViolationsConfig(
        int maxChanges,
        int riskMaxDays,
        int maxStreams,
        Duration keepAlive,
        boolean webhooksEnabled,
        int webhookMaxAttempts,
        Duration webhookInitialBackoff,
        Duration webhookMaxBackoff,
        Duration webhookMaxAge,
        Duration webhookTimeout,
        boolean allowPrivateTargets) {

    public static final ConfigField<Integer> MAX_CHANGES = ConfigField.integer(
            "vigil.audit-api.violations.max-changes",
            100_000,
            100,
            10_000_000,
            "Most violation changes GET /v1/violations folds per request; beyond it, narrow the filters.");

    public static final ConfigField<Integer> RISK_MAX_DAYS = ConfigField.integer(
            "vigil.audit-api.risk-acceptance.max-days", 365, 1, 3650, "Longest a risk acceptance may run.");

    public static final ConfigField<Integer> MAX_STREAMS = ConfigField.integer(
            "vigil.audit-api.violations.max-streams",
            64,
            1,
            10_000,
            "Concurrent GET /v1/violations/stream connections per instance; more answer 503.");

    public static final ConfigField<Integer> KEEP_ALIVE_SECONDS = ConfigField.integer(
            "vigil.audit-api.violations.keep-alive-seconds",
            15,
            1,
            3600,
            "Seconds between keep-alive comments on an idle violation stream.");

    public static final ConfigField<Boolean> WEBHOOKS_ENABLED = ConfigField.bool(
            "vigil.audit-api.webhooks.enabled", true, "Run the webhook delivery worker in this instance.");

    public static final ConfigField<Integer> WEBHOOK_MAX_ATTEMPTS = ConfigField.integer(
            "vigil.audit-api.webhooks.max-attempts", 8, 1, 100, "Attempts per delivery before it is marked failed.");

    public static final ConfigField<Integer> WEBHOOK_INITIAL_BACKOFF_MS = ConfigField.integer(
            "vigil.audit-api.webhooks.initial-backoff-ms",
            1000,
            1,
            3_600_000,
            "Wait before the second attempt; doubled after each failure (with jitter).");

    public static final ConfigField<Integer> WEBHOOK_MAX_BACKOFF_MS = ConfigField.integer(
            "vigil.audit-api.webhooks.max-backoff-ms", 300_000, 1, 3_600_000, "Longest wait between two attempts.");

    public static final ConfigField<Integer> WEBHOOK_MAX_AGE_SECONDS = ConfigField.integer(
            "vigil.audit-api.webhooks.max-age-seconds",
            3600,
            1,
            7 * 24 * 3600,
            "A delivery still failing this long after its first attempt is given up.");

    public static final ConfigField<Boolean> ALLOW_PRIVATE_TARGETS = ConfigField.bool(
            "vigil.audit-api.webhooks.allow-private-targets",
            false,
            "Allow webhook URLs on loopback, link-local and site-local addresses (tests, closed networks).");

    public static final List<ConfigField<?>> FIELDS = List.of(
            MAX_CHANGES,
            RISK_MAX_DAYS,
            MAX_STREAMS,
            KEEP_ALIVE_SECONDS,
            WEBHOOKS_ENABLED,
            WEBHOOK_MAX_ATTEMPTS,
            WEBHOOK_INITIAL_BACKOFF_MS,
            WEBHOOK_MAX_BACKOFF_MS,
            WEBHOOK_MAX_AGE_SECONDS,
            ALLOW_PRIVATE_TARGETS);

    public static ViolationsConfig defaults() {
        return new ViolationsConfig(
                MAX_CHANGES.defaultValue(),
                RISK_MAX_DAYS.defaultValue(),
                MAX_STREAMS.defaultValue(),
                Duration.ofSeconds(KEEP_ALIVE_SECONDS.defaultValue()),
                WEBHOOKS_ENABLED.defaultValue(),
                WEBHOOK_MAX_ATTEMPTS.defaultValue(),
                Duration.ofMillis(WEBHOOK_INITIAL_BACKOFF_MS.defaultValue()),
                Duration.ofMillis(WEBHOOK_MAX_BACKOFF_MS.defaultValue()),
                Duration.ofSeconds(WEBHOOK_MAX_AGE_SECONDS.defaultValue()),
                Duration.ofSeconds(10),
                ALLOW_PRIVATE_TARGETS.defaultValue());
    }

    public static ViolationsConfig from(Config config) {
        return new ViolationsConfig(
                config.get(MAX_CHANGES),
                config.get(RISK_MAX_DAYS),
                config.get(MAX_STREAMS),
                Duration.ofSeconds(config.get(KEEP_ALIVE_SECONDS)),
                config.get(WEBHOOKS_ENABLED),
                config.get(WEBHOOK_MAX_ATTEMPTS),
                Duration.ofMillis(config.get(WEBHOOK_INITIAL_BACKOFF_MS)),
                Duration.ofMillis(config.get(WEBHOOK_MAX_BACKOFF_MS)),
                Duration.ofSeconds(config.get(WEBHOOK_MAX_AGE_SECONDS)),
                Duration.ofSeconds(10),
                config.get(ALLOW_PRIVATE_TARGETS));
    }

    /** For tests: fast retries and local receivers. */
    public ViolationsConfig withWebhookRetries(int attempts, Duration initial, Duration max) {
        return new ViolationsConfig(
                maxChanges,
                riskMaxDays,
                maxStreams,
                keepAlive,
                webhooksEnabled,
                attempts,
                initial,
                max,
                webhookMaxAge,
                webhookTimeout,
                allowPrivateTargets);
    }

    public ViolationsConfig withAllowPrivateTargets(boolean allow) {
        return new ViolationsConfig(
                maxChanges,
                riskMaxDays,
                maxStreams,
                keepAlive,
                webhooksEnabled,
                webhookMaxAttempts,
                webhookInitialBackoff,
                webhookMaxBackoff,
                webhookMaxAge,
                webhookTimeout,
                allow);
    }

    public ViolationsConfig withMaxStreams(int max) {
        return new ViolationsConfig(
                maxChanges,
                riskMaxDays,
                max,
                keepAlive,
                webhooksEnabled,
                webhookMaxAttempts,
                webhookInitialBackoff,
                webhookMaxBackoff,
                webhookMaxAge,
                webhookTimeout,
                allowPrivateTargets);
    }
}
