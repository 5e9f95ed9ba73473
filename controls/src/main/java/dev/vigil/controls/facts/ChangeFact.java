package dev.vigil.controls.facts;

import java.util.List;
import java.util.Map;

/** A pull/merge request: author, head and merge SHAs, and each reviewer's latest review. */
public record ChangeFact(
        String changeId,
        String author,
        String headSha,
        String mergeSha,
        String targetBranch,
        String mergedBy,
        String labels,
        Map<String, ReviewFact> reviews,
        List<String> inputIds) {

    public ChangeFact {
        reviews = reviews == null ? Map.of() : Map.copyOf(reviews);
        inputIds = inputIds == null ? List.of() : List.copyOf(inputIds);
    }

    public static ChangeFact empty(String changeId) {
        return new ChangeFact(changeId, null, null, null, null, null, null, Map.of(), List.of());
    }
}
