package dev.vigil.common.config;

import java.util.List;

/** Every problem of a configuration at once, one per line, so an operator fixes them in one pass. */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
