package dev.vigil.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The targets as ratios of a pipeline figure over the ceiling measured in the same run:
 *
 * <ul>
 *   <li>{@code e2e/elasticsearch.bulk-create}: sustained searchable documents/s ÷ raw bulk create (target 0.6, stretch
 *       0.8);
 *   <li>{@code evaluate/kafka.consume-produce}: the highest {@code evaluate} stage rate of the stepped phase ÷ the plain
 *       consume→produce loop (0.5); {@code evaluate/kafka.consume-produce-eos}: the same over the transactional loop
 *       (informational, 0.5);
 *   <li>{@code ingest/kafka.produce-with-evidence}: HTTP-accepted records/s of the closing ingest-capacity phase
 *       (the same mix, offered faster than the clients send) ÷ the raw producer writing the same evidence and records
 *       (0.5);
 *   <li>{@code searchable-p99-at-half}: 1500 ms ÷ the half phase's p99 accepted → searchable (met when p99 ≤ 1500 ms).
 * </ul>
 *
 * A ratio whose inputs are missing is skipped with a note.
 */
final class Ratios {

    static final double HALF_P99_TARGET_MS = 1500;

    private Ratios() {}

    static List<BenchResult.Ratio> compute(
            List<BenchResult.Ceiling> ceilings,
            List<BenchResult.Step> steps,
            BenchResult.Sustained sustained,
            List<String> notes) {
        List<BenchResult.Ratio> ratios = new ArrayList<>();
        List<BenchResult.Step> stepped =
                steps.stream().filter(s -> "step".equals(s.phase())).toList();

        Double e2e = sustained == null ? null : sustained.searchableDocumentsPerSecond();
        ratio(
                ratios,
                notes,
                "e2e/elasticsearch.bulk-create",
                "sustained.searchable_documents_per_second",
                e2e,
                ceilings,
                "elasticsearch.bulk-create",
                0.6,
                0.8);

        Double evaluate = stepped.stream()
                .map(s -> s.stageRatesPerSecond() == null
                        ? null
                        : s.stageRatesPerSecond().get("evaluate"))
                .filter(v -> v != null && v > 0)
                .max(Double::compare)
                .orElse(null);
        ratio(
                ratios,
                notes,
                "evaluate/kafka.consume-produce",
                "max step evaluate records/s",
                evaluate,
                ceilings,
                "kafka.consume-produce",
                0.5,
                null);
        ratio(
                ratios,
                notes,
                "evaluate/kafka.consume-produce-eos",
                "max step evaluate records/s",
                evaluate,
                ceilings,
                "kafka.consume-produce-eos",
                0.5,
                null);

        // Ingest's capacity comes from the closing ingest phase (the steps saturate in streams first), over the raw
        // producer writing what ingest writes per input: evidence key, evidence chunks, then the records.
        Double ingest = steps.stream()
                .filter(s -> "ingest".equals(s.phase()))
                .map(BenchResult.Step::acceptedRecordsPerSecond)
                .filter(v -> v > 0)
                .findFirst()
                .orElse(null);
        ratio(
                ratios,
                notes,
                "ingest/kafka.produce-with-evidence",
                "ingest phase HTTP-accepted records/s",
                ingest,
                ceilings,
                "kafka.produce-with-evidence",
                0.5,
                null);

        Optional<BenchResult.Step> half =
                steps.stream().filter(s -> "half".equals(s.phase())).findFirst();
        if (half.isEmpty()
                || half.get().searchable() == null
                || half.get().searchable().count() == 0) {
            notes.add("ratio searchable-p99-at-half skipped: no probe of the half phase became searchable");
        } else {
            double p99 = half.get().searchable().p99();
            double value = p99 <= 0 ? HALF_P99_TARGET_MS : HALF_P99_TARGET_MS / p99;
            ratios.add(new BenchResult.Ratio(
                    "searchable-p99-at-half",
                    round4(value),
                    1.0,
                    null,
                    p99 <= HALF_P99_TARGET_MS,
                    "target p99 ms",
                    HALF_P99_TARGET_MS,
                    "half.searchable.p99 ms",
                    p99));
        }
        return ratios;
    }

    private static void ratio(
            List<BenchResult.Ratio> ratios,
            List<String> notes,
            String name,
            String numerator,
            Double numeratorValue,
            List<BenchResult.Ceiling> ceilings,
            String ceiling,
            double target,
            Double stretch) {
        Optional<BenchResult.Ceiling> c = ceilings.stream()
                .filter(x -> ceiling.equals(x.name()) && x.perSecond() > 0)
                .findFirst();
        if (c.isEmpty()) {
            notes.add("ratio " + name + " skipped: no " + ceiling + " ceiling");
            return;
        }
        if (numeratorValue == null || numeratorValue <= 0) {
            notes.add("ratio " + name + " skipped: no " + numerator);
            return;
        }
        double value = numeratorValue / c.get().perSecond();
        ratios.add(new BenchResult.Ratio(
                name,
                round4(value),
                target,
                stretch,
                value >= target,
                numerator,
                numeratorValue,
                ceiling + " " + c.get().unit() + "/s",
                c.get().perSecond()));
    }

    static String describe(BenchResult.Ratio r) {
        return String.format(
                Locale.ROOT,
                "%s = %.3f (target %.2f)%s",
                r.name(),
                r.value(),
                r.target(),
                r.met() ? " met" : " missed");
    }

    /** Four decimals: a ratio far below its target (0.0045) still reads as a number, not as 0. */
    private static double round4(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
