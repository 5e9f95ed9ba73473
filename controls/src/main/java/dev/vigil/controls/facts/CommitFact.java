package dev.vigil.controls.facts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What is known about one commit: how it reached the default branch (push, merge), its runs and
 * its latest complete scan per category. Keyed by SHA.
 */
public record CommitFact(
        String sha,
        String changeId,
        String branch,
        Instant mergedAt,
        String mergedBy,
        Instant pushedAt,
        String pushedBy,
        boolean pushedToDefault,
        boolean forcedPush,
        List<RunFact> runs,
        Map<String, ScanSummary> scans,
        List<String> inputIds) {

    public CommitFact {
        runs = runs == null ? List.of() : List.copyOf(runs);
        scans = scans == null ? Map.of() : Map.copyOf(scans);
        inputIds = inputIds == null ? List.of() : List.copyOf(inputIds);
    }

    public static CommitFact empty(String sha) {
        return new CommitFact(sha, null, null, null, null, null, null, false, false, List.of(), Map.of(), List.of());
    }
}
