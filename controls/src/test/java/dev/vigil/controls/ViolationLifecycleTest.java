package dev.vigil.controls;

import static dev.vigil.controls.cases.Inputs.event;
import static dev.vigil.controls.cases.Inputs.scan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.controls.cases.Inputs;
import dev.vigil.controls.state.InMemorySubjectState;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.FindingState;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.ViolationState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViolationLifecycleTest {

    static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
    static final String DIGEST = "sha256:aa11";
    static final String SHA = "3333333333333333333333333333333333333333";

    final ControlEngine engine = ControlEngines.of(ControlCatalog.builtIn());
    final InMemorySubjectState state = new InMemorySubjectState(Inputs.TENANT, Inputs.SCOPE);

    static PipelineEvent prodDeploy(String id, Instant at) {
        return event("evt-" + id, PipelineEventKind.SERVICE_DEPLOYED, at)
                .env("production")
                .sha(SHA)
                .digest(DIGEST)
                .actor("deploy-bot")
                .outcome(Outcome.SUCCESS)
                .attr(Attributes.DEPLOY_ID, id)
                .attr(Attributes.DEPLOY_TIER, "production")
                .build();
    }

    static List<Violation> of(EngineResult r, String control) {
        return r.violationChanges().stream()
                .filter(v -> v.getControlId().equals(control))
                .toList();
    }

    static ControlVerdict verdict(EngineResult r, String control) {
        return r.verdicts().stream()
                .filter(v -> v.getControlId().equals(control))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void shouldOpenOnceAndResolveWithTheResolvingVerdict() {
        EngineResult first = engine.onEvent(prodDeploy("d-1", T0), state, T0);
        List<Violation> opened = of(first, "SC-03");
        assertThat(opened).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.OPENED);
            assertThat(v.getSubjectKey()).isEqualTo("digest:" + DIGEST);
            assertThat(v.getSequence()).isEqualTo(1);
            assertThat(v.getCatalogVersion()).isEqualTo(engine.catalogVersion());
            assertThat(v.getVerdictId()).isEqualTo("evt-d-1:SC-03");
        });

        EngineResult again = engine.onEvent(prodDeploy("d-2", T0.plusSeconds(60)), state, T0.plusSeconds(60));
        assertThat(verdict(again, "SC-03").getVerdict()).isEqualTo(VerdictResult.FAIL);
        assertThat(of(again, "SC-03")).as("never a second OPENED while open").isEmpty();

        engine.onEvent(
                event("pub-1", PipelineEventKind.ARTIFACT_PUBLISHED, T0.plusSeconds(90))
                        .digest(DIGEST)
                        .attr(Attributes.ARTIFACT_SBOM_URI, "https://sbom.example/shop.cdx.json")
                        .build(),
                state,
                T0.plusSeconds(90));
        EngineResult fixed = engine.onEvent(prodDeploy("d-3", T0.plusSeconds(120)), state, T0.plusSeconds(120));
        assertThat(of(fixed, "SC-03")).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.RESOLVED);
            assertThat(v.getId()).isEqualTo(opened.getFirst().getId());
            assertThat(v.getVerdictId()).isEqualTo("evt-d-3:SC-03");
            assertThat(v.getOpenedAt()).isEqualTo(T0);
            assertThat(v.getSequence()).isEqualTo(2);
        });
    }

    @Test
    void shouldAcceptRiskUntilExpiryThenExpireAndReopen() {
        PipelineEvent weak = event("bp-1", PipelineEventKind.BRANCH_PROTECTION_CHANGED, T0)
                .branch("main")
                .attr(Attributes.PROTECTION_ALLOW_FORCE_PUSHES, "true")
                .build();
        EngineResult opened = engine.onEvent(weak, state, T0);
        assertThat(of(opened, "CM-04")).extracting(Violation::getState).containsExactly(ViolationState.OPENED);
        assertThat(opened.nextWakeUp()).as("no timer pending yet").isEmpty();

        Instant expires = T0.plus(Duration.ofDays(14));
        EngineResult accepted = engine.onEvent(
                event("risk-1", PipelineEventKind.RISK_ACCEPTED, T0.plusSeconds(600))
                        .actor("ciso")
                        .attr(
                                Attributes.RISK_VIOLATION_ID,
                                of(opened, "CM-04").getFirst().getId())
                        .attr(Attributes.RISK_EXPIRES_AT, expires.toString())
                        .attr(Attributes.RISK_JUSTIFICATION, "migration to rulesets in progress")
                        .build(),
                state,
                T0.plusSeconds(600));
        assertThat(accepted.violationChanges()).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.RISK_ACCEPTED);
            assertThat(v.getControlId()).isEqualTo("CM-04");
            assertThat(v.getSubjectKey()).isEqualTo("branch:main");
            assertThat(v.getReason()).contains("ciso").contains(expires.toString());
            assertThat(v.getSequence()).isEqualTo(2);
        });
        assertThat(accepted.nextWakeUp()).contains(expires);

        // Still failing while accepted: no new lifecycle change.
        EngineResult stillFailing = engine.onEvent(
                event("bp-2", PipelineEventKind.BRANCH_PROTECTION_CHANGED, T0.plusSeconds(900))
                        .branch("main")
                        .attr(Attributes.PROTECTION_ALLOW_DELETIONS, "true")
                        .build(),
                state,
                T0.plusSeconds(900));
        assertThat(verdict(stillFailing, "CM-04").getVerdict()).isEqualTo(VerdictResult.FAIL);
        assertThat(of(stillFailing, "CM-04")).isEmpty();

        assertThat(engine.onTime(state, expires.minusSeconds(1)).violationChanges())
                .isEmpty();
        EngineResult expired = engine.onTime(state, expires.plusSeconds(1));
        assertThat(of(expired, "CM-04"))
                .extracting(Violation::getState, Violation::getSequence)
                .containsExactly(
                        org.assertj.core.api.Assertions.tuple(ViolationState.RISK_EXPIRED, 3),
                        org.assertj.core.api.Assertions.tuple(ViolationState.REOPENED, 4));
        assertThat(expired.nextWakeUp()).isEmpty();
    }

    @Test
    void shouldReopenAfterResolutionWhenItFailsAgain() {
        Instant t = T0;
        engine.onEvent(
                event("bp-1", PipelineEventKind.BRANCH_PROTECTION_CHANGED, t)
                        .branch("main")
                        .attr(Attributes.PROTECTION_ALLOW_FORCE_PUSHES, "true")
                        .build(),
                state,
                t);
        EngineResult ok = engine.onEvent(
                event("bp-2", PipelineEventKind.BRANCH_PROTECTION_CHANGED, t)
                        .branch("main")
                        .attr(Attributes.PROTECTION_ACTION, "edited")
                        .attr(Attributes.PROTECTION_REQUIRED_APPROVALS, "1")
                        .attr(Attributes.PROTECTION_DISMISS_STALE_REVIEWS, "true")
                        .attr(Attributes.PROTECTION_REQUIRED_STATUS_CHECKS, "ci")
                        .attr(Attributes.PROTECTION_ENFORCE_ADMINS, "true")
                        .attr(Attributes.PROTECTION_ALLOW_FORCE_PUSHES, "false")
                        .attr(Attributes.PROTECTION_ALLOW_DELETIONS, "false")
                        .build(),
                state,
                t);
        assertThat(of(ok, "CM-04")).extracting(Violation::getState).containsExactly(ViolationState.RESOLVED);
        EngineResult deleted = engine.onEvent(
                event("bp-3", PipelineEventKind.BRANCH_PROTECTION_CHANGED, t)
                        .branch("main")
                        .attr(Attributes.PROTECTION_ACTION, "deleted")
                        .build(),
                state,
                t);
        assertThat(of(deleted, "CM-04")).singleElement().satisfies(v -> {
            assertThat(v.getState()).isEqualTo(ViolationState.REOPENED);
            assertThat(v.getSubjectKey()).isEqualTo("branch:main");
            assertThat(v.getSequence()).isEqualTo(3);
        });
    }

    @Test
    void shouldJudgeASplitScanOnlyWhenAllPartsArrived() {
        EngineResult part1 = engine.onScan(
                scan("sarif-p1", ScanCategory.SAST, T0)
                        .sha(SHA)
                        .part("run-9", 1, 2)
                        .finding("fp-high", Severity.HIGH)
                        .build(),
                state,
                T0);
        assertThat(part1.verdicts()).isEmpty();
        EngineResult dup = engine.onScan(
                scan("sarif-p1", ScanCategory.SAST, T0)
                        .sha(SHA)
                        .part("run-9", 1, 2)
                        .finding("fp-high", Severity.HIGH)
                        .build(),
                state,
                T0);
        assertThat(dup.verdicts()).isEmpty();
        EngineResult part2 = engine.onScan(
                scan("sarif-p2", ScanCategory.SAST, T0)
                        .sha(SHA)
                        .part("run-9", 2, 2)
                        .finding("fp-low", Severity.LOW)
                        .build(),
                state,
                T0);
        assertThat(part2.verdicts()).extracting(ControlVerdict::getControlId).contains("VM-06");
        assertThat(verdict(part2, "VM-06").getEvidence()).contains("sarif-p1", "sarif-p2");

        // The summary counts both parts: the high from part 1 blocks the deployment.
        EngineResult deploy = engine.onEvent(prodDeploy("d-1", T0.plusSeconds(60)), state, T0.plusSeconds(60));
        assertThat(verdict(deploy, "VM-01").getVerdict()).isEqualTo(VerdictResult.FAIL);
    }

    @Test
    void shouldAskToWakeUpAtTheEarliestDeadline() {
        EngineResult r = engine.onScan(
                scan("wazuh-1", ScanCategory.IDS, T0)
                        .finding(
                                "1700000000.1",
                                Severity.HIGH,
                                FindingState.OPEN,
                                Map.of(Attributes.IDS_RULE_LEVEL, "13"))
                        .build(),
                state,
                T0);
        assertThat(r.nextWakeUp()).contains(T0.plus(Duration.ofHours(1)));
        assertThat(r.verdicts()).noneMatch(v -> v.getControlId().equals("IR-01"));

        EngineResult due = engine.onTime(state, T0.plus(Duration.ofHours(1)).plusSeconds(1));
        assertThat(verdict(due, "IR-01").getVerdict()).isEqualTo(VerdictResult.FAIL);
        assertThat(verdict(due, "IR-01").getSubject().getCommitSha()).isNull();
        assertThat(of(due, "IR-01"))
                .singleElement()
                .extracting(Violation::getSubjectKey)
                .isEqualTo("alert:1700000000.1");
        assertThat(engine.onTime(state, T0.plus(Duration.ofHours(2))).verdicts())
                .as("an unchanged item is not judged again by a timer")
                .noneMatch(v -> v.getControlId().equals("IR-01"));
    }

    @Test
    void shouldReportAnEvaluationErrorWithoutOpeningAViolation(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("acme.yaml");
        Files.writeString(file, """
                controls:
                  - id: ACME-01
                    title: Deploys name a change ticket
                    rationale: Every production deployment names its change ticket.
                    requirements: [SOC2:CC8.1]
                    severity: LOW
                    appliesTo: [SERVICE_DEPLOYED]
                    subjectKey: "'deploy:' + event.id"
                    condition: "event.attributes['acme.ticket'] != ''"
                """);
        ControlEngine custom = ControlEngines.of(ControlCatalog.load(List.of(file)));
        EngineResult r = custom.onEvent(prodDeploy("d-1", T0), state, T0);
        ControlVerdict v = verdict(r, "ACME-01");
        assertThat(v.getVerdict()).isEqualTo(VerdictResult.ERROR);
        assertThat(v.getReason()).contains("acme.ticket");
        assertThat(of(r, "ACME-01")).isEmpty();
    }
}
