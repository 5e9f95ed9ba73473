package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SaturationTest {

    private static Saturation.Facts healthy() {
        // 100 inputs/s offered and accepted, 2 records per input, backlog 50 records (< 2 s of 200 records/s)
        return new Saturation.Facts(100, 99, 1000, 0, 2.0, 10, 50, 800.0);
    }

    @Test
    void shouldNotSaturateAHealthyStep() {
        assertThat(Saturation.reason(healthy())).isEmpty();
    }

    @Test
    void shouldSaturateWhenLessThanNinetyPercentIsAccepted() {
        var f = new Saturation.Facts(100, 89, 1000, 0, 2.0, 0, 0, 800.0);
        assertThat(Saturation.reason(f))
                .hasValueSatisfying(r -> assertThat(r).contains("accepted 89.0 inputs/s < 90% of the 100.0 offered"));
        assertThat(Saturation.reason(new Saturation.Facts(100, 90, 1000, 0, 2.0, 0, 0, 800.0)))
                .isEmpty();
    }

    @Test
    void shouldSaturateWhenMoreThanOnePercentFails() {
        assertThat(Saturation.reason(new Saturation.Facts(100, 99, 1000, 11, 2.0, 0, 0, 800.0)))
                .hasValueSatisfying(r -> assertThat(r).contains("11 of 1000 requests failed"));
        assertThat(Saturation.reason(new Saturation.Facts(100, 99, 1000, 10, 2.0, 0, 0, 800.0)))
                .isEmpty();
    }

    @Test
    void shouldSaturateOnlyWhenTheBacklogExceedsTwoSecondsAndGrew() {
        // 2 s of 100 inputs/s x 2 records = 400 records
        assertThat(Saturation.reason(new Saturation.Facts(100, 99, 1000, 0, 2.0, 100, 401, 800.0)))
                .hasValueSatisfying(r -> assertThat(r).contains("backlog 401 records"));
        assertThat(Saturation.reason(new Saturation.Facts(100, 99, 1000, 0, 2.0, 100, 400, 800.0)))
                .isEmpty();
        // large but shrinking: draining what an earlier step left
        assertThat(Saturation.reason(new Saturation.Facts(100, 99, 1000, 0, 2.0, 900, 600, 800.0)))
                .isEmpty();
    }

    @Test
    void shouldSaturateWhenTheSearchableP99ExceedsTenSeconds() {
        assertThat(Saturation.reason(new Saturation.Facts(100, 99, 1000, 0, 2.0, 0, 0, 10_001.0)))
                .hasValueSatisfying(r -> assertThat(r).contains("searchable p99 10001 ms > 10 s"));
        assertThat(Saturation.reason(new Saturation.Facts(100, 99, 1000, 0, 2.0, 0, 0, null)))
                .isEmpty();
    }

    @Test
    void shouldJoinEveryReason() {
        var f = new Saturation.Facts(100, 50, 1000, 500, 2.0, 0, 5000, 20_000.0);
        assertThat(Saturation.reason(f).orElseThrow().split("; ")).hasSize(4);
    }

    @Test
    void shouldTakeTheBestNonSaturatedStepAsSustained() {
        List<BenchResult.Step> steps = List.of(step(25, 25, false), step(37.5, 37, false), step(56, 40, true));
        assertThat(Saturation.sustainedIndex(steps)).isEqualTo(1);
    }

    @Test
    void shouldFallBackToTheFirstStepWhenItSaturatedAlready() {
        assertThat(Saturation.sustainedIndex(List.of(step(25, 10, true)))).isZero();
        assertThat(Saturation.sustainedIndex(List.of())).isEqualTo(-1);
    }

    static BenchResult.Step step(double offered, double accepted, boolean saturated) {
        return new BenchResult.Step(
                "step",
                offered,
                0,
                10,
                (long) (offered * 10),
                (long) (accepted * 10),
                0,
                (long) (accepted * 20),
                accepted,
                accepted * 2,
                Map.of("evaluate", accepted * 2),
                accepted * 2,
                null,
                null,
                null,
                Map.of(),
                saturated,
                saturated ? "test" : null);
    }
}
