package dev.vigil.common.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One configuration key with its type, default, description and validation (Debezium's
 * {@code Field} style). Keys are dotted, lower-case, kebab-case: {@code vigil.kafka.bootstrap-servers};
 * the matching environment variable is {@code VIGIL_KAFKA_BOOTSTRAP_SERVERS}.
 */
public record ConfigField<T>(
        String key,
        String description,
        T defaultValue,
        Function<String, T> parser,
        Predicate<T> validator,
        String validationMessage,
        boolean secret,
        boolean required) {

    public ConfigField {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parser, "parser");
        validator = validator == null ? v -> true : validator;
    }

    public String envName() {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public static ConfigField<String> string(String key, String defaultValue, String description) {
        return new ConfigField<>(key, description, defaultValue, s -> s, null, null, false, false);
    }

    public static ConfigField<String> secret(String key, String description) {
        return new ConfigField<>(key, description, null, s -> s, null, null, true, false);
    }

    public static ConfigField<Integer> integer(String key, int defaultValue, int min, int max, String description) {
        return new ConfigField<>(
                key,
                description,
                defaultValue,
                Integer::valueOf,
                v -> v >= min && v <= max,
                "must be between " + min + " and " + max,
                false,
                false);
    }

    public static ConfigField<Long> longValue(String key, long defaultValue, long min, long max, String description) {
        return new ConfigField<>(
                key,
                description,
                defaultValue,
                Long::valueOf,
                v -> v >= min && v <= max,
                "must be between " + min + " and " + max,
                false,
                false);
    }

    public static ConfigField<Boolean> bool(String key, boolean defaultValue, String description) {
        return new ConfigField<>(
                key,
                description,
                defaultValue,
                s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException("expected true or false");
                },
                null,
                null,
                false,
                false);
    }

    /** A required string: no default; the config is invalid until it is set. */
    public static ConfigField<String> required(String key, String description) {
        return new ConfigField<>(key, description, null, s -> s, null, null, false, true);
    }

    public ConfigField<T> withValidator(Predicate<T> check, String message) {
        return new ConfigField<>(key, description, defaultValue, parser, check, message, secret, required);
    }
}
