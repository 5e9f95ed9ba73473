package dev.vigil.controls;

import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Objects;

/**
 * A control as data: what it requires, which framework requirements it evidences
 * ({@code SOC2:CC8.1}, {@code GDPR:Art.32}), which input kinds it applies to, and its condition
 * (a CEL expression over the event and the subject's state, evaluated by the controls issue's
 * evaluator).
 */
public record Control(
        String id,
        String title,
        String rationale,
        List<String> requirements,
        Severity severity,
        List<String> appliesTo,
        String condition) {

    public Control {
        Objects.requireNonNull(id, "id");
        requirements = List.copyOf(requirements);
        appliesTo = List.copyOf(appliesTo);
    }
}
