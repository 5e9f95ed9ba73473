package dev.vigil.trail.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.common.json.Json;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * The result of a verification run; its JSON form is documented in docs/audit-chain.md
 * ("Verification"). {@code intact} is true when the run completed and found nothing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerifyReport(
        int version,
        boolean intact,
        boolean complete,
        @JsonProperty("incomplete_reason") String incompleteReason,
        Scope request,
        Counts counts,
        @JsonProperty("findings_total") long findingsTotal,
        List<Finding> findings,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("duration_ms") long durationMs) {

    public static final int VERSION = 1;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Scope(String tenant, String scope, String from, String to, boolean kafka) {}

    public record Counts(
            long chains,
            long documents,
            @JsonProperty("checkpoints") long checkpoints,
            @JsonProperty("kafka_chains") long kafkaChains) {}

    public String toJson() {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String toHuman() {
        StringBuilder b = new StringBuilder();
        b.append(intact ? "INTACT" : (findingsTotal > 0 ? "TAMPERED" : "NOT COMPLETE"))
                .append(": ")
                .append(counts.chains())
                .append(" chain(s), ")
                .append(counts.documents())
                .append(" document(s), ")
                .append(counts.checkpoints())
                .append(" checkpoint(s) verified");
        if (request.kafka()) {
            b.append(", ").append(counts.kafkaChains()).append(" chain head(s) compared with Kafka");
        }
        b.append(String.format(Locale.ROOT, " in %.1f s", durationMs / 1000.0)).append('\n');
        if (!complete) {
            b.append("incomplete: ").append(incompleteReason).append('\n');
        }
        if (findingsTotal > 0) {
            b.append(findingsTotal).append(" finding(s):\n");
            findings.forEach(f -> b.append("  ").append(f.human()).append('\n'));
            if (findingsTotal > findings.size()) {
                b.append("  ... ").append(findingsTotal - findings.size()).append(" more not listed\n");
            }
        }
        return b.toString();
    }
}
