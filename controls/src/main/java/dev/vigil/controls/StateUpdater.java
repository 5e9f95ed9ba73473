package dev.vigil.controls;

import static dev.vigil.controls.Facets.*;

import dev.vigil.controls.facts.*;
import dev.vigil.controls.state.SubjectState;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.ScanResult;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Folds inputs into the subject's facets. The controls read the facets; nothing here judges. */
final class StateUpdater {

    private static final int MAX_RUNS_PER_COMMIT = 20;
    private static final int MAX_INPUT_IDS = 10;
    private static final Set<String> CLOSED_STATES = Set.of("NOT_AFFECTED", "RESOLVED", "FALSE_POSITIVE");

    private StateUpdater() {}

    static String attr(PipelineEvent e, String key) {
        String v = e.getAttributes().get(key);
        return v == null ? "" : v.trim();
    }

    static boolean isDeploy(PipelineEvent e) {
        return switch (e.getKind()) {
            case SERVICE_DEPLOYED, SERVICE_UPGRADED, SERVICE_ROLLED_BACK -> true;
            default -> false;
        };
    }

    /**
     * A deployment that happened. CDEvents service.deployed carries no outcome, so there UNKNOWN
     * counts; webhook formats state one (GitHub's "inactive", a superseded deployment, maps to
     * UNKNOWN and is not a new deployment).
     */
    static boolean deploySucceeded(PipelineEvent e) {
        return e.getOutcome() == Outcome.SUCCESS
                || (e.getOutcome() == Outcome.UNKNOWN
                        && switch (e.getFormat()) {
                            case GITHUB, GITLAB, JENKINS -> false;
                            default -> true;
                        });
    }

    static String deployId(PipelineEvent e) {
        String id = attr(e, Attributes.DEPLOY_ID);
        return id.isEmpty() ? e.getId() : id;
    }

    static String actor(PipelineEvent e) {
        return e.getActor() == null ? null : e.getActor().getId();
    }

