package dev.vigil.streams;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.VerdictSummary;
import dev.vigil.schemas.Violation;
import dev.vigil.trail.AuditChain;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Turns inputs into audit-record drafts: everything but the chain fields ({@code seq},
 * {@code prevHash}, {@code hash}), which only {@link AuditChainProcessorSupplier} assigns. Pure
 * functions of the input and its position, so a replay after a crash builds the same bytes.
 */
public final class AuditRecords {

    /** Where an input was read from; recorded in the trail so every link points back to its input. */
    public record InputPosition(String topic, int partition, long offset) {}

    /** The position of a record no input caused (a time-based evaluation). */
    public static final InputPosition NO_INPUT = new InputPosition("", -1, -1);

    static final String CONTROLS_SOURCE_TYPE = "vigil.controls";
    static final String CONTROLS_SOURCE = "vigil-streams";

    private static final int SHORT_SHA = 12;

    private AuditRecords() {}

    /** The controls evaluated for one input (or timer), and the catalog version they came from. */
    public record Evaluation(String catalogVersion, List<VerdictSummary> verdicts) {

        public Evaluation {
            verdicts = List.copyOf(verdicts);
        }

        public static Evaluation of(String catalogVersion, List<ControlVerdict> verdicts) {
            return new Evaluation(
                    catalogVersion, verdicts.stream().map(AuditRecords::summary).toList());
        }
    }

    public static AuditRecord draft(PipelineEvent e, InputPosition at, Instant recordedAt, Evaluation evaluation) {
        return base(kindOf(e.getKind()), at, recordedAt, evaluation)
                .setTenant(e.getTenant())
                .setScope(e.getScope())
                .setRecordId(e.getId())
                .setEventType("pipeline." + e.getKind().name())
                .setSourceType(e.getSourceType())
                .setSource(e.getSource())
                .setSourceEventId(e.getSourceEventId())
                .setEventTime(e.getEventTime())
                .setSubject(e.getSubject())
                .setActorId(e.getActor() == null ? null : e.getActor().getId())
                .setSummary(summary(e))
                .setOutcome(e.getOutcome().name())
                .setAttributes(new LinkedHashMap<>(e.getAttributes()))
                .setEvidenceSha256(e.getEvidenceSha256())
                .build();
    }

    /**
     * The record kind of an input event: a risk acceptance, an auditor's access to the trail and an
     * erasure request are inputs like any other, but auditors filter on them by kind.
     */
    static AuditRecordKind kindOf(PipelineEventKind kind) {
        return switch (kind) {
            case RISK_ACCEPTED -> AuditRecordKind.RISK_ACCEPTANCE;
            case TRAIL_ACCESSED -> AuditRecordKind.ACCESS;
            case ERASURE_REQUESTED -> AuditRecordKind.ERASURE;
            default -> AuditRecordKind.INPUT;
        };
    }

    public static AuditRecord draft(ScanResult s, InputPosition at, Instant recordedAt, Evaluation evaluation) {
        return base(AuditRecordKind.INPUT, at, recordedAt, evaluation)
                .setTenant(s.getTenant())
                .setScope(s.getScope())
                .setRecordId(s.getId())
                .setEventType("scan." + s.getCategory().name())
                .setSourceType(s.getFormat().name().toLowerCase(Locale.ROOT) + ":"
                        + s.getTool().getName())
                .setSource(s.getSource())
                .setSourceEventId(s.getSourceEventId())
                .setEventTime(s.getScannedAt())
                .setSubject(s.getSubject())
                .setActorId(s.getActor() == null ? null : s.getActor().getId())
                .setSummary(summary(s))
                // A failed or partial scan run is not evidence that the code was scanned.
                .setOutcome(s.getComplete() ? Outcome.SUCCESS.name() : Outcome.FAILURE.name())
                .setAttributes(scanAttributes(s))
                .setEvidenceSha256(s.getEvidenceSha256())
                .build();
    }

