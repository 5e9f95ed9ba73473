package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RatiosTest {

    static BenchResult.Ceiling ceiling(String name, double perSecond) {
        return new BenchResult.Ceiling(name, "records", 1000, 1_000_000, 1000 / perSecond, perSecond, null);
    }

    static BenchResult.Step half(double p99) {
        var latency = new BenchResult.Latency(20, p99 / 2, p99 * 0.9, p99, p99 * 1.1, List.of());
        return new BenchResult.Step(
                "half", 20, 0, 10, 200, 200, 0, 400, 20, 40, Map.of(), 40, null, latency, null, Map.of(), false, null);
    }

    static BenchResult.Step ingestPhase(double recordsPerSecond) {
        return new BenchResult.Step(
                "ingest",
                5000,
                0,
                10,
                4000,
                3000,
                0,
                6000,
                300,
                recordsPerSecond,
                Map.of(),
                0,
                null,
                null,
                null,
                Map.of(),
                true,
                "accepted < 0.9 x offered");
    }

    @Test
    void shouldComputeEveryRatioAgainstItsCeiling() {
        List<BenchResult.Ceiling> ceilings = List.of(
                ceiling("kafka.produce", 10_000),
                ceiling("kafka.produce-with-evidence", 1_000),
                ceiling("elasticsearch.bulk-create", 1000),
                ceiling("kafka.consume-produce", 200),
                ceiling("kafka.consume-produce-eos", 100));
        List<BenchResult.Step> steps = new ArrayList<>(List.of(
                SaturationTest.step(25, 25, false),
                SaturationTest.step(40, 40, false),
                SaturationTest.step(60, 45, true)));
        steps.add(half(1200));
        steps.add(ingestPhase(600));
        var sustained = new BenchResult.Sustained(40, 80, 700, 40);
        List<String> notes = new ArrayList<>();

        Map<String, BenchResult.Ratio> ratios = new java.util.LinkedHashMap<>();
        Ratios.compute(ceilings, steps, sustained, notes).forEach(r -> ratios.put(r.name(), r));

        assertThat(notes).isEmpty();
        assertThat(ratios.get("e2e/elasticsearch.bulk-create")).satisfies(r -> {
            assertThat(r.value()).isEqualTo(0.7);
            assertThat(r.target()).isEqualTo(0.6);
            assertThat(r.stretch()).isEqualTo(0.8);
            assertThat(r.met()).isTrue();
        });
        // the highest evaluate rate of the stepped phase: 45 accepted x 2 = 90 records/s
        assertThat(ratios.get("evaluate/kafka.consume-produce").value()).isEqualTo(0.45);
        assertThat(ratios.get("evaluate/kafka.consume-produce").met()).isFalse();
        assertThat(ratios.get("evaluate/kafka.consume-produce-eos").value()).isEqualTo(0.9);
        // ingest's capacity is the closing ingest phase's accepted records/s, not the steps' (streams-bound) rates
        assertThat(ratios.get("ingest/kafka.produce-with-evidence")).satisfies(r -> {
            assertThat(r.numeratorValue()).isEqualTo(600);
            assertThat(r.value()).isEqualTo(0.6);
            assertThat(r.met()).isTrue();
        });
        assertThat(ratios.get("searchable-p99-at-half")).satisfies(r -> {
            assertThat(r.value()).isEqualTo(1.25);
            assertThat(r.met()).isTrue();
        });
    }

    @Test
    void shouldSkipWhatItCannotComputeWithANote() {
        List<String> notes = new ArrayList<>();
        var ratios = Ratios.compute(List.of(), List.of(half(2000)), null, notes);
        assertThat(ratios).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("searchable-p99-at-half");
            assertThat(r.value()).isEqualTo(0.75);
            assertThat(r.met()).isFalse();
        });
        assertThat(notes).anyMatch(n -> n.contains("e2e/elasticsearch.bulk-create skipped"));
        assertThat(notes).anyMatch(n -> n.contains("ingest/kafka.produce-with-evidence skipped"));
    }
}