    static Instant instant(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(s.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static List<String> list(String csv) {
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        return Arrays.stream(csv.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static List<String> addId(List<String> ids, String id) {
        List<String> out = new ArrayList<>(ids);
        if (!out.contains(id)) {
            out.add(id);
        }
        return out.size() > MAX_INPUT_IDS ? out.subList(out.size() - MAX_INPUT_IDS, out.size()) : out;
    }

    private static String nz(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static <T> T or(T a, T b) {
        return a != null ? a : b;
    }

    // ------------------------------------------------------------------ events

    static void onEvent(PipelineEvent e, SubjectState state, Map<String, Object> defaults) {
        var s = e.getSubject();
        Instant at = e.getEventTime();
        switch (e.getKind()) {
            case CHANGE_CREATED, CHANGE_UPDATED, CHANGE_REVIEWED, CHANGE_MERGED -> onChange(e, state);
            case BRANCH_PUSHED -> {
                String after = or(nz(attr(e, Attributes.PUSH_AFTER)), s.getCommitSha());
                if ("true".equals(attr(e, Attributes.PUSH_DEFAULT_BRANCH)) && after != null) {
                    CommitFact c = state.get(COMMITS, after).orElse(CommitFact.empty(after));
                    state.put(
                            COMMITS,
                            after,
                            new CommitFact(
                                    c.sha(),
                                    c.changeId(),
                                    or(c.branch(), s.getBranch()),
                                    c.mergedAt(),
                                    c.mergedBy(),
                                    at,
                                    actor(e),
                                    true,
                                    c.forcedPush() || "true".equals(attr(e, Attributes.PUSH_FORCED)),
                                    c.runs(),
                                    c.scans(),
                                    addId(c.inputIds(), e.getId())));
                }
            }
            case PIPELINE_RUN_FINISHED, TASK_RUN_FINISHED, TEST_SUITE_FINISHED, BUILD_FINISHED -> {
                if (s.getCommitSha() != null) {
                    CommitFact c = state.get(COMMITS, s.getCommitSha()).orElse(CommitFact.empty(s.getCommitSha()));
                    List<RunFact> runs = new ArrayList<>(c.runs());
                    String name = or(nz(attr(e, Attributes.TEST_SUITE)), nz(attr(e, Attributes.PIPELINE_NAME)));
                    runs.add(new RunFact(
                            e.getId(),
                            e.getKind().name(),
                            name,
                            e.getOutcome().name(),
                            or(instant(attr(e, Attributes.PIPELINE_FINISHED_AT)), at)));
                    if (runs.size() > MAX_RUNS_PER_COMMIT) {
                        runs = runs.subList(runs.size() - MAX_RUNS_PER_COMMIT, runs.size());
                    }
                    state.put(
                            COMMITS,
                            c.sha(),
                            new CommitFact(
                                    c.sha(),
                                    c.changeId(),
                                    or(c.branch(), s.getBranch()),
                                    c.mergedAt(),
                                    c.mergedBy(),
                                    c.pushedAt(),
                                    c.pushedBy(),
                                    c.pushedToDefault(),
                                    c.forcedPush(),
                                    runs,
                                    c.scans(),
                                    addId(c.inputIds(), e.getId())));
                }
                if (e.getKind().name().equals("BUILD_FINISHED")) {
                    onArtifact(e, state);
                }
            }
            case ARTIFACT_PACKAGED, ARTIFACT_PUBLISHED, ARTIFACT_SIGNED -> onArtifact(e, state);
            case SERVICE_DEPLOYED, SERVICE_UPGRADED, SERVICE_ROLLED_BACK -> onDeploy(e, state, defaults);
            case SERVICE_REMOVED -> {
                if (s.getEnvironment() != null) {
                    state.delete(DEPLOYMENTS, s.getEnvironment());
                }
            }
            case APPROVAL_DECIDED -> {
                String target = or(nz(attr(e, Attributes.APPROVAL_TARGET)), s.getPipelineRunId());
                if (target != null) {
                    state.put(
                            APPROVALS,
                            target,
                            new ApprovalFact(target, actor(e), attr(e, Attributes.APPROVAL_DECISION), at, e.getId()));
                }
            }
            case INCIDENT_DETECTED, INCIDENT_REPORTED, INCIDENT_RESOLVED -> onIncident(e, state);
            case TICKET_CREATED, TICKET_UPDATED, TICKET_CLOSED -> onTicket(e, state);
            default -> {}
        }
    }

    private static void onChange(PipelineEvent e, SubjectState state) {
        var s = e.getSubject();
        String changeId = s.getChangeId();
        if (changeId == null) {
            return;
        }
        ChangeFact c = state.get(CHANGES, changeId).orElse(ChangeFact.empty(changeId));
        String author = or(nz(attr(e, Attributes.CHANGE_AUTHOR)), c.author());
        if (author == null && e.getKind().name().equals("CHANGE_CREATED")) {
            author = actor(e);
        }
        boolean merged = e.getKind().name().equals("CHANGE_MERGED");
        String head =
                or(nz(attr(e, Attributes.CHANGE_HEAD_SHA)), merged ? c.headSha() : or(s.getCommitSha(), c.headSha()));
        if (e.getKind().name().equals("CHANGE_REVIEWED")) {
            head = or(nz(attr(e, Attributes.CHANGE_HEAD_SHA)), c.headSha());
        }
        String mergeSha = merged ? or(nz(attr(e, Attributes.CHANGE_MERGE_SHA)), s.getCommitSha()) : c.mergeSha();
        Map<String, ReviewFact> reviews = new LinkedHashMap<>(c.reviews());
        String reviewState = attr(e, Attributes.REVIEW_STATE).toLowerCase(Locale.ROOT);
        // A comment after an approval does not withdraw it (GitHub keeps the approval until it is
        // dismissed or changes are requested), so a plain comment never replaces a review.
        boolean replaces = !reviewState.equals("commented") || !c.reviews().containsKey(String.valueOf(actor(e)));
        if (e.getKind().name().equals("CHANGE_REVIEWED") && actor(e) != null && replaces) {
            reviews.put(
                    actor(e),
                    new ReviewFact(
                            actor(e),
                            attr(e, Attributes.REVIEW_STATE).toLowerCase(Locale.ROOT),
                            or(nz(attr(e, Attributes.REVIEW_COMMIT_SHA)), s.getCommitSha()),
                            e.getEventTime(),
                            e.getId()));
        }
        String target = or(nz(attr(e, Attributes.CHANGE_TARGET_BRANCH)), or(c.targetBranch(), s.getBranch()));
        String mergedBy = merged ? or(nz(attr(e, Attributes.CHANGE_MERGED_BY)), actor(e)) : c.mergedBy();
        String labels = or(nz(attr(e, Attributes.CHANGE_LABELS)), c.labels());
        state.put(
                CHANGES,
                changeId,
                new ChangeFact(
                        changeId,
                        author,
                        head,
                        mergeSha,
                        target,
                        mergedBy,
                        labels,
                        reviews,
                        addId(c.inputIds(), e.getId())));
        if (merged && mergeSha != null) {
            CommitFact cm = state.get(COMMITS, mergeSha).orElse(CommitFact.empty(mergeSha));
            state.put(
                    COMMITS,
                    mergeSha,
                    new CommitFact(
                            cm.sha(),
                            changeId,
                            target,
                            e.getEventTime(),
                            mergedBy,
                            cm.pushedAt(),
                            cm.pushedBy(),
                            cm.pushedToDefault(),
                            cm.forcedPush(),
                            cm.runs(),
                            cm.scans(),
                            addId(cm.inputIds(), e.getId())));
        }
        // A retrospective approval of an emergency change's commit is its follow-up (CM-07).
        if (e.getKind().name().equals("CHANGE_REVIEWED")
                && "approved".equalsIgnoreCase(attr(e, Attributes.REVIEW_STATE))) {
            String sha = or(nz(attr(e, Attributes.REVIEW_COMMIT_SHA)), s.getCommitSha());
            for (var entry : state.entries(EMERGENCIES)) {
                EmergencyFact em = entry.getValue();
                if (em.followUpAt() == null
                        && sha != null
                        && sha.equals(em.sha())
                        && !java.util.Objects.equals(actor(e), em.deployer())) {
                    state.put(
                            EMERGENCIES,
                            entry.getKey(),
                            new EmergencyFact(
                                    em.deployId(),
                                    em.environment(),
                                    em.sha(),
                                    em.deployer(),
                                    em.at(),
                                    e.getEventTime(),
                                    e.getId(),
                                    em.inputId()));
                }
            }
        }
    }

    private static void onArtifact(PipelineEvent e, SubjectState state) {
        var s = e.getSubject();
        String digest = s.getArtifactDigest();
        if (digest == null) {
            return;
        }
        ArtifactFact a = state.get(ARTIFACTS, digest).orElse(ArtifactFact.empty(digest));
        boolean build = e.getKind().name().equals("BUILD_FINISHED");
        boolean signedNow =
                e.getKind().name().equals("ARTIFACT_SIGNED") || "true".equals(attr(e, Attributes.ARTIFACT_SIGNED));
        state.put(
                ARTIFACTS,
                digest,
                new ArtifactFact(
                        digest,
                        or(s.getArtifactName(), a.name()),
                        build || a.buildSha() == null ? or(s.getCommitSha(), a.buildSha()) : a.buildSha(),
                        build || a.buildBranch() == null ? or(s.getBranch(), a.buildBranch()) : a.buildBranch(),
                        build ? e.getOutcome().name() : a.buildOutcome(),
                        build ? or(s.getPipelineRunId(), a.buildRunId()) : a.buildRunId(),
                        build ? e.getEventTime() : a.builtAt(),
                        a.signed() || signedNow,
                        or(nz(attr(e, Attributes.ARTIFACT_SIGNER)), a.signer()),
                        signedNow && a.signedAt() == null ? e.getEventTime() : a.signedAt(),
                        or(nz(attr(e, Attributes.ARTIFACT_SBOM_URI)), a.sbomUri()),
                        or(nz(attr(e, Attributes.PROVENANCE_BUILDER_ID)), a.provenanceBuilder()),
                        or(nz(attr(e, Attributes.PROVENANCE_SOURCE_REPO)), a.provenanceRepo()),
                        or(nz(attr(e, Attributes.PROVENANCE_SOURCE_SHA)), a.provenanceSha()),
                        a.scans(),
                        addId(a.inputIds(), e.getId())));
    }

    @SuppressWarnings("unchecked")
    static boolean production(PipelineEvent e, Map<String, Object> defaults) {
        String tier = attr(e, Attributes.DEPLOY_TIER).toLowerCase(Locale.ROOT);
        if (!tier.isEmpty()) {
            return tier.equals("production");
        }
        String env = e.getSubject().getEnvironment();
        Object prodEnvs = defaults.get("productionEnvironments");
        return env != null
                && prodEnvs instanceof List<?> l
                && ((List<Object>) l).contains(env.toLowerCase(Locale.ROOT));
    }

    private static void onDeploy(PipelineEvent e, SubjectState state, Map<String, Object> defaults) {
        var s = e.getSubject();
        if (s.getEnvironment() == null || !deploySucceeded(e)) {
            return;
        }
        boolean prod = production(e, defaults);
        boolean emergency = "true".equals(attr(e, Attributes.DEPLOY_EMERGENCY));
        String id = deployId(e);
        state.put(
                DEPLOYMENTS,
                s.getEnvironment(),
                new DeploymentFact(
                        s.getEnvironment(),
                        attr(e, Attributes.DEPLOY_TIER),
                        prod,
                        id,
                        s.getArtifactDigest(),
                        s.getCommitSha(),
                        e.getEventTime(),
                        emergency,
                        actor(e),
                        e.getId(),
                        e.getEvidenceSha256()));
        if (emergency && state.get(EMERGENCIES, id).isEmpty()) {
            state.put(
                    EMERGENCIES,
                    id,
                    new EmergencyFact(
                            id,
                            s.getEnvironment(),
                            s.getCommitSha(),
                            actor(e),
                            e.getEventTime(),
                            null,
                            null,
                            e.getId()));
        }
    }

    private static String incidentId(PipelineEvent e) {
        String id = attr(e, Attributes.INCIDENT_ID);
        return id.isEmpty() ? e.getSourceEventId() : id;
    }

    private static void onIncident(PipelineEvent e, SubjectState state) {
        String id = incidentId(e);
        IncidentFact i = state.get(INCIDENTS, id).orElse(null);
        boolean breach = "true".equals(attr(e, Attributes.INCIDENT_PERSONAL_DATA_BREACH))
                || (i != null && i.personalDataBreach());
        Instant detected = i == null ? e.getEventTime() : i.detectedAt();
        Instant aware = or(instant(attr(e, Attributes.INCIDENT_AWARE_AT)), i == null ? null : i.awareAt());
        if (breach && aware == null) {
            aware = detected;
        }
        state.put(
                INCIDENTS,
                id,
                new IncidentFact(
                        id,
                        or(nz(attr(e, Attributes.INCIDENT_SEVERITY)), i == null ? null : i.severity()),
                        detected,
                        e.getKind().name().equals("INCIDENT_RESOLVED")
                                ? e.getEventTime()
                                : i == null ? null : i.resolvedAt(),
                        breach,
                        aware,
                        or(instant(attr(e, Attributes.INCIDENT_NOTIFIED_AT)), i == null ? null : i.notifiedAt()),
                        or(
                                nz(attr(e, Attributes.INCIDENT_NOTIFICATION_DELAY_REASON)),
                                i == null ? null : i.delayReason()),
                        or(nz(attr(e, Attributes.INCIDENT_POSTMORTEM_URL)), i == null ? null : i.postmortemRef()),
                        e.getId()));
    }

    private static void onTicket(PipelineEvent e, SubjectState state) {
        List<String> refs = list(attr(e, Attributes.TICKET_REFERS_TO));
        String ticket = or(nz(attr(e, Attributes.TICKET_URL)), or(nz(attr(e, Attributes.TICKET_ID)), e.getId()));
        List<String> labels = list(attr(e, Attributes.TICKET_LABELS).toLowerCase(Locale.ROOT));
        boolean closed = e.getKind().name().equals("TICKET_CLOSED");
        for (String ref : refs) {
            state.get(ALERTS, ref).ifPresent(a -> {
                if (a.ackAt() == null) {
                    state.put(
                            ALERTS,
                            ref,
                            new AlertFact(
                                    a.fingerprint(),
                                    a.ruleId(),
                                    a.level(),
                                    a.at(),
                                    e.getEventTime(),
                                    ticket,
                                    a.scanId(),
                                    a.agent()));
                }
            });
            state.get(INCIDENTS, ref).ifPresent(i -> {
                if (closed && labels.contains("postmortem") && i.postmortemRef() == null) {
                    state.put(
                            INCIDENTS,
                            ref,
                            new IncidentFact(
                                    i.incidentId(),
                                    i.severity(),
                                    i.detectedAt(),
                                    i.resolvedAt(),
                                    i.personalDataBreach(),
                                    i.awareAt(),
                                    i.notifiedAt(),
                                    i.delayReason(),
                                    ticket,
                                    i.inputId()));
                }
            });
            if (closed) {
                for (var entry : state.entries(EMERGENCIES)) {
                    EmergencyFact em = entry.getValue();
                    if (em.followUpAt() == null && (ref.equals(em.deployId()) || ref.equals(em.sha()))) {
                        state.put(
                                EMERGENCIES,
                                entry.getKey(),
                                new EmergencyFact(
                                        em.deployId(),
                                        em.environment(),
                                        em.sha(),
                                        em.deployer(),
                                        em.at(),
                                        e.getEventTime(),
                                        ticket,
                                        em.inputId()));
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ scans

    /** The complete scan (all parts) once its last part arrived, else null. */
    static ScanView onScan(ScanResult scan, SubjectState state, Instant now) {
        String key = scan.getCategory() + "|" + scan.getSourceEventId();
        List<CompactFinding> findings = new ArrayList<>();
        scan.getFindings().forEach(f -> findings.add(compact(f)));
        int partCount = Math.max(1, scan.getPartCount());
        List<String> scanIds = List.of(scan.getId());
        if (partCount > 1) {
            ScanPartsFact parts = state.get(SCAN_PARTS, key)
                    .orElse(new ScanPartsFact(key, partCount, List.of(), List.of(), List.of()));
            if (parts.parts().contains(scan.getPart())) {
                return null; // a redelivered part changes nothing
            }
            TreeSet<Integer> got = new TreeSet<>(parts.parts());
            got.add(scan.getPart());
            List<CompactFinding> all = new ArrayList<>(parts.findings());
            all.addAll(findings);
            List<String> ids = new ArrayList<>(parts.scanIds());
            ids.add(scan.getId());
            if (got.size() < partCount) {
                state.put(SCAN_PARTS, key, new ScanPartsFact(key, partCount, new ArrayList<>(got), ids, all));
                return null;
            }
            state.delete(SCAN_PARTS, key);
            findings.clear();
            findings.addAll(all);
            scanIds = ids;
        }
        ScanView view = new ScanView(scan, findings, scanIds);
        record(view, state, now);
        return view;
    }

    /** A whole scan: the record of its last part and the findings of every part. */
    record ScanView(ScanResult scan, List<CompactFinding> findings, List<String> partIds) {}

    private static CompactFinding compact(Finding f) {
        Map<String, String> a = f.getAttributes();
        int level = 0;
        try {
            level = Integer.parseInt(
                    a.getOrDefault(Attributes.IDS_RULE_LEVEL, "0").trim());
        } catch (NumberFormatException ignored) {
            // an unreadable level is level 0: not a high alert, never a crash
        }
        boolean fix = "true".equals(a.get(Attributes.FINDING_FIX_AVAILABLE))
                || (f.getFixedVersion() != null && !f.getFixedVersion().isBlank());
        return new CompactFinding(
                f.getFingerprint(),
                f.getRuleId(),
                f.getSeverity().name(),
                f.getState().name(),
                fix,
                a.getOrDefault(Attributes.FINDING_STATUS, "").toUpperCase(Locale.ROOT),
                f.getLocation(),
                a.getOrDefault(Attributes.SUPPRESSION_APPROVER, ""),
                a.getOrDefault(Attributes.SUPPRESSION_EXPIRES_AT, ""),
                a.getOrDefault(Attributes.SUPPRESSION_JUSTIFICATION, ""),
                a.getOrDefault(Attributes.VEX_STATE, "").toLowerCase(Locale.ROOT),
                level,
                a.getOrDefault(Attributes.IDS_AGENT, ""));
    }

    /** Counts toward "open": not suppressed, not closed by VEX/state, and not an IaC check that passed. */
    static boolean open(CompactFinding f) {
        return (f.state().equals("OPEN") || f.state().equals("UNKNOWN"))
                && !CLOSED_STATES.contains(f.vexState().toUpperCase(Locale.ROOT))
                && !f.status().equals("PASS");
    }

    static boolean closedByVex(CompactFinding f) {
        return CLOSED_STATES.contains(f.state())
                || CLOSED_STATES.contains(f.vexState().toUpperCase(Locale.ROOT));
    }

    static ScanSummary summary(ScanView v) {
        Map<String, Integer> open = new HashMap<>();
        for (dev.vigil.schemas.Severity sev : dev.vigil.schemas.Severity.values()) {
            open.put(sev.name(), 0);
        }
        int fixableCritical = 0;
        for (CompactFinding f : v.findings()) {
            if (open(f)) {
                open.merge(f.severity(), 1, Integer::sum);
                if (f.severity().equals("CRITICAL") && f.fixAvailable()) {
                    fixableCritical++;
                }
            }
        }
        ScanResult s = v.scan();
        return new ScanSummary(
                s.getId(),
                s.getSourceEventId(),
                s.getCategory().name(),
                s.getTool().getName(),
                s.getFormat().name(),
                s.getScannedAt(),
                s.getComplete(),
                open,
                fixableCritical,
                v.findings().size(),
                s.getEvidenceSha256());
    }

    private static void record(ScanView v, SubjectState state, Instant now) {
        ScanResult s = v.scan();
        ScanSummary summary = summary(v);
        String category = s.getCategory().name();
        var subj = s.getSubject();
        if (subj.getCommitSha() != null) {
            CommitFact c = state.get(COMMITS, subj.getCommitSha()).orElse(CommitFact.empty(subj.getCommitSha()));
            Map<String, ScanSummary> scans = new HashMap<>(c.scans());
            scans.put(category, summary);
            state.put(
                    COMMITS,
                    c.sha(),
                    new CommitFact(
                            c.sha(),
                            c.changeId(),
                            or(c.branch(), subj.getBranch()),
                            c.mergedAt(),
                            c.mergedBy(),
                            c.pushedAt(),
                            c.pushedBy(),
                            c.pushedToDefault(),
                            c.forcedPush(),
                            c.runs(),
                            scans,
                            addId(c.inputIds(), s.getId())));
        }
        if (subj.getArtifactDigest() != null) {
            ArtifactFact a =
                    state.get(ARTIFACTS, subj.getArtifactDigest()).orElse(ArtifactFact.empty(subj.getArtifactDigest()));
            Map<String, ScanSummary> scans = new HashMap<>(a.scans());
            scans.put(category, summary);
            state.put(
                    ARTIFACTS,
                    a.digest(),
                    new ArtifactFact(
                            a.digest(),
                            or(a.name(), subj.getArtifactName()),
                            a.buildSha(),
                            a.buildBranch(),
                            a.buildOutcome(),
                            a.buildRunId(),
                            a.builtAt(),
                            a.signed(),
                            a.signer(),
                            a.signedAt(),
                            a.sbomUri(),
                            a.provenanceBuilder(),
                            a.provenanceRepo(),
                            a.provenanceSha(),
                            scans,
                            addId(a.inputIds(), s.getId())));
        }
        if (s.getCategory() == ScanCategory.IDS) {
            for (CompactFinding f : v.findings()) {
                if (state.get(ALERTS, f.fingerprint()).isEmpty()) {
                    state.put(
                            ALERTS,
                            f.fingerprint(),
                            new AlertFact(
                                    f.fingerprint(),
                                    f.ruleId(),
                                    f.level(),
                                    s.getScannedAt(),
                                    null,
                                    null,
                                    s.getId(),
                                    f.agent()));
                }
            }
            return;
        }
        Set<String> seen = new java.util.HashSet<>();
        for (CompactFinding f : v.findings()) {
            seen.add(f.fingerprint());
            FindingFact old = state.get(FINDINGS, f.fingerprint()).orElse(null);
            boolean closes = closedByVex(f) || f.status().equals("PASS");
            Instant suppressedUntil =
                    f.state().equals("SUPPRESSED") && !f.suppressionApprover().isEmpty()
                            ? instant(f.suppressionExpiresAt())
                            : null;
            if (old == null && closes) {
                continue; // never open, nothing to track
            }
            boolean reopened = old != null && old.closedAt() != null && !closes;
            state.put(
                    FINDINGS,
                    f.fingerprint(),
                    new FindingFact(
                            f.fingerprint(),
                            category,
                            f.ruleId(),
                            f.severity(),
                            f.location(),
                            old == null || reopened ? s.getScannedAt() : old.firstSeen(),
                            s.getScannedAt(),
                            closes ? (old != null && old.closedAt() != null ? old.closedAt() : s.getScannedAt()) : null,
                            closes ? s.getId() : null,
                            suppressedUntil,
                            old == null || reopened ? s.getId() : old.firstScanId(),
                            s.getId()));
        }
        // A later complete scan of the same category that no longer reports a finding closes it.
        if (s.getComplete()) {
            for (var entry : state.entries(FINDINGS)) {
                FindingFact f = entry.getValue();
                if (f.category().equals(category)
                        && f.closedAt() == null
                        && !seen.contains(f.fingerprint())
                        && s.getScannedAt().isAfter(f.lastSeen())) {
                    state.put(
                            FINDINGS,
                            entry.getKey(),
                            new FindingFact(
                                    f.fingerprint(),
                                    f.category(),
                                    f.ruleId(),
                                    f.severity(),
                                    f.location(),
                                    f.firstSeen(),
                                    f.lastSeen(),
                                    s.getScannedAt(),
                                    s.getId(),
                                    f.suppressedUntil(),
                                    f.firstScanId(),
                                    f.lastScanId()));
                }
            }
        }
    }
}
