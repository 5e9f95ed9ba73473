package dev.vigil.cli;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Options shared by every subcommand: --config, --data, --set key=value, plus free-form --name value pairs. */
public record CliArgs(
        Path configFile, Map<String, String> overrides, Map<String, String> options, List<String> positional) {

    /** Options that take no value ({@code --dry-run}); given, they read "true". */
    static final Set<String> BOOLEAN_FLAGS =
            Set.of("dry-run", "emergency", "personal-data-breach", "all", "json", "kafka");

    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    static CliArgs parse(String[] args) {
        return parse(args, BOOLEAN_FLAGS);
    }

    /** With a command's own value-less options ({@code vigil bench} takes {@code --kafka HOST:PORT}, not a flag). */
    static CliArgs parse(String[] args, Set<String> booleanFlags) {
        Path config = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        Map<String, String> options = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (booleanFlags.contains(name)) {
                value = "true";
            } else {
                if (i + 1 >= args.length) {
                    throw new UsageException("--" + name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "config" -> config = Path.of(value);
                case "data" -> overrides.put("vigil.data-dir", value);
                case "set" -> {
                    int kv = value.indexOf('=');
                    if (kv <= 0) {
                        throw new UsageException("--set needs key=value, got '" + value + "'");
                    }
                    overrides.put(value.substring(0, kv), value.substring(kv + 1));
                }
                default -> options.put(name, value);
            }
        }
        if (config == null && System.getenv("VIGIL_CONFIG") != null) {
            config = Path.of(System.getenv("VIGIL_CONFIG"));
        }
        return new CliArgs(config, Map.copyOf(overrides), Map.copyOf(options), List.copyOf(positional));
    }

    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /** Refuses options the command does not know, so a misspelt one is not silently ignored. */
    public void requireKnownOptions(String command, Set<String> known) {
        List<String> unknown = options.keySet().stream()
                .filter(o -> !known.contains(o))
                .sorted()
                .map(o -> "--" + o)
                .toList();
        if (!unknown.isEmpty()) {
            throw new UsageException("unknown option" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + " for " + command);
        }
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(options.getOrDefault(name, "false"));
    }

    /** Resolves a service's fields from the config file, the environment and the overrides (+ extra). */
    public Config resolve(List<ConfigField<?>> fields, Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        all.putAll(extra);
        return Config.resolve(fields, configFile, System.getenv(), all);
    }
}
