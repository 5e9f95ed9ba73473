package dev.vigil.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * When a rate step counts as saturated, and which step defines the sustained rate.
 *
 * <p>A step is <b>saturated</b> when any of these holds:
 *
 * <ol>
 *   <li>accepted inputs/s &lt; 0.9 × offered inputs/s (ingest, or the client, cannot keep up);
 *   <li>failed requests &gt; 1 % of those sent;
 *   <li>the backlog at the end of the step (streams-group lag on the input topics + indexer lag on the trail, in
 *       records) exceeds 2 s worth of the offered record rate and grew through the step;
 *   <li>the p99 of 202 accepted → searchable through audit-api exceeds 10 s.
 * </ol>
 *
 * The stepped phase stops at the first saturated step. The <b>sustained</b> rate is the measured rates of the best
 * (highest accepted inputs/s) step that was not saturated; when already the first step saturated, it is that step's
 * rates, and the result's notes say so.
 */
final class Saturation {

    static final double ACCEPTED_FRACTION = 0.9;
    static final double MAX_FAILED_FRACTION = 0.01;
    static final double BACKLOG_SECONDS = 2.0;
    static final double MAX_SEARCHABLE_P99_MS = 10_000;

    /** The facts of one step the rule looks at. */
    record Facts(
            double offeredInputsPerSecond,
            double acceptedInputsPerSecond,
            long sent,
            long failed,
            /* records per accepted input in this step (1 when nothing was accepted) */
            double recordsPerInput,
            long backlogAtStart,
            long backlogAtEnd,
            /* null when no probe became searchable */
            Double searchableP99Ms) {}

    private Saturation() {}

    /** Why the step is saturated, all reasons joined; empty when it is not. */
    static Optional<String> reason(Facts f) {
        List<String> reasons = new ArrayList<>();
        if (f.acceptedInputsPerSecond() < ACCEPTED_FRACTION * f.offeredInputsPerSecond()) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "accepted %.1f inputs/s < 90%% of the %.1f offered",
                    f.acceptedInputsPerSecond(),
                    f.offeredInputsPerSecond()));
        }
        if (f.sent() > 0 && f.failed() > MAX_FAILED_FRACTION * f.sent()) {
            reasons.add(String.format(Locale.ROOT, "%d of %d requests failed (> 1%%)", f.failed(), f.sent()));
        }
        double offeredRecords = f.offeredInputsPerSecond() * Math.max(1e-9, f.recordsPerInput());
        double limit = BACKLOG_SECONDS * offeredRecords;
        if (f.backlogAtEnd() > limit && f.backlogAtEnd() > f.backlogAtStart()) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "backlog %d records at the end (> 2 s of the offered %.1f records/s) and growing from %d",
                    f.backlogAtEnd(),
                    offeredRecords,
                    f.backlogAtStart()));
        }
        if (f.searchableP99Ms() != null && f.searchableP99Ms() > MAX_SEARCHABLE_P99_MS) {
            reasons.add(String.format(Locale.ROOT, "searchable p99 %.0f ms > 10 s", f.searchableP99Ms()));
        }
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
    }

    /**
     * Index of the step that defines the sustained rate among the stepped phase's steps: the non-saturated one with the
     * highest accepted inputs/s, else the first step (everything saturated); -1 when there are no steps.
     */
    static int sustainedIndex(List<BenchResult.Step> steps) {
        int best = -1;
        for (int i = 0; i < steps.size(); i++) {
            BenchResult.Step s = steps.get(i);
            if (!s.saturated()
                    && (best < 0
                            || s.acceptedInputsPerSecond() > steps.get(best).acceptedInputsPerSecond())) {
                best = i;
            }
        }
        return best >= 0 || steps.isEmpty() ? best : 0;
    }
}
