package dev.vigil.trail.evidence;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The data key of one encrypted evidence payload as stored in {@link EvidenceKeyIndex}
 * ({@code key} is base64 in the JSON, a {@code binary} field: stored, never indexed).
 */
public record EvidenceKeyDocument(
        String tenant, String sha256, @JsonProperty("key") byte[] key) {

    public String documentId() {
        return EvidenceKeyIndex.documentId(tenant, sha256);
    }
}
