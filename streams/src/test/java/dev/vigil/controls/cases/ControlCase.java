package dev.vigil.controls.cases;

import dev.vigil.schemas.VerdictResult;
import java.time.Instant;
import java.util.List;

/**
 * LOCAL COPY for the streams branch: the controls module's test-jar provides this type at merge
 * (then this file is deleted). One scenario: after {@code steps}, starting at {@code start}, the
 * last verdict of {@code controlId} is {@code expected}.
 */
public record ControlCase(String name, String controlId, VerdictResult expected, Instant start, List<Step> steps) {

    public ControlCase {
        steps = List.copyOf(steps);
    }

    @Override
    public String toString() {
        return name;
    }
}
