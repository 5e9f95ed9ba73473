package dev.vigil.controls;

import static dev.vigil.controls.cases.Inputs.event;
import static dev.vigil.controls.cases.Inputs.scan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.controls.cases.Inputs;
import dev.vigil.controls.state.InMemorySubjectState;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.FindingState;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.ViolationState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One week of github.com/acme/shop as an auditor would walk it: a reviewed change deployed with
 * full evidence on Monday, a self-merged change on Tuesday, an unapproved emergency redeploy on
 * Wednesday evening, IDS alerts and a personal-data breach on Thursday, a rescan finding a new
 * critical on Friday. The test asserts exactly which violations opened and which resolved.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditWeekScenarioTest {

    static final String H1 = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    static final String M1 = "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1";
    static final String H2 = "a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2";
    static final String M2 = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
    static final String D1 = "sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1";

    final ControlEngine engine = ControlEngines.of(ControlCatalog.builtIn());
    final InMemorySubjectState state = new InMemorySubjectState(Inputs.TENANT, Inputs.SCOPE);
    final List<ControlVerdict> verdicts = new ArrayList<>();
    final List<Violation> violations = new ArrayList<>();
    Instant now;

    static Instant at(String dayAndTime) {
        return Instant.parse("2026-11-0" + dayAndTime + ":00Z");
    }

    void clock(Instant t) {
        now = t;
        record(engine.onTime(state, t));
    }

    void send(PipelineEvent e) {
        clock(e.getEventTime());
        record(engine.onEvent(e, state, now));
    }

    void send(ScanResult s) {
        clock(s.getScannedAt());
        record(engine.onScan(s, state, now));
    }

    void record(EngineResult r) {
        verdicts.addAll(r.verdicts());
        violations.addAll(r.violationChanges());
    }

    PipelineEvent prodDeploy(String id, String sha, Instant t, boolean emergency) {
        var b = event("deploy-" + id, PipelineEventKind.SERVICE_DEPLOYED, t)
                .env("production")
                .sha(sha)
                .digest(D1)
                .actor("deploy-bot")
                .outcome(Outcome.SUCCESS)
                .attr(Attributes.DEPLOY_ID, id)
                .attr(Attributes.DEPLOY_TIER, "production");
        if (emergency) {
            b.attr(Attributes.DEPLOY_EMERGENCY, "true");
        }
        return b.build();
    }

    @BeforeAll
    void playTheWeek() {
        // Monday 2 Nov: change #41 reviewed, merged, built, scanned, signed, approved and deployed.
        send(event("pr41-open", PipelineEventKind.CHANGE_CREATED, at("2T09:00"))
                .change("41")
                .sha(H1)
                .branch("main")
                .actor("alice")
                .attr(Attributes.CHANGE_AUTHOR, "alice")
                .attr(Attributes.CHANGE_HEAD_SHA, H1)
                .build());
        send(event("pr41-review", PipelineEventKind.CHANGE_REVIEWED, at("2T09:30"))
                .change("41")
                .actor("bob")
                .attr(Attributes.REVIEW_STATE, "approved")
                .attr(Attributes.REVIEW_COMMIT_SHA, H1)
                .build());
        send(event("push-m1", PipelineEventKind.BRANCH_PUSHED, at("2T10:00"))
                .sha(M1)
                .branch("main")
                .actor("bob")
                .attr(Attributes.PUSH_AFTER, M1)
                .attr(Attributes.PUSH_FORCED, "false")
                .attr(Attributes.PUSH_DEFAULT_BRANCH, "true")
                .build());
        send(event("pr41-merged", PipelineEventKind.CHANGE_MERGED, at("2T10:00"))
                .change("41")
                .sha(M1)
                .branch("main")
                .actor("bob")
                .attr(Attributes.CHANGE_AUTHOR, "alice")
                .attr(Attributes.CHANGE_HEAD_SHA, H1)
                .attr(Attributes.CHANGE_MERGE_SHA, M1)
                .attr(Attributes.CHANGE_TARGET_BRANCH, "main")
                .build());
        send(event("tests-m1", PipelineEventKind.TEST_SUITE_FINISHED, at("2T10:05"))
                .sha(M1)
                .outcome(Outcome.SUCCESS)
                .build());
        send(event("build-m1", PipelineEventKind.BUILD_FINISHED, at("2T10:10"))
                .sha(M1)
                .branch("main")
                .digest(D1)
                .run("run-100")
                .outcome(Outcome.SUCCESS)
                .build());
        send(scan("sast-m1", ScanCategory.SAST, at("2T10:11"))
                .sha(M1)
                .finding("py/weak-hash", Severity.MEDIUM)
                .build());
        send(scan("sca-m1", ScanCategory.SCA, at("2T10:12"))
                .sha(M1)
                .format(InputFormat.OSV)
                .build());
        send(scan("secrets-m1", ScanCategory.SECRET, at("2T10:13"))
                .sha(M1)
                .format(InputFormat.GITLEAKS)
                .build());
        send(scan("iac-m1", ScanCategory.IAC, at("2T10:14"))
                .sha(M1)
                .format(InputFormat.TRIVY)
                .build());
        send(event("published-d1", PipelineEventKind.ARTIFACT_PUBLISHED, at("2T10:15"))
                .digest(D1)
                .attr(Attributes.ARTIFACT_SBOM_URI, "https://artifacts.acme.example/shop/d1.cdx.json")
                .attr(Attributes.PROVENANCE_BUILDER_ID, "https://github.com/actions/runner")
                .attr(Attributes.PROVENANCE_SOURCE_SHA, M1)
                .build());
        send(event("signed-d1", PipelineEventKind.ARTIFACT_SIGNED, at("2T10:16"))
                .digest(D1)
                .attr(Attributes.ARTIFACT_SIGNER, "ci@acme.example")
                .build());
        send(scan("trivy-d1", ScanCategory.CONTAINER, at("2T10:20"))
                .digest(D1)
                .format(InputFormat.TRIVY)
                .build());
        send(event("approve-d100", PipelineEventKind.APPROVAL_DECIDED, at("2T10:30"))
                .actor("carol")
                .attr(Attributes.APPROVAL_DECISION, "approved")
                .attr(Attributes.APPROVAL_TARGET, "d-100")
                .build());
        send(prodDeploy("d-100", M1, at("2T11:00"), false));

        // Tuesday 3 Nov: alice merges her own change #42 without review.
        send(event("pr42-open", PipelineEventKind.CHANGE_CREATED, at("3T13:00"))
                .change("42")
                .sha(H2)
                .branch("main")
                .actor("alice")
                .attr(Attributes.CHANGE_AUTHOR, "alice")
                .attr(Attributes.CHANGE_HEAD_SHA, H2)
                .build());
        send(event("pr42-merged", PipelineEventKind.CHANGE_MERGED, at("3T14:00"))
                .change("42")
                .sha(M2)
                .branch("main")
                .actor("alice")
                .attr(Attributes.CHANGE_AUTHOR, "alice")
                .attr(Attributes.CHANGE_HEAD_SHA, H2)
                .attr(Attributes.CHANGE_MERGE_SHA, M2)
                .attr(Attributes.CHANGE_TARGET_BRANCH, "main")
                .build());

        // Wednesday 4 Nov, 20:00: emergency redeploy of d1, nobody approved it.
        send(prodDeploy("d-101", M1, at("4T20:00"), true));

        // Thursday 5 Nov: the late secret scan of #42; IDS alerts; a personal-data breach.
        send(scan("secrets-m2", ScanCategory.SECRET, at("5T08:00"))
                .sha(M2)
                .format(InputFormat.GITLEAKS)
                .build());
        send(event("ticket-em", PipelineEventKind.TICKET_CLOSED, at("5T08:30"))
                .actor("bob")
                .attr(Attributes.TICKET_ID, "OPS-88")
                .attr(Attributes.TICKET_REFERS_TO, "d-101")
                .build());
        send(scan("wazuh-a1", ScanCategory.IDS, at("5T09:00"))
                .format(InputFormat.WAZUH)
                .finding("1762333200.1001", Severity.HIGH, FindingState.OPEN, Map.of(Attributes.IDS_RULE_LEVEL, "12"))
                .finding("1762333200.1002", Severity.HIGH, FindingState.OPEN, Map.of(Attributes.IDS_RULE_LEVEL, "13"))
                .build());
        send(event("ticket-a1", PipelineEventKind.TICKET_CREATED, at("5T09:40"))
                .actor("soc")
                .attr(Attributes.TICKET_ID, "SEC-5")
                .attr(Attributes.TICKET_REFERS_TO, "1762333200.1001")
                .build());
        send(event("inc-7-detected", PipelineEventKind.INCIDENT_DETECTED, at("5T11:00"))
                .env("production")
                .actor("soc")
                .attr(Attributes.INCIDENT_ID, "INC-7")
                .attr(Attributes.INCIDENT_SEVERITY, "high")
                .attr(Attributes.INCIDENT_PERSONAL_DATA_BREACH, "true")
                .build());

        // Friday 6 Nov: DPA notified, incident resolved with a post-mortem, rescan finds a fixable critical.
        send(event("inc-7-notified", PipelineEventKind.INCIDENT_REPORTED, at("6T09:00"))
                .actor("dpo")
                .attr(Attributes.INCIDENT_ID, "INC-7")
                .attr(Attributes.INCIDENT_NOTIFIED_AT, at("6T09:00").toString())
                .build());
        send(event("inc-7-resolved", PipelineEventKind.INCIDENT_RESOLVED, at("6T12:00"))
                .actor("soc")
                .attr(Attributes.INCIDENT_ID, "INC-7")
                .attr(Attributes.INCIDENT_POSTMORTEM_URL, "https://wiki.acme.example/pm/INC-7")
                .build());
        send(scan("trivy-d1-rescan", ScanCategory.CONTAINER, at("6T10:00"))
                .digest(D1)
                .format(InputFormat.TRIVY)
                .finding(
                        "CVE-2026-4242",
                        Severity.CRITICAL,
                        FindingState.OPEN,
                        Map.of(Attributes.FINDING_FIX_AVAILABLE, "true"))
                .build());

        // Sunday 8 Nov, end of the audited week.
        clock(at("8T23:59"));
    }

    @Test
    void shouldPassEveryControlForTheFullyEvidencedMondayDeployment() {
        assertThat(verdicts)
                .filteredOn(v -> v.getInputId().equals("deploy-d-100"))
                .filteredOn(v -> v.getVerdict() != VerdictResult.NOT_APPLICABLE)
                .allSatisfy(v -> assertThat(v.getVerdict())
                        .as(v.getControlId() + ": " + v.getReason())
                        .isEqualTo(VerdictResult.PASS))
                .extracting(ControlVerdict::getControlId)
                .contains(
                        "CM-03", "CM-05", "CM-06", "CM-08", "VM-01", "VM-02", "VM-04", "SEC-01", "SC-01", "SC-02",
                        "SC-03");
    }

    @Test
    void shouldOpenAndResolveExactlyTheseViolations() {
        assertThat(violations)
                .extracting(Violation::getControlId, Violation::getSubjectKey, Violation::getState)
                .containsExactlyInAnyOrder(
                        // #42: self-merged, so no independent review on the merged head
                        tuple("CM-01", "commit:" + M2, ViolationState.OPENED),
                        // #42's merge had no secret scan for 24 h; Thursday's scan resolves it
                        tuple("SEC-02", "commit:" + M2, ViolationState.OPENED),
                        tuple("SEC-02", "commit:" + M2, ViolationState.RESOLVED),
                        // the emergency redeploy: nobody approved it ...
                        tuple("CM-05", "deploy:production:d-101", ViolationState.OPENED),
                        // ... its dependency scan was two days old ...
                        tuple("VM-02", "deploy:production:d-101", ViolationState.OPENED),
                        // ... and the image had no scan within 24 h before or 1 h after it; Friday's rescan
                        // is fresh but finds a fixable critical, so it stays open
                        tuple("VM-03", "deploy:production:d-101", ViolationState.OPENED),
                        // the level-13 alert nobody acknowledged
                        tuple("IR-01", "alert:1762333200.1002", ViolationState.OPENED));
    }

    @Test
    void shouldRecordTheResolvingVerdictAndCatalogVersionOnEveryChange() {
        Violation resolved = violations.stream()
                .filter(v -> v.getState() == ViolationState.RESOLVED)
                .findFirst()
                .orElseThrow();
        assertThat(resolved.getVerdictId()).isEqualTo("secrets-m2:SEC-02:commit:" + M2);
        assertThat(verdicts)
                .filteredOn(v -> v.getId().equals(resolved.getVerdictId()))
                .singleElement()
                .extracting(ControlVerdict::getVerdict)
                .isEqualTo(VerdictResult.PASS);
        assertThat(violations).extracting(Violation::getCatalogVersion).containsOnly(engine.catalogVersion());
    }

    @Test
    void shouldPassTheFollowedUpEmergencyTheAcknowledgedAlertAndTheNotifiedBreach() {
        assertThat(lastVerdict("CM-07")).isEqualTo(VerdictResult.PASS);
        assertThat(lastVerdict("IR-02")).isEqualTo(VerdictResult.PASS);
        assertThat(lastVerdict("IR-03")).isEqualTo(VerdictResult.PASS);
        assertThat(verdicts)
                .filteredOn(v -> v.getControlId().equals("IR-01") && v.getVerdict() != VerdictResult.NOT_APPLICABLE)
                .extracting(v -> v.getReason().startsWith("alert acknowledged"), ControlVerdict::getVerdict)
                .containsExactlyInAnyOrder(tuple(true, VerdictResult.PASS), tuple(false, VerdictResult.FAIL));
        assertThat(verdicts)
                .filteredOn(
                        v -> v.getControlId().equals("CM-06") && v.getInputId().equals("deploy-d-101"))
                .singleElement()
                .extracting(ControlVerdict::getVerdict)
                .isEqualTo(VerdictResult.NOT_APPLICABLE);
    }

    VerdictResult lastVerdict(String control) {
        return verdicts.stream()
                .filter(v -> v.getControlId().equals(control))
                .reduce((a, b) -> b)
                .orElseThrow()
                .getVerdict();
    }
}
