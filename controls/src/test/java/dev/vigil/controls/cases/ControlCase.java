package dev.vigil.controls.cases;

import dev.vigil.schemas.VerdictResult;
import java.time.Instant;
import java.util.List;

/**
 * One replayable control scenario: start the clock at {@code start}, feed the steps in order
 * (Event/Scan at the current clock; AdvanceTo sets the clock and runs the subject's timers); the
 * last verdict emitted for {@code controlId} must be {@code expected}. All steps are about one
 * subject ({@link Inputs#TENANT}/{@link Inputs#SCOPE}).
 */
public record ControlCase(String name, String controlId, VerdictResult expected, Instant start, List<Step> steps) {

    public ControlCase {
        steps = List.copyOf(steps);
    }

    @Override
    public String toString() {
        return controlId + " " + expected + ": " + name;
    }
}
