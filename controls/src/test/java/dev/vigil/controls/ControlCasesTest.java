package dev.vigil.controls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.controls.cases.ControlCase;
import dev.vigil.controls.cases.ControlCases;
import dev.vigil.controls.cases.Inputs;
import dev.vigil.controls.cases.Step;
import dev.vigil.controls.state.InMemorySubjectState;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.VerdictResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ControlCasesTest {

    static final ControlCatalog CATALOG = ControlCatalog.builtIn();

    static List<ControlCase> cases() {
        return ControlCases.all();
    }

    /** Replays a case exactly as the streams module does; returns every verdict emitted. */
    static List<ControlVerdict> replay(ControlEngine engine, ControlCase c) {
        InMemorySubjectState state = new InMemorySubjectState(Inputs.TENANT, Inputs.SCOPE);
        Instant now = c.start();
        List<ControlVerdict> out = new ArrayList<>();
        for (Step step : c.steps()) {
            switch (step) {
                case Step.Event e ->
                    out.addAll(engine.onEvent(e.event(), state, now).verdicts());
                case Step.Scan s ->
                    out.addAll(engine.onScan(s.scan(), state, now).verdicts());
                case Step.AdvanceTo a -> {
                    now = a.at();
                    out.addAll(engine.onTime(state, now).verdicts());
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldReachTheExpectedVerdict(ControlCase c) {
        ControlEngine engine = ControlEngines.of(CATALOG);
        List<ControlVerdict> verdicts = replay(engine, c).stream()
                .filter(v -> v.getControlId().equals(c.controlId()))
                .toList();
        assertThat(verdicts).as("verdicts of %s", c.controlId()).isNotEmpty();
        ControlVerdict last = verdicts.getLast();
        assertThat(last.getVerdict())
                .as("last verdict, reason: %s", last.getReason())
                .isEqualTo(c.expected());
        Control control = CATALOG.controls().stream()
                .filter(x -> x.id().equals(c.controlId()))
                .findFirst()
                .orElseThrow();
        assertThat(last.getCatalogVersion()).isEqualTo(CATALOG.version());
        assertThat(last.getRequirements()).containsExactlyElementsOf(control.requirements());
        assertThat(last.getSeverity()).isEqualTo(control.severity());
        assertThat(last.getEvidence()).isNotEmpty();
        assertThat(last.getId()).startsWith(last.getInputId() + ":" + c.controlId());
    }

    /**
     * The streams app runs a subject's timers only when the engine asked for a wake-up: the cases
     * must end the same way when onTime is called only then, so every deadline a case relies on
     * is announced in nextWakeUp.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldReachTheSameVerdictWhenTimersRunOnlyWhenTheEngineAskedForThem(ControlCase c) {
        ControlEngine engine = ControlEngines.of(CATALOG);
        InMemorySubjectState state = new InMemorySubjectState(Inputs.TENANT, Inputs.SCOPE);
        Instant now = c.start();
        Optional<Instant> wakeUp = Optional.empty();
        List<ControlVerdict> out = new ArrayList<>();
        for (Step step : c.steps()) {
            EngineResult r = null;
            switch (step) {
                case Step.Event e -> r = engine.onEvent(e.event(), state, now);
                case Step.Scan s -> r = engine.onScan(s.scan(), state, now);
                case Step.AdvanceTo a -> {
                    now = a.at();
                    if (wakeUp.isPresent() && !wakeUp.get().isAfter(now)) {
                        r = engine.onTime(state, now);
                    }
                }
            }
            if (r != null) {
                out.addAll(r.verdicts());
                wakeUp = r.nextWakeUp();
            }
        }
        assertThat(out.stream()
                        .filter(v -> v.getControlId().equals(c.controlId()))
                        .toList())
                .isNotEmpty()
                .last()
                .extracting(ControlVerdict::getVerdict)
                .isEqualTo(c.expected());
    }

    @Test
    void shouldCoverPassFailAndNotApplicableForEveryControl() {
        Map<String, Set<VerdictResult>> covered = cases().stream()
                .collect(Collectors.groupingBy(
                        ControlCase::controlId,
                        Collectors.mapping(ControlCase::expected, Collectors.toCollection(TreeSet::new))));
        assertThat(covered.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        CATALOG.controls().stream().map(Control::id).toList());
        assertThat(covered).allSatisfy((id, results) -> assertThat(results)
                .as(id)
                .contains(VerdictResult.PASS, VerdictResult.FAIL, VerdictResult.NOT_APPLICABLE));
    }

    @Test
    void shouldEmitNoErrorVerdictsInAnyCase() {
        ControlEngine engine = ControlEngines.of(CATALOG);
        List<String> errors = cases().stream()
                .flatMap(c -> replay(engine, c).stream())
                .filter(v -> v.getVerdict() == VerdictResult.ERROR)
                .map(v -> v.getControlId() + ": " + v.getReason())
                .distinct()
                .toList();
        assertThat(errors).isEmpty();
    }

    static <T> Function<T, T> id() {
        return Function.identity();
    }
}
