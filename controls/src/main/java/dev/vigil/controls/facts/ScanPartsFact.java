package dev.vigil.controls.facts;

import java.util.List;

/** The parts of one split scan received so far (same sourceEventId and category). */
public record ScanPartsFact(
        String key, int partCount, List<Integer> parts, List<String> scanIds, List<CompactFinding> findings) {

    public ScanPartsFact {
        parts = List.copyOf(parts);
        scanIds = List.copyOf(scanIds);
        findings = List.copyOf(findings);
    }
}
