package dev.vigil.controls;

import static dev.vigil.controls.Facets.*;

import dev.cel.runtime.CelEvaluationException;
import dev.vigil.controls.facts.DeadlineFact;
import dev.vigil.controls.facts.LastResultFact;
import dev.vigil.controls.facts.RiskAcceptanceFact;
import dev.vigil.controls.facts.ViolationFact;
import dev.vigil.controls.state.Facet;
import dev.vigil.controls.state.SubjectState;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.ViolationState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates a {@link ControlCatalog}: folds each input into the subject's facets, then judges every
 * control whose {@code appliesTo} matches, and keeps the violation lifecycle per (control,
 * subjectKey).
 *
 * <p>Emission: a control without {@code forEach} judges the input and always yields its verdict.
 * A per-item control yields an item's verdict only when it differs from the last one emitted for
 * that item (kept in {@link Facets#LAST_RESULTS}), and NOT_APPLICABLE only for items the input
 * itself touched, so timers and unrelated inputs do not repeat verdicts; an item still pending
 * (its deadline not reached, its evidence not in) yields nothing.
 */
final class CatalogEngine implements ControlEngine {

    /** DEADLINES entries for risk acceptances: {@code risk|controlId|subjectKey}. */
    private static final String RISK_DEADLINE = "risk|";

    private static final Set<String> TOUCH_KEYS = Set.of(
            "inputId", "scanId", "firstScanId", "lastScanId", "closedBy", "ackRef", "followUpRef", "postmortemRef");

    private final ControlCatalog catalog;
    private final List<CompiledControl> controls;
    private final Map<String, Object> params = new HashMap<>();

    CatalogEngine(ControlCatalog catalog) {
        this.catalog = catalog;
        this.controls = catalog.compiled();
        controls.forEach(
                cc -> params.put(cc.control().id(), Views.cel(cc.control().parameters())));
    }

    @Override
    public String catalogVersion() {
        return catalog.version();
    }

    @Override
    public List<Facet<?>> facets() {
        return Facets.ALL;
    }

    /** One evaluation: the input (or timer) and what every expression sees. */
    private final class Run {
        final SubjectState state;
        final Instant now;
        final String inputId;
        final List<String> evidence;
        final Subject inputSubject;
        final boolean timer;
        final Map<String, Object> vars = new HashMap<>();
        final List<ControlVerdict> verdicts = new ArrayList<>();
        final List<Violation> changes = new ArrayList<>();
        final List<CompiledControl> evaluated = new ArrayList<>();
        private Map<String, Object> stateView;

        Run(SubjectState state, Instant now, String inputId, List<String> evidence, Subject subject, boolean timer) {
            this.state = state;
            this.now = now;
            this.inputId = inputId;
            this.evidence = evidence;
            this.inputSubject = subject;
            this.timer = timer;
            vars.put("now", now);
            vars.put("event", Map.of());
            vars.put("scan", Map.of());
            vars.put("commit", Views.commit(state, null));
            vars.put("change", Views.change(state, null));
            vars.put("artifact", Views.artifact(state, null));
            vars.put("approval", Views.approval(state, List.of()));
            vars.put("item", Views.NULL);
        }

        Map<String, Object> vars(CompiledControl cc, Object item) {
            if (stateView == null) {
                stateView = Views.state(state);
                vars.put("state", stateView);
            }
            Map<String, Object> v = new HashMap<>(vars);
            v.put("params", params.get(cc.control().id()));
            v.put("item", item);
            return v;
        }

        EngineResult result() {
            return new EngineResult(verdicts, changes, nextWakeUp(this));
        }
    }

    @Override
    public EngineResult onEvent(PipelineEvent event, SubjectState state, Instant now) {
        StateUpdater.onEvent(event, state, Map.of());
        Run run = new Run(
                state,
                now,
                event.getId(),
                List.of(event.getId(), "sha256:" + event.getEvidenceSha256()),
                event.getSubject(),
                false);
        var s = event.getSubject();
        run.vars.put("event", Views.event(event));
        run.vars.put("commit", Views.commit(state, s.getCommitSha()));
        run.vars.put("change", Views.change(state, s.getChangeId()));
        run.vars.put("artifact", Views.artifact(state, s.getArtifactDigest()));
        run.vars.put(
                "approval",
                Views.approval(state, java.util.Arrays.asList(StateUpdater.deployId(event), s.getPipelineRunId())));
        if (event.getKind() == PipelineEventKind.RISK_ACCEPTED) {
            acceptRisk(event, run);
        }
        evaluate(run, event.getKind().name());
        return run.result();
    }

    @Override
    public EngineResult onScan(ScanResult scan, SubjectState state, Instant now) {
        StateUpdater.ScanView view = StateUpdater.onScan(scan, state, now);
        if (view == null) {
            // Part of a split scan: judged once every part is in.
            return new EngineResult(
                    List.of(),
                    List.of(),
                    new Run(state, now, scan.getId(), List.of(), scan.getSubject(), false)
                            .result()
                            .nextWakeUp());
        }
        List<String> evidence = new ArrayList<>(view.partIds());
        evidence.add("sha256:" + scan.getEvidenceSha256());
        Run run = new Run(state, now, scan.getId(), evidence, scan.getSubject(), false);
        run.vars.put("scan", Views.scan(view));
        run.vars.put("commit", Views.commit(state, scan.getSubject().getCommitSha()));
        run.vars.put("artifact", Views.artifact(state, scan.getSubject().getArtifactDigest()));
        evaluate(run, "scan:" + scan.getCategory().name());
        return run.result();
    }

    @Override
    public EngineResult onTime(SubjectState state, Instant now) {
        String id = "timer:" + state.tenant() + "/" + state.scope() + "@" + now;
        Run run = new Run(state, now, id, List.of(id), new Subject(), true);
        expireRisks(run);
        evaluate(run, "timer");
        return run.result();
    }

    // ------------------------------------------------------------------ evaluation

    private void evaluate(Run run, String trigger) {
        for (CompiledControl cc : controls) {
            if (!cc.control().appliesTo(trigger)) {
                continue;
            }
            run.evaluated.add(cc);
            if (cc.forEach() == null) {
                if (!run.timer) {
                    judge(run, cc, Views.NULL, true);
                }
                continue;
            }
            List<?> items;
            try {
                items = (List<?>) Cel.eval(cc.forEach(), run.vars(cc, Views.NULL));
            } catch (CelEvaluationException | RuntimeException e) {
                if (!run.timer) {
                    emit(
                            run,
                            cc,
                            "input:" + run.inputId,
                            VerdictResult.ERROR,
                            "forEach failed: " + e.getMessage(),
                            Views.NULL,
                            false);
                }
                continue;
            }
            if (items.isEmpty() && !run.timer) {
                emit(
                        run,
                        cc,
                        "input:" + run.inputId,
                        VerdictResult.NOT_APPLICABLE,
                        reason(cc, cc.control().notApplicableReason(), "nothing in scope"),
                        Views.NULL,
                        false);
                continue;
            }
            for (Object item : items) {
                judge(run, cc, item, false);
            }
        }
    }

    private void judge(Run run, CompiledControl cc, Object item, boolean single) {
        Map<String, Object> vars = run.vars(cc, item);
        String key;
        try {
            key = (String) Cel.eval(cc.subjectKey(), vars);
        } catch (CelEvaluationException | RuntimeException e) {
            emit(
                    run,
                    cc,
                    "input:" + run.inputId,
                    VerdictResult.ERROR,
                    "subjectKey failed: " + e.getMessage(),
                    item,
                    single);
            return;
        }
        VerdictResult result;
        String reason;
        try {
            if (cc.applicable() != null && !Boolean.TRUE.equals(Cel.eval(cc.applicable(), vars))) {
                result = VerdictResult.NOT_APPLICABLE;
                reason = reason(cc, cc.control().notApplicableReason(), "out of scope");
            } else if (cc.pending() != null && Boolean.TRUE.equals(Cel.eval(cc.pending(), vars))) {
                return;
            } else if (Boolean.TRUE.equals(Cel.eval(cc.condition(), vars))) {
                result = VerdictResult.PASS;
                reason = reason(cc, cc.control().passReason(), "requirement met");
            } else {
                result = VerdictResult.FAIL;
                reason = reason(cc, cc.control().failReason(), "requirement not met");
            }
        } catch (CelEvaluationException | RuntimeException e) {
            result = VerdictResult.ERROR;
            reason = "evaluation error: " + e.getMessage();
        }
        emit(run, cc, key, result, reason, item, single);
    }

    private void emit(
            Run run, CompiledControl cc, String key, VerdictResult result, String reason, Object item, boolean single) {
        Control c = cc.control();
        String memoryKey = c.id() + "|" + key;
        if (!single) {
            Optional<LastResultFact> last = run.state.get(LAST_RESULTS, memoryKey);
            boolean unchanged = last.isPresent() && last.get().result().equals(result.name());
            if (unchanged) {
                return;
            }
            if (result == VerdictResult.NOT_APPLICABLE && !touched(item, run.inputId) && !key.startsWith("input:")) {
                return;
            }
            if (!key.startsWith("input:")) {
                run.state.put(LAST_RESULTS, memoryKey, new LastResultFact(result.name(), run.now));
            }
        }
        // One verdict per input and control, except per-item controls: one per item (its subject key).
        boolean perInput = single || key.startsWith("input:");
        String verdictId = perInput ? run.inputId + ":" + c.id() : run.inputId + ":" + c.id() + ":" + key;
        LinkedHashSet<String> evidence = new LinkedHashSet<>(run.evidence);
        evidence.addAll(itemEvidence(item));
        ControlVerdict v = ControlVerdict.newBuilder()
                .setId(verdictId)
                .setTenant(run.state.tenant())
                .setScope(run.state.scope())
                .setControlId(c.id())
                .setCatalogVersion(catalog.version())
                .setVerdict(result)
                .setSeverity(c.severity())
                .setRequirements(new ArrayList<>(c.requirements()))
                .setReason(reason)
                .setInputId(run.inputId)
                .setSubject(item == Views.NULL ? copy(run.inputSubject) : subjectOf(item))
                .setEvidence(new ArrayList<>(evidence))
                .setEvaluatedAt(run.now)
                .build();
        run.verdicts.add(v);
        if (!key.startsWith("input:")) {
            lifecycle(run, c, key, v);
        }
    }

    private static boolean touched(Object item, String inputId) {
        if (!(item instanceof Map<?, ?> m)) {
            return false;
        }
        for (var e : m.entrySet()) {
            if (TOUCH_KEYS.contains(String.valueOf(e.getKey())) && inputId.equals(e.getValue())) {
                return true;
            }
            if ("inputIds".equals(e.getKey()) && e.getValue() instanceof List<?> l && l.contains(inputId)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> itemEvidence(Object item) {
        List<String> out = new ArrayList<>();
        if (item instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (TOUCH_KEYS.contains(k) && e.getValue() instanceof String s) {
                    out.add(s);
                } else if ("inputIds".equals(k) && e.getValue() instanceof List<?> l) {
                    l.forEach(x -> out.add(String.valueOf(x)));
                } else if ("evidenceSha256".equals(k) && e.getValue() instanceof String s) {
                    out.add("sha256:" + s);
                }
            }
        }
        return out;
    }

    private static Subject copy(Subject s) {
        return Subject.newBuilder(s).build();
    }

    private static Subject subjectOf(Object item) {
        Subject.Builder b = Subject.newBuilder();
        if (item instanceof Map<?, ?> m) {
            b.setCommitSha(str(m.get("sha")));
            b.setArtifactDigest(str(m.get("digest")));
            b.setEnvironment(str(m.get("environment")));
            b.setChangeId(str(m.get("changeId")));
        }
        return b.build();
    }

    private static String str(Object o) {
        return o instanceof String s && !s.isEmpty() ? s : null;
    }

    private static String reason(CompiledControl cc, String template, String fallback) {
        String t = template == null || template.isBlank() ? fallback : template;
        for (var p : cc.control().parameters().entrySet()) {
            t = t.replace("{" + p.getKey() + "}", String.valueOf(p.getValue()));
        }
        return t;
    }

    // ------------------------------------------------------------------ lifecycle

    static String violationId(String tenant, String scope, String controlId, String subjectKey) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((tenant + "\n" + scope + "\n" + controlId + "\n" + subjectKey)
                            .getBytes(StandardCharsets.UTF_8));
            return "vio-" + HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void lifecycle(Run run, Control c, String key, ControlVerdict v) {
        String vk = c.id() + "|" + key;
        ViolationFact vf = run.state.get(VIOLATIONS, vk).orElse(null);
        if (v.getVerdict() == VerdictResult.FAIL) {
            if (vf != null && vf.open()) {
                return;
            }
            ViolationState st = vf == null ? ViolationState.OPENED : ViolationState.REOPENED;
            Instant opened = run.now;
            int seq = vf == null ? 1 : vf.sequence() + 1;
            String id = violationId(run.state.tenant(), run.state.scope(), c.id(), key);
            ViolationFact open = new ViolationFact(id, c.id(), key, st.name(), opened, seq, null, v.getReason());
            run.state.put(VIOLATIONS, vk, open);
            run.changes.add(violation(run, c, open, st, v.getReason(), v.getId()));
            RiskAcceptanceFact ra = run.state.get(RISK_ACCEPTANCES, vk).orElse(null);
            if (ra != null && ra.expiresAt().isAfter(run.now)) {
                accept(run, c, open, ra);
            }
        } else if (v.getVerdict() == VerdictResult.PASS && vf != null && vf.open()) {
            ViolationFact resolved = new ViolationFact(
                    vf.violationId(),
                    vf.controlId(),
                    vf.subjectKey(),
                    ViolationState.RESOLVED.name(),
                    vf.openedAt(),
                    vf.sequence() + 1,
                    null,
                    v.getReason());
            run.state.put(VIOLATIONS, vk, resolved);
            run.state.delete(DEADLINES, RISK_DEADLINE + vk);
            run.changes.add(violation(run, c, resolved, ViolationState.RESOLVED, v.getReason(), v.getId()));
        }
    }

    private void accept(Run run, Control c, ViolationFact vf, RiskAcceptanceFact ra) {
        String reason = "risk accepted by " + ra.acceptedBy() + " until " + ra.expiresAt()
                + (ra.justification() == null || ra.justification().isBlank() ? "" : ": " + ra.justification());
        ViolationFact accepted = new ViolationFact(
                vf.violationId(),
                vf.controlId(),
                vf.subjectKey(),
                ViolationState.RISK_ACCEPTED.name(),
                vf.openedAt(),
                vf.sequence() + 1,
                ra.expiresAt(),
                reason);
        run.state.put(VIOLATIONS, vf.controlId() + "|" + vf.subjectKey(), accepted);
        run.state.put(
                DEADLINES, RISK_DEADLINE + vf.controlId() + "|" + vf.subjectKey(), new DeadlineFact(ra.expiresAt()));
        run.changes.add(violation(run, c, accepted, ViolationState.RISK_ACCEPTED, reason, null));
    }

    private Control control(String id) {
        return catalog.controls().stream()
                .filter(c -> c.id().equals(id))
                .findFirst()
                .orElse(null);
    }

    /**
     * A RISK_ACCEPTED event names the violation by id or by (control, subjectKey) and must say when
     * it expires: an acceptance without an end is not recorded.
     */
    private void acceptRisk(PipelineEvent e, Run run) {
        String controlId = StateUpdater.attr(e, Attributes.RISK_CONTROL_ID);
        String key = StateUpdater.attr(e, Attributes.RISK_SUBJECT_KEY);
        String violationId = StateUpdater.attr(e, Attributes.RISK_VIOLATION_ID);
        Instant expires = StateUpdater.instant(StateUpdater.attr(e, Attributes.RISK_EXPIRES_AT));
        if (!violationId.isEmpty()) {
            for (var entry : run.state.entries(VIOLATIONS)) {
                if (entry.getValue().violationId().equals(violationId)) {
                    controlId = entry.getValue().controlId();
                    key = entry.getValue().subjectKey();
                }
            }
        }
        Control c = control(controlId);
        if (c == null || key.isEmpty() || expires == null || !expires.isAfter(run.now)) {
            return;
        }
        String vk = controlId + "|" + key;
        RiskAcceptanceFact ra = new RiskAcceptanceFact(
                controlId,
                key,
                expires,
                StateUpdater.actor(e),
                StateUpdater.attr(e, Attributes.RISK_JUSTIFICATION),
                e.getId());
        run.state.put(RISK_ACCEPTANCES, vk, ra);
        ViolationFact vf = run.state.get(VIOLATIONS, vk).orElse(null);
        if (vf != null && vf.open()) {
            accept(run, c, vf, ra);
        }
    }

    /** An acceptance that ran out on a violation still open: RISK_EXPIRED, then REOPENED. */
    private void expireRisks(Run run) {
        for (var entry : run.state.entries(VIOLATIONS)) {
            ViolationFact vf = entry.getValue();
            if (!vf.state().equals(ViolationState.RISK_ACCEPTED.name())
                    || vf.riskExpiresAt() == null
                    || vf.riskExpiresAt().isAfter(run.now)) {
                continue;
            }
            Control c = control(vf.controlId());
            if (c == null) {
                continue;
            }
            String reason = "risk acceptance expired at " + vf.riskExpiresAt() + "; still failing: " + vf.reason();
            ViolationFact expired = new ViolationFact(
                    vf.violationId(),
                    vf.controlId(),
                    vf.subjectKey(),
                    ViolationState.RISK_EXPIRED.name(),
                    vf.openedAt(),
                    vf.sequence() + 1,
                    null,
                    reason);
            run.changes.add(violation(run, c, expired, ViolationState.RISK_EXPIRED, reason, null));
            ViolationFact reopened = new ViolationFact(
                    vf.violationId(),
                    vf.controlId(),
                    vf.subjectKey(),
                    ViolationState.REOPENED.name(),
                    vf.openedAt(),
                    vf.sequence() + 2,
                    null,
                    vf.reason());
            run.state.put(VIOLATIONS, entry.getKey(), reopened);
            run.state.delete(RISK_ACCEPTANCES, entry.getKey());
            run.state.delete(DEADLINES, RISK_DEADLINE + entry.getKey());
            run.changes.add(violation(run, c, reopened, ViolationState.REOPENED, reason, null));
        }
    }

    private Violation violation(
            Run run, Control c, ViolationFact vf, ViolationState st, String reason, String verdictId) {
        return Violation.newBuilder()
                .setId(vf.violationId())
                .setTenant(run.state.tenant())
                .setScope(run.state.scope())
                .setControlId(c.id())
                .setSubjectKey(vf.subjectKey())
                .setState(st)
                .setSeverity(c.severity())
                .setRequirements(new ArrayList<>(c.requirements()))
                .setReason(reason)
                .setVerdictId(verdictId)
                .setCatalogVersion(catalog.version())
                .setOpenedAt(vf.openedAt())
                .setChangedAt(run.now)
                .setSequence(vf.sequence())
                .build();
    }

    // ------------------------------------------------------------------ wake-ups

    /**
     * The earliest pending deadline of the subject. Each time-based control's earliest future
     * deadline is recomputed when the control is evaluated (its appliesTo lists every input that
     * changes its items) and kept in {@link Facets#DEADLINES}, so an unrelated input does not walk
     * thousands of findings; a running risk acceptance keeps its end there too. An overdue deadline asks for now.
     */
    private Optional<Instant> nextWakeUp(Run run) {
        SubjectState state = run.state;
        Instant now = run.now;
        for (CompiledControl cc : run.evaluated) {
            if (cc.deadline() == null || cc.forEach() == null || !cc.control().appliesTo("timer")) {
                continue;
            }
            Instant earliest = null;
            Map<String, Object> vars = run.vars(cc, Views.NULL);
            try {
                for (Object item : (List<?>) Cel.eval(cc.forEach(), vars)) {
                    vars.put("item", item);
                    Instant t = Views.instant(Cel.eval(cc.deadline(), vars));
                    if (t != null && t.isAfter(now) && (earliest == null || t.isBefore(earliest))) {
                        earliest = t;
                    }
                }
            } catch (CelEvaluationException | RuntimeException e) {
                // A deadline that cannot be computed asks for no wake-up; the control's ERROR verdict says why.
            }
            if (earliest == null) {
                state.delete(DEADLINES, cc.control().id());
            } else {
                state.put(DEADLINES, cc.control().id(), new DeadlineFact(earliest));
            }
        }
        Instant next = null;
        for (var entry : state.entries(DEADLINES)) {
            Instant t = entry.getValue().at();
            if (next == null || t.isBefore(next)) {
                next = t;
            }
        }
        return Optional.ofNullable(next).map(t -> t.isBefore(now) ? now : t);
    }
}
