package dev.vigil.controls.facts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One artifact digest: the build that produced it, its signature, SBOM and provenance, and its
 * latest complete scan per category. Keyed by digest.
 */
public record ArtifactFact(
        String digest,
        String name,
        String buildSha,
        String buildBranch,
        String buildOutcome,
        String buildRunId,
        Instant builtAt,
        boolean signed,
        String signer,
        Instant signedAt,
        String sbomUri,
        String provenanceBuilder,
        String provenanceRepo,
        String provenanceSha,
        Map<String, ScanSummary> scans,
        List<String> inputIds) {

    public ArtifactFact {
        scans = scans == null ? Map.of() : Map.copyOf(scans);
        inputIds = inputIds == null ? List.of() : List.copyOf(inputIds);
    }

    public static ArtifactFact empty(String digest) {
        return new ArtifactFact(
                digest, null, null, null, null, null, null, false, null, null, null, null, null, null, Map.of(),
                List.of());
    }
}
