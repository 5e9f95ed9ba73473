package dev.vigil.controls.facts;

import java.time.Instant;
import java.util.Map;

/**
 * One complete scan of a commit or artifact: what ran, when, and how many findings are still open
 * by severity (suppressed, not-affected, resolved and false-positive findings are not counted).
 */
public record ScanSummary(
        String scanId,
        String sourceEventId,
        String category,
        String tool,
        String format,
        Instant scannedAt,
        boolean complete,
        Map<String, Integer> open,
        int fixableCritical,
        int findingCount,
        String evidenceSha256) {

    public ScanSummary {
        open = open == null ? Map.of() : Map.copyOf(open);
    }
}
