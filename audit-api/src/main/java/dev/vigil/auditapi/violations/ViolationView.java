package dev.vigil.auditapi.violations;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vigil.schemas.Violation;
import dev.vigil.trail.AuditDocument;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One violation as the API shows it (list, stream, webhooks): the contract's snake_case fields.
 * {@code chain} is the trail record of the change (null on the stream, which reads Kafka before the
 * trail does); {@code change} is the state this change moved to (set on the stream and webhooks).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ViolationView(
        @JsonProperty("violation_id") String violationId,
        @JsonProperty("tenant") String tenant,
        @JsonProperty("control_id") String controlId,
        String scope,
        @JsonProperty("subject_key") String subjectKey,
        String state,
        String severity,
        List<String> requirements,
        @JsonProperty("opened_at") String openedAt,
        @JsonProperty("changed_at") String changedAt,
        String reason,
        int sequence,
        ChainRef chain,
        @JsonInclude(JsonInclude.Include.NON_NULL) String change) {

    public record ChainRef(String id, long seq) {}

    /**
     * Whether the violation is still there: anything but RESOLVED. An accepted risk is an open
     * violation someone decided to live with until the acceptance expires.
     */
    public boolean open() {
        return !"RESOLVED".equals(state);
    }

    public static ViolationView of(Violation v) {
        return new ViolationView(
                v.getId(),
                v.getTenant(),
                v.getControlId(),
                v.getScope(),
                v.getSubjectKey(),
                v.getState().name(),
                v.getSeverity().name(),
                List.copyOf(v.getRequirements()),
                iso(v.getOpenedAt()),
                iso(v.getChangedAt()),
                v.getReason(),
                v.getSequence(),
                null,
                v.getState().name());
    }

    /** From a VIOLATION_CHANGE trail record; null when the record lacks the violation labels. */
    public static ViolationView of(AuditDocument d) {
        Map<String, String> l = d.labels();
        if (l == null || l.get("violation.id") == null || l.get("violation.state") == null) {
            return null;
        }
        String reqs = l.get("violation.requirements");
        int sequence;
        try {
            sequence = Integer.parseInt(l.getOrDefault("violation.sequence", "0"));
        } catch (NumberFormatException e) {
            sequence = 0;
        }
        String state = l.get("violation.state");
        String severity = l.getOrDefault("violation.severity", "UNKNOWN");
        return new ViolationView(
                l.get("violation.id"),
                d.tenant(),
                l.get("violation.control-id"),
                d.scope(),
                l.get("violation.subject-key"),
                state,
                severity,
                reqs == null || reqs.isEmpty() ? List.of() : Arrays.asList(reqs.split(",")),
                l.get("violation.opened-at"),
                d.timestamp(),
                reasonOf(
                        d.message(),
                        state,
                        l.get("violation.control-id"),
                        d.scope(),
                        l.get("violation.subject-key"),
                        severity),
                sequence,
                d.chain() == null
                        ? null
                        : new ChainRef(d.chain().id(), d.chain().seq()),
                null);
    }

    public ViolationView withChange(String change) {
        return new ViolationView(
                violationId,
                tenant,
                controlId,
                scope,
                subjectKey,
                state,
                severity,
                requirements,
                openedAt,
                changedAt,
                reason,
                sequence,
                chain,
                change);
    }

    /**
     * The trail keeps the reason only inside the record's message, after a prefix the streams app
     * builds from the other fields ({@code AuditRecords.violationChange}); strip that prefix.
     */
    static String reasonOf(String message, String state, String control, String scope, String key, String severity) {
        if (message == null) {
            return null;
        }
        String prefix = "Violation " + state.toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + control + " on "
                + scope + " " + key + " (" + severity.toLowerCase(Locale.ROOT) + "): ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
