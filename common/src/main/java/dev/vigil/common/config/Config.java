package dev.vigil.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Resolved configuration of one service. Sources, later winning: the fields' defaults, a
 * properties file, environment variables ({@code VIGIL_X_Y} for {@code vigil.x.y}), explicit
 * overrides (command line, tests). Every field is parsed and validated at construction; all
 * problems are reported together.
 */
public final class Config {

    private final Map<String, Object> values;
    private final Map<String, String> raw;

    private Config(Map<String, Object> values, Map<String, String> raw) {
        this.values = values;
        this.raw = raw;
    }

    public static Config resolve(
            List<ConfigField<?>> fields, Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> raw = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (file != null) {
            if (!Files.isReadable(file)) {
                problems.add("config file " + file + " is not readable");
            } else {
                Properties props = new Properties();
                try (Reader reader = Files.newBufferedReader(file)) {
                    props.load(reader);
                    props.stringPropertyNames().forEach(k -> raw.put(k, props.getProperty(k)));
                } catch (IOException e) {
                    problems.add("config file " + file + " cannot be read: " + e.getMessage());
                }
            }
        }
        for (ConfigField<?> field : fields) {
            String fromEnv = env.get(field.envName());
            if (fromEnv != null) {
                raw.put(field.key(), fromEnv);
            }
        }
        raw.putAll(overrides);

        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigField<?> field : fields) {
            resolveField(field, raw.get(field.key()), values, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Config(Collections.unmodifiableMap(values), Collections.unmodifiableMap(raw));
    }

    public static Config resolve(List<ConfigField<?>> fields, Map<String, String> overrides) {
        return resolve(fields, null, System.getenv(), overrides);
    }

    private static <T> void resolveField(
            ConfigField<T> field, String text, Map<String, Object> values, List<String> problems) {
        T value;
        if (text == null || text.isBlank()) {
            value = field.defaultValue();
            if (value == null && field.required()) {
                problems.add(field.key() + " (env " + field.envName() + ") is required: " + field.description());
                return;
            }
        } else {
            try {
                value = field.parser().apply(text.trim());
            } catch (RuntimeException e) {
                problems.add(
                        field.key() + " = '" + (field.secret() ? "***" : text) + "' is not valid: " + e.getMessage());
                return;
            }
        }
        if (value != null && !field.validator().test(value)) {
            problems.add(field.key() + " = '" + (field.secret() ? "***" : value) + "' " + field.validationMessage());
            return;
        }
        values.put(field.key(), value);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigField<T> field) {
        if (!values.containsKey(field.key())) {
            throw new IllegalArgumentException("field " + field.key() + " was not declared for this config");
        }
        return (T) values.get(field.key());
    }

    /** All raw entries under a prefix, prefix removed: passes client properties through (vigil.kafka.producer.*). */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                result.put(k.substring(prefix.length()), v);
            }
        });
        return result;
    }
}
