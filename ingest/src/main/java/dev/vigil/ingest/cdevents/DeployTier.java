package dev.vigil.ingest.cdevents;

import java.util.Locale;
import java.util.Optional;

/**
 * The deployment tier ({@code deploy.tier}) an environment's id or name says, when it says one:
 * CDEvents environments are free-form ids ({@code prod1}, {@code eu-west-staging}), so the words
 * are matched one by one, trailing digits ignored. No recognisable word, no tier: a missing
 * {@code deploy.tier} means unknown, never "not production".
 */
final class DeployTier {

    private DeployTier() {}

    static Optional<String> of(String... names) {
        for (String name : names) {
            if (name == null) {
                continue;
            }
            for (String word : name.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
                Optional<String> tier = tierOf(word.replaceAll("[0-9]+$", ""));
                if (tier.isPresent()) {
                    return tier;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> tierOf(String word) {
        return Optional.ofNullable(
                switch (word) {
                    case "prod", "production", "prd", "live" -> "production";
                    case "staging", "stage", "stg", "preprod", "uat" -> "staging";
                    case "test", "testing", "qa" -> "testing";
                    case "dev", "development", "sandbox" -> "development";
                    default -> null;
                });
    }
}