    /**
     * One violation lifecycle change, chained right after the record of what caused it: it points
     * at the same input position ({@link #NO_INPUT} for a timer) and carries no verdicts of its own.
     */
    public static AuditRecord violationChange(Violation v, Subject subject, InputPosition cause, Instant recordedAt) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("violation.id", v.getId());
        attributes.put("violation.control-id", v.getControlId());
        attributes.put("violation.subject-key", v.getSubjectKey());
        attributes.put("violation.state", v.getState().name());
        attributes.put("violation.sequence", Integer.toString(v.getSequence()));
        attributes.put("violation.severity", v.getSeverity().name());
        attributes.put("violation.opened-at", v.getOpenedAt().toString());
        if (!v.getRequirements().isEmpty()) {
            attributes.put("violation.requirements", String.join(",", v.getRequirements()));
        }
        if (v.getVerdictId() != null) {
            attributes.put("violation.verdict-id", v.getVerdictId());
        }
        return base(
                        AuditRecordKind.VIOLATION_CHANGE,
                        cause,
                        recordedAt,
                        new Evaluation(v.getCatalogVersion(), List.of()))
                .setTenant(v.getTenant())
                .setScope(v.getScope())
                // One violation changes state many times: the sequence makes each change's id unique.
                .setRecordId(v.getId() + "#" + v.getSequence())
                .setEventType("violation." + v.getState().name())
                .setSourceType(CONTROLS_SOURCE_TYPE)
                .setSource(CONTROLS_SOURCE)
                .setSourceEventId(v.getVerdictId() == null ? v.getId() : v.getVerdictId())
                .setEventTime(v.getChangedAt())
                .setSubject(subject == null ? Subject.newBuilder().build() : subject)
                .setSummary("Violation "
                        + v.getState().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": "
                        + v.getControlId() + " on " + v.getScope() + " " + v.getSubjectKey() + " ("
                        + v.getSeverity().name().toLowerCase(Locale.ROOT) + "): " + v.getReason())
                .setOutcome(v.getState().name())
                .setAttributes(attributes)
                .build();
    }

    /** A time-based evaluation of one subject that produced verdicts or violation changes. */
    public static AuditRecord timerEvaluation(
            String tenant, String scope, Instant at, Evaluation evaluation, int violationChanges) {
        String id = "timer:" + tenant + "/" + scope + "@" + at.toEpochMilli();
        long failed = evaluation.verdicts().stream()
                .filter(v -> v.getVerdict() == VerdictResult.FAIL)
                .count();
        return base(AuditRecordKind.EVALUATION, NO_INPUT, at, evaluation)
                .setTenant(tenant)
                .setScope(scope)
                .setRecordId(id)
                .setEventType("evaluation.TIMER")
                .setSourceType(CONTROLS_SOURCE_TYPE)
                .setSource(CONTROLS_SOURCE)
                .setSourceEventId(id)
                .setEventTime(at.truncatedTo(ChronoUnit.MICROS))
                .setSubject(Subject.newBuilder().build())
                .setSummary("Time-based evaluation: " + scope + ", "
                        + evaluation.verdicts().size()
                        + (evaluation.verdicts().size() == 1 ? " verdict" : " verdicts") + " (" + failed + " failed), "
                        + violationChanges + (violationChanges == 1 ? " violation change" : " violation changes"))
                .setAttributes(Map.of())
                .build();
    }

    static VerdictSummary summary(ControlVerdict v) {
        return VerdictSummary.newBuilder()
                .setControlId(v.getControlId())
                .setVerdict(v.getVerdict())
                .setSeverity(v.getSeverity())
                .setRequirements(List.copyOf(v.getRequirements()))
                .setReason(v.getReason())
                .build();
    }

    private static AuditRecord.Builder base(
            AuditRecordKind kind, InputPosition at, Instant recordedAt, Evaluation evaluation) {
        return AuditRecord.newBuilder()
                .setKind(kind)
                // The trail stores milliseconds; truncating here keeps the in-memory record equal to its bytes.
                .setRecordedAt(recordedAt.truncatedTo(ChronoUnit.MILLIS))
                .setVerdicts(List.copyOf(evaluation.verdicts()))
                .setCatalogVersion(evaluation.catalogVersion())
                .setInputTopic(at.topic())
                .setInputPartition(at.partition())
                .setInputOffset(at.offset())
                .setCanonicalVersion(AuditChain.CANONICAL_VERSION)
                // Placeholders: the chain processor assigns the link before anything is written.
                .setSeq(0)
                .setPrevHash("")
                .setHash("");
    }

    static String summary(PipelineEvent e) {
        StringBuilder line = new StringBuilder(humanize(e.getKind().name()))
                .append(": ")
                .append(e.getScope())
                .append(subjectText(e.getSubject()));
        if (e.getOutcome() != Outcome.UNKNOWN) {
            line.append(" (")
                    .append(e.getOutcome().name().toLowerCase(Locale.ROOT))
                    .append(')');
        }
        return line.toString();
    }

    static String summary(ScanResult s) {
        StringBuilder line = new StringBuilder(s.getCategory().name())
                .append(" scan by ")
                .append(s.getTool().getName());
        if (s.getTool().getVersion() != null) {
            line.append(' ').append(s.getTool().getVersion());
        }
        line.append(": ").append(s.getScope()).append(subjectText(s.getSubject()));
        if (s.getPartCount() > 1) {
            line.append(", part ").append(s.getPart()).append('/').append(s.getPartCount());
        }
        line.append(", ").append(s.getFindingCount()).append(s.getFindingCount() == 1 ? " finding" : " findings");
        String bySeverity = severityCounts(s.getFindings());
        if (!bySeverity.isEmpty()) {
            line.append(" (").append(bySeverity).append(')');
        }
        if (!s.getComplete()) {
            line.append(", incomplete run");
        }
        return line.toString();
    }

    private static Map<String, String> scanAttributes(ScanResult s) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("tool_name", s.getTool().getName());
        if (s.getTool().getVersion() != null) {
            attributes.put("tool_version", s.getTool().getVersion());
        }
        attributes.put("format", s.getFormat().name());
        attributes.put("complete", Boolean.toString(s.getComplete()));
        attributes.put("part", Integer.toString(s.getPart()));
        attributes.put("part_count", Integer.toString(s.getPartCount()));
        attributes.put("finding_count", Integer.toString(s.getFindingCount()));
        counts(s.getFindings())
                .forEach((severity, n) ->
                        attributes.put("findings_" + severity.name().toLowerCase(Locale.ROOT), Integer.toString(n)));
        return attributes;
    }

    private static String subjectText(Subject subject) {
        if (subject == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        if (subject.getService() != null) {
            text.append(" service ").append(subject.getService());
        }
        if (subject.getChangeId() != null) {
            text.append(" change ").append(subject.getChangeId());
        }
        if (subject.getCommitSha() != null) {
            String sha = subject.getCommitSha();
            text.append(" commit ").append(sha, 0, Math.min(SHORT_SHA, sha.length()));
        }
        if (subject.getBranch() != null) {
            text.append(" on ").append(subject.getBranch());
        }
        if (subject.getArtifactName() != null) {
            text.append(" artifact ").append(subject.getArtifactName());
        } else if (subject.getArtifactDigest() != null) {
            text.append(" artifact ").append(subject.getArtifactDigest());
        }
        if (subject.getEnvironment() != null) {
            text.append(" to ").append(subject.getEnvironment());
        }
        return text.toString();
    }

    private static String severityCounts(List<Finding> findings) {
        StringJoiner joiner = new StringJoiner(", ");
        counts(findings)
                .forEach((severity, n) -> joiner.add(n + " " + severity.name().toLowerCase(Locale.ROOT)));
        return joiner.toString();
    }

    /** Counts per severity, most severe first. */
    private static Map<Severity, Integer> counts(List<Finding> findings) {
        Map<Severity, Integer> ascending = new EnumMap<>(Severity.class);
        for (Finding f : findings) {
            ascending.merge(f.getSeverity(), 1, Integer::sum);
        }
        Map<Severity, Integer> descending = new LinkedHashMap<>();
        Severity[] all = Severity.values();
        for (int i = all.length - 1; i >= 0; i--) {
            Integer n = ascending.get(all[i]);
            if (n != null) {
                descending.put(all[i], n);
            }
        }
        return descending;
    }

    private static String humanize(String enumName) {
        String words = enumName.toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
