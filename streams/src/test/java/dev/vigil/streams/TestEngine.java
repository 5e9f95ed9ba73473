package dev.vigil.streams;

import dev.vigil.controls.ControlEngine;
import dev.vigil.controls.EngineResult;
import dev.vigil.controls.state.Facet;
import dev.vigil.controls.state.SubjectState;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.ViolationState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small engine for the topology tests (the real one lives in the controls module), with one
 * facet and two rules:
 *
 * <ul>
 *   <li>{@value #REVIEW}: a merged change passes if {@code review_state=approved} by a reviewer
 *       who is not the actor; a FAIL opens a violation on {@code commit:<sha>}, a later PASS for
 *       the same commit resolves it.
 *   <li>{@value #SAST_SLA} (time-based): a merged commit needs a SAST scan within
 *       {@link #SAST_DEADLINE}; {@code onTime} fails it and opens a violation when the deadline
 *       passes, a later scan passes and resolves it.
 * </ul>
 *
 * An event whose id starts with {@value #POISON} writes state and then throws.
 */
public final class TestEngine implements ControlEngine {

    public static final String VERSION = "test-1";
    public static final String REVIEW = "T-REVIEW";
    public static final String SAST_SLA = "T-SAST-SLA";
    public static final String POISON = "poison";
    public static final Duration SAST_DEADLINE = Duration.ofMinutes(10);
    public static final Duration RETENTION = Duration.ofDays(30);
    public static final int MAX_COMMITS = 3;

    public static final Facet<Commit> COMMITS = new Facet<>("commits", Commit.class, RETENTION, MAX_COMMITS);

    /** What the rules remember of one commit. Null times: not yet. */
    public record Commit(
            String sha,
            Instant mergedAt,
            boolean scanned,
            Instant reviewOpenedAt,
            int reviewChanges,
            Instant slaOpenedAt,
            int slaChanges) {

        Commit withMerged(Instant at) {
            return new Commit(
                    sha,
                    mergedAt == null ? at : mergedAt,
                    scanned,
                    reviewOpenedAt,
                    reviewChanges,
                    slaOpenedAt,
                    slaChanges);
        }

        Commit withScanned() {
            return new Commit(sha, mergedAt, true, reviewOpenedAt, reviewChanges, slaOpenedAt, slaChanges);
        }

        Commit withReview(Instant openedAt) {
            return new Commit(sha, mergedAt, scanned, openedAt, reviewChanges + 1, slaOpenedAt, slaChanges);
        }

        Commit withSla(Instant openedAt) {
            return new Commit(sha, mergedAt, scanned, reviewOpenedAt, reviewChanges, openedAt, slaChanges + 1);
        }
    }

    private volatile boolean failTimers;

    /** From now on {@code onTime} throws (after writing state), until called with false. */
    public void failTimers(boolean fail) {
        this.failTimers = fail;
    }

    @Override
    public String catalogVersion() {
        return VERSION;
    }

    @Override
    public List<Facet<?>> facets() {
        return List.of(COMMITS);
    }

    @Override
    public EngineResult onEvent(PipelineEvent event, SubjectState state, Instant now) {
        String sha = event.getSubject() == null ? null : event.getSubject().getCommitSha();
        if (event.getKind() != PipelineEventKind.CHANGE_MERGED || sha == null) {
            return new EngineResult(List.of(), List.of(), nextWakeUp(state));
        }
        Commit commit = state.get(COMMITS, sha)
                .orElse(new Commit(sha, null, false, null, 0, null, 0))
                .withMerged(now);
        if (event.getId().startsWith(POISON)) {
            state.put(COMMITS, sha, commit);
            throw new IllegalStateException("test engine poisoned by " + event.getId());
        }
        Map<String, String> attributes = event.getAttributes();
        String reviewer = attributes.get("reviewer");
        String actor = event.getActor() == null ? null : event.getActor().getId();
        boolean pass = "approved".equals(attributes.get("review_state")) && reviewer != null && !reviewer.equals(actor);
        ControlVerdict verdict = verdict(
                event.getId() + ":" + REVIEW,
                event.getTenant(),
                event.getScope(),
                REVIEW,
                pass ? VerdictResult.PASS : VerdictResult.FAIL,
                pass ? "approved by " + reviewer + ", not the author" : "no independent approval",
                event.getId(),
                event.getSubject(),
                now);
        List<Violation> changes = new ArrayList<>();
        if (!pass && commit.reviewOpenedAt() == null) {
            commit = commit.withReview(now);
            changes.add(
                    violation(state, REVIEW, sha, ViolationState.OPENED, verdict, now, now, commit.reviewChanges()));
        } else if (pass && commit.reviewOpenedAt() != null) {
            Instant opened = commit.reviewOpenedAt();
            commit = commit.withReview(null);
            changes.add(violation(
                    state, REVIEW, sha, ViolationState.RESOLVED, verdict, opened, now, commit.reviewChanges()));
        }
        state.put(COMMITS, sha, commit);
        return new EngineResult(List.of(verdict), changes, nextWakeUp(state));
    }

    @Override
    public EngineResult onScan(ScanResult scan, SubjectState state, Instant now) {
        String sha = scan.getSubject() == null ? null : scan.getSubject().getCommitSha();
        if (scan.getCategory() != ScanCategory.SAST || sha == null) {
            return new EngineResult(List.of(), List.of(), nextWakeUp(state));
        }
        Commit commit = state.get(COMMITS, sha)
                .orElse(new Commit(sha, null, false, null, 0, null, 0))
                .withScanned();
        List<ControlVerdict> verdicts = new ArrayList<>();
        List<Violation> changes = new ArrayList<>();
        if (commit.mergedAt() != null) {
            ControlVerdict verdict = verdict(
                    scan.getId() + ":" + SAST_SLA,
                    scan.getTenant(),
                    scan.getScope(),
                    SAST_SLA,
                    VerdictResult.PASS,
                    "SAST scan " + scan.getId() + " for the merged commit",
                    scan.getId(),
                    scan.getSubject(),
                    now);
            verdicts.add(verdict);
            if (commit.slaOpenedAt() != null) {
                Instant opened = commit.slaOpenedAt();
                commit = commit.withSla(null);
                changes.add(violation(
                        state, SAST_SLA, sha, ViolationState.RESOLVED, verdict, opened, now, commit.slaChanges()));
            }
        }
        state.put(COMMITS, sha, commit);
        return new EngineResult(verdicts, changes, nextWakeUp(state));
    }

    @Override
    public EngineResult onTime(SubjectState state, Instant now) {
        if (failTimers) {
            state.put(COMMITS, "timer-" + now.toEpochMilli(), new Commit("timer", null, true, null, 0, null, 0));
            throw new IllegalStateException("test engine's timers fail");
        }
        List<ControlVerdict> verdicts = new ArrayList<>();
        List<Violation> changes = new ArrayList<>();
        for (Map.Entry<String, Commit> entry : state.entries(COMMITS)) {
            Commit commit = entry.getValue();
            if (overdue(commit, now)) {
                ControlVerdict verdict = verdict(
                        "timer:" + commit.sha() + "@" + now.toEpochMilli() + ":" + SAST_SLA,
                        state.tenant(),
                        state.scope(),
                        SAST_SLA,
                        VerdictResult.FAIL,
                        "no SAST scan within " + SAST_DEADLINE.toMinutes() + " minutes of the merge",
                        "timer:" + now.toEpochMilli(),
                        Subject.newBuilder().setCommitSha(commit.sha()).build(),
                        now);
                verdicts.add(verdict);
                Commit opened = commit.withSla(now);
                changes.add(violation(
                        state, SAST_SLA, commit.sha(), ViolationState.OPENED, verdict, now, now, opened.slaChanges()));
                state.put(COMMITS, commit.sha(), opened);
            }
        }
        return new EngineResult(verdicts, changes, nextWakeUp(state));
    }

    private static boolean overdue(Commit c, Instant now) {
        return c.mergedAt() != null
                && !c.scanned()
                && c.slaOpenedAt() == null
                && !c.mergedAt().plus(SAST_DEADLINE).isAfter(now);
    }

    private static Optional<Instant> nextWakeUp(SubjectState state) {
        return state.entries(COMMITS).stream()
                .map(Map.Entry::getValue)
                .filter(c -> c.mergedAt() != null && !c.scanned() && c.slaOpenedAt() == null)
                .map(c -> c.mergedAt().plus(SAST_DEADLINE))
                .min(Instant::compareTo);
    }

    private static ControlVerdict verdict(
            String id,
            String tenant,
            String scope,
            String controlId,
            VerdictResult result,
            String reason,
            String inputId,
            Subject subject,
            Instant now) {
        return ControlVerdict.newBuilder()
                .setId(id)
                .setTenant(tenant)
                .setScope(scope)
                .setControlId(controlId)
                .setCatalogVersion(VERSION)
                .setVerdict(result)
                .setSeverity(Severity.HIGH)
                .setRequirements(List.of("SOC2:CC8.1"))
                .setReason(reason)
                .setInputId(inputId)
                .setSubject(subject == null ? Subject.newBuilder().build() : subject)
                .setEvidence(List.of(inputId))
                .setEvaluatedAt(now)
                .build();
    }

    private static Violation violation(
            SubjectState state,
            String controlId,
            String sha,
            ViolationState change,
            ControlVerdict verdict,
            Instant openedAt,
            Instant now,
            int sequence) {
        String subjectKey = "commit:" + sha;
        return Violation.newBuilder()
                .setId(state.tenant() + "/" + state.scope() + "/" + controlId + "/" + subjectKey)
                .setTenant(state.tenant())
                .setScope(state.scope())
                .setControlId(controlId)
                .setSubjectKey(subjectKey)
                .setState(change)
                .setSeverity(Severity.HIGH)
                .setRequirements(List.of("SOC2:CC8.1"))
                .setReason(verdict.getReason())
                .setVerdictId(verdict.getId())
                .setCatalogVersion(VERSION)
                .setOpenedAt(openedAt)
                .setChangedAt(now)
                .setSequence(sequence)
                .build();
    }
}
