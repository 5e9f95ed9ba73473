package dev.vigil.trail;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One trail record as stored in Elasticsearch. The document minus {@code chain.hash} is exactly
 * the record's canonical form (docs/audit-chain.md), so verification recomputes every hash from
 * what is in the index. Null fields are omitted, in the index and in the canonical form alike.
 * Field names live in {@link AuditFields}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditDocument(
        @JsonProperty("@timestamp") String timestamp,
        String tenant,
        String scope,
        Chain chain,
        Event event,
        Subject subject,
        User user,
        String message,
        List<Verdict> verdicts,
        @JsonProperty("catalog_version") String catalogVersion,
        Map<String, String> labels,
        Evidence evidence,
        Kafka kafka) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Chain(
            String id, long seq, @JsonProperty("prev_hash") String prevHash, String hash, int version) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(
            String id,
            String kind,
            String type,
            @JsonProperty("source_type") String sourceType,
            String provider,
            @JsonProperty("source_id") String sourceId,
            String ingested,
            String outcome) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Subject(
            @JsonProperty("commit_sha") String commitSha,
            String branch,
            @JsonProperty("change_id") String changeId,
            @JsonProperty("artifact_digest") String artifactDigest,
            @JsonProperty("artifact_name") String artifactName,
            String environment,
            @JsonProperty("pipeline_run_id") String pipelineRunId,
            String service) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record User(String id) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Verdict(
            @JsonProperty("control_id") String controlId,
            String result,
            String severity,
            List<String> requirements,
            String reason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Evidence(String sha256) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Kafka(String topic, int partition, long offset) {}

    /** The Elasticsearch {@code _id}: deterministic, so a replayed record collides instead of duplicating. */
    public String documentId() {
        return chain.id() + ":" + chain.seq();
    }
}
