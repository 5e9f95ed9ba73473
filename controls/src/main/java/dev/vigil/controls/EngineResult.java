package dev.vigil.controls;

import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.Violation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one evaluation produced: a verdict per control evaluated (PASS, FAIL or NOT_APPLICABLE,
 * with reason and evidence references), the violation lifecycle changes it caused (OPENED,
 * RESOLVED, RISK_ACCEPTED, REOPENED ... never a second OPENED for an open one), and when the
 * subject next needs {@link ControlEngine#onTime} (empty: no timer pending).
 */
public record EngineResult(
        List<ControlVerdict> verdicts, List<Violation> violationChanges, Optional<Instant> nextWakeUp) {

    public static final EngineResult EMPTY = new EngineResult(List.of(), List.of(), Optional.empty());

    public EngineResult {
        verdicts = List.copyOf(verdicts);
        violationChanges = List.copyOf(violationChanges);
        nextWakeUp = nextWakeUp == null ? Optional.empty() : nextWakeUp;
    }
}
