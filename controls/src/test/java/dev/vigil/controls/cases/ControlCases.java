package dev.vigil.controls.cases;

import static dev.vigil.controls.cases.Inputs.event;
import static dev.vigil.controls.cases.Inputs.scan;
import static dev.vigil.schemas.PipelineEventKind.*;
import static dev.vigil.schemas.VerdictResult.FAIL;
import static dev.vigil.schemas.VerdictResult.NOT_APPLICABLE;
import static dev.vigil.schemas.VerdictResult.PASS;

import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.FindingState;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.VerdictResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pass, a fail and a not-applicable case for every built-in control, shaped like what ingest
 * produces from GitHub, CDEvents, SARIF, Trivy, gitleaks and Wazuh inputs. The streams module
 * replays the same cases through its topology.
 */
public final class ControlCases {

    /** Monday 2026-11-02 09:00 UTC: inside the default change window. */
    public static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");

    static final String AUTHOR = "alice";
    static final String REVIEWER = "bob";
    static final String DEPLOYER = "deploy-bot";
    static final String APPROVER = "carol";
    static final String HEAD = "1111111111111111111111111111111111111111";
    static final String OLD_HEAD = "0000000000000000000000000000000000000000";
    static final String MERGE = "2222222222222222222222222222222222222222";
    static final String DIGEST = "sha256:0b31a8a0c33ff6c1b1a1f4e1c0d2e9b7a6f5e4d3c2b1a09f8e7d6c5b4a392817";

    private ControlCases() {}

    static Instant t(Duration d) {
        return T0.plus(d);
    }

    static Instant mins(long m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    static Instant hours(long h) {
        return T0.plus(Duration.ofHours(h));
    }

    static Instant days(long d) {
        return T0.plus(Duration.ofDays(d));
    }

    static Step.AdvanceTo advance(Instant at) {
        return new Step.AdvanceTo(at);
    }

    static ControlCase c(String control, VerdictResult expected, String name, Step... steps) {
        return new ControlCase(name, control, expected, T0, List.of(steps));
    }

    /** A successful deployment (GitHub deployment_status success / CDEvents service.deployed). */
    static Inputs.EventBuilder deploy(String id, String env, Instant at) {
        return event("evt-" + id, SERVICE_DEPLOYED, at)
                .env(env)
                .sha(MERGE)
                .digest(DIGEST)
                .actor(DEPLOYER)
                .outcome(Outcome.SUCCESS)
                .attr(Attributes.DEPLOY_ID, id)
                .attr(Attributes.DEPLOY_TIER, env.equals("production") ? "production" : "staging");
    }

    static Step prod(String id, Instant at) {
        return deploy(id, "production", at).step();
    }

    static Step staging(String id, Instant at) {
        return deploy(id, "staging", at).step();
    }

    static Step changeOpened() {
        return event("pr-opened", CHANGE_CREATED, T0)
                .change("42")
                .sha(HEAD)
                .branch("main")
                .actor(AUTHOR)
                .attr(Attributes.CHANGE_AUTHOR, AUTHOR)
                .attr(Attributes.CHANGE_HEAD_SHA, HEAD)
                .attr(Attributes.CHANGE_TARGET_BRANCH, "main")
                .step();
    }

    static Step review(String reviewer, String state, String sha, Instant at) {
        return event("review-" + reviewer + "-" + at.getEpochSecond(), CHANGE_REVIEWED, at)
                .change("42")
                .actor(reviewer)
                .attr(Attributes.REVIEW_STATE, state)
                .attr(Attributes.REVIEW_COMMIT_SHA, sha)
                .step();
    }

    static Step merged(String branch, Instant at) {
        return event("pr-merged", CHANGE_MERGED, at)
                .change("42")
                .sha(MERGE)
                .branch(branch)
                .actor(REVIEWER)
                .attr(Attributes.CHANGE_AUTHOR, AUTHOR)
                .attr(Attributes.CHANGE_HEAD_SHA, HEAD)
                .attr(Attributes.CHANGE_MERGE_SHA, MERGE)
                .attr(Attributes.CHANGE_TARGET_BRANCH, branch)
                .attr(Attributes.CHANGE_MERGED_BY, REVIEWER)
                .step();
    }

    static Step push(boolean defaultBranch, boolean forced, Instant at) {
        return event("push-" + at.getEpochSecond(), BRANCH_PUSHED, at)
                .sha(MERGE)
                .branch(defaultBranch ? "main" : "feature/x")
                .actor(AUTHOR)
                .attr(Attributes.PUSH_BEFORE, OLD_HEAD)
                .attr(Attributes.PUSH_AFTER, MERGE)
                .attr(Attributes.PUSH_FORCED, String.valueOf(forced))
                .attr(Attributes.PUSH_DEFAULT_BRANCH, String.valueOf(defaultBranch))
                .step();
    }

    static Inputs.EventBuilder protection(String branch) {
        return event("bp-" + branch, BRANCH_PROTECTION_CHANGED, T0)
                .branch(branch)
                .actor("admin")
                .attr(Attributes.PROTECTION_ACTION, "edited")
                .attr(Attributes.PROTECTION_REQUIRED_APPROVALS, "2")
                .attr(Attributes.PROTECTION_DISMISS_STALE_REVIEWS, "true")
                .attr(Attributes.PROTECTION_REQUIRED_STATUS_CHECKS, "ci/test,ci/sast")
                .attr(Attributes.PROTECTION_ENFORCE_ADMINS, "true")
                .attr(Attributes.PROTECTION_ALLOW_FORCE_PUSHES, "false")
                .attr(Attributes.PROTECTION_ALLOW_DELETIONS, "false");
    }

    static Step tests(Outcome outcome, Instant at) {
        return event("tests-" + outcome, TEST_SUITE_FINISHED, at)
                .sha(MERGE)
                .run("run-7")
                .outcome(outcome)
                .attr(Attributes.TEST_SUITE, "unit")
                .step();
    }

    static Step build(String branch, Instant at) {
        return event("build-" + branch, BUILD_FINISHED, at)
                .sha(MERGE)
                .branch(branch)
                .digest(DIGEST)
                .run("run-8")
                .outcome(Outcome.SUCCESS)
                .step();
    }

    static Step emergencyDeploy(String env, Instant at) {
        return deploy("em-1", env, at).attr(Attributes.DEPLOY_EMERGENCY, "true").step();
    }

    static Step ticket(String kind, String refersTo, String labels, Instant at) {
        return event(
                        "ticket-" + kind + "-" + at.getEpochSecond(),
                        dev.vigil.schemas.PipelineEventKind.valueOf(kind),
                        at)
                .actor("oncall")
                .attr(Attributes.TICKET_ID, "OPS-17")
                .attr(Attributes.TICKET_URL, "https://tickets.acme.example/OPS-17")
                .attr(Attributes.TICKET_REFERS_TO, refersTo)
                .attr(Attributes.TICKET_LABELS, labels)
                .step();
    }

    static Step config(String personalData, String atRest, String retentionDays, Instant purgedAt) {
        return event("config-db-" + personalData + atRest + retentionDays, CONFIGURATION_REPORTED, T0)
                .service("customers-db")
                .attr(Attributes.CONFIG_RESOURCE, "arn:aws:rds:eu-west-1:123456789012:db:customers")
                .attr(Attributes.CONFIG_PERSONAL_DATA, personalData)
                .attr(Attributes.CONFIG_ENCRYPTED_AT_REST, atRest)
                .attr(Attributes.CONFIG_ENCRYPTED_IN_TRANSIT, "true")
                .attr(Attributes.CONFIG_RETENTION_DAYS, retentionDays)
                .attr(Attributes.CONFIG_PURGE_LAST_RUN, purgedAt.toString())
                .step();
    }

    static Step alert(String fp, int level, Instant at) {
        return scan("wazuh-" + fp, ScanCategory.IDS, at)
                .format(InputFormat.WAZUH)
                .finding(
                        fp,
                        level >= 12 ? Severity.HIGH : Severity.LOW,
                        FindingState.OPEN,
                        Map.of(Attributes.IDS_RULE_LEVEL, String.valueOf(level), Attributes.IDS_AGENT, "web-01"))
                .step();
    }

    static Inputs.EventBuilder incident(String kind, String id, Instant at) {
        return event("inc-" + kind + "-" + id, dev.vigil.schemas.PipelineEventKind.valueOf(kind), at)
                .env("production")
                .actor("oncall")
                .attr(Attributes.INCIDENT_ID, id);
    }

    public static List<ControlCase> all() {
        List<ControlCase> all = new ArrayList<>();
        // ---------------------------------------------------------------- change management
        all.add(c(
                "CM-01",
                PASS,
                "approved by another reviewer on the merged head",
                changeOpened(),
                review(REVIEWER, "approved", HEAD, mins(30)),
                advance(hours(1)),
                merged("main", hours(1))));
        all.add(c(
                "CM-01",
                FAIL,
                "approval given on an earlier head only",
                changeOpened(),
                review(REVIEWER, "approved", OLD_HEAD, mins(30)),
                advance(hours(1)),
                merged("main", hours(1))));
        all.add(c(
                "CM-01",
                FAIL,
                "only the author approved",
                changeOpened(),
                review(AUTHOR, "approved", HEAD, mins(30)),
                merged("main", hours(1))));
        all.add(c(
                "CM-01",
                PASS,
                "a later comment by the approver does not withdraw the approval",
                changeOpened(),
                review(REVIEWER, "approved", HEAD, mins(30)),
                review(REVIEWER, "commented", HEAD, mins(40)),
                advance(hours(1)),
                merged("main", hours(1))));
        all.add(c(
                "CM-01",
                FAIL,
                "approval dismissed before the merge",
                changeOpened(),
                review(REVIEWER, "approved", HEAD, mins(30)),
                review(REVIEWER, "dismissed", HEAD, mins(40)),
                advance(hours(1)),
                merged("main", hours(1))));
        all.add(c(
                "CM-01",
                NOT_APPLICABLE,
                "merged into an unprotected branch",
                changeOpened(),
                merged("release-candidate", hours(1))));

        all.add(c(
                "CM-02",
                PASS,
                "push to default branch explained by a merge",
                push(true, false, T0),
                merged("main", mins(1))));
        all.add(c("CM-02", FAIL, "force-push to the default branch", push(true, true, T0)));
        all.add(c("CM-02", FAIL, "direct push that no merge explains", push(true, false, T0), advance(mins(20))));
        all.add(c("CM-02", NOT_APPLICABLE, "push to a feature branch", push(false, false, T0)));

        all.add(c(
                "CM-03",
                PASS,
                "tests passed before deploy",
                tests(Outcome.SUCCESS, T0),
                advance(mins(10)),
                prod("d-1", mins(10))));
        all.add(c("CM-03", FAIL, "tests failed", tests(Outcome.FAILURE, T0), prod("d-1", mins(10))));
        all.add(c("CM-03", NOT_APPLICABLE, "staging deploy", staging("d-1", T0)));
        all.add(c(
                "CM-03",
                NOT_APPLICABLE,
                "GitHub deployment status failure",
                deploy("d-1", "production", T0).outcome(Outcome.FAILURE).step()));
        all.add(c(
                "CM-03",
                NOT_APPLICABLE,
                "GitHub deployment superseded (inactive, no outcome)",
                deploy("d-1", "production", T0).outcome(Outcome.UNKNOWN).step()));
        all.add(c(
                "CM-03",
                FAIL,
                "CDEvents service.deployed (no outcome) without tests",
                deploy("d-1", "production", T0)
                        .outcome(Outcome.UNKNOWN)
                        .format(InputFormat.CDEVENTS)
                        .step()));

        all.add(c("CM-04", PASS, "main fully protected", protection("main").step()));
        all.add(c(
                "CM-04",
                FAIL,
                "force-pushes allowed on main",
                protection("main")
                        .attr(Attributes.PROTECTION_ALLOW_FORCE_PUSHES, "true")
                        .step()));
        all.add(c(
                "CM-04",
                NOT_APPLICABLE,
                "rule for a feature branch",
                protection("feature/x").step()));

        all.add(c(
                "CM-05",
                PASS,
                "CDEvents approval.closed whose target URL names the deployment",
                event("approval-2", APPROVAL_DECIDED, T0)
                        .format(InputFormat.CDEVENTS)
                        .actor(APPROVER)
                        .attr(Attributes.APPROVAL_DECISION, "approved")
                        .attr(Attributes.APPROVAL_TARGET, "https://deploy.acme.example/deployments/d-1")
                        .step(),
                advance(mins(5)),
                prod("d-1", mins(5))));
        all.add(c(
                "CM-05",
                PASS,
                "approved by another person before deploy",
                event("approval-1", APPROVAL_DECIDED, T0)
                        .actor(APPROVER)
                        .attr(Attributes.APPROVAL_DECISION, "approved")
                        .attr(Attributes.APPROVAL_TARGET, "d-1")
                        .step(),
                advance(mins(5)),
                prod("d-1", mins(5))));
        all.add(c("CM-05", FAIL, "no approval", prod("d-1", T0)));
        all.add(c("CM-05", NOT_APPLICABLE, "staging deploy", staging("d-1", T0)));

        all.add(c("CM-06", PASS, "Monday morning deploy", prod("d-1", T0)));
        all.add(c("CM-06", FAIL, "Saturday deploy", advance(days(5)), prod("d-1", days(5))));
        all.add(c("CM-06", NOT_APPLICABLE, "declared emergency", emergencyDeploy("production", T0)));

        all.add(c(
                "CM-07",
                PASS,
                "emergency change ticket closed next day",
                emergencyDeploy("production", T0),
                advance(days(1)),
                ticket("TICKET_CLOSED", "em-1", "follow-up", days(1))));
        all.add(c(
                "CM-07",
                PASS,
                "emergency change reviewed retrospectively",
                emergencyDeploy("production", T0),
                advance(hours(5)),
                event("retro-review", CHANGE_REVIEWED, hours(5))
                        .change("42")
                        .actor(REVIEWER)
                        .attr(Attributes.REVIEW_STATE, "approved")
                        .attr(Attributes.REVIEW_COMMIT_SHA, MERGE)
                        .step()));
        all.add(c(
                "CM-07",
                FAIL,
                "no follow-up within 2 business days",
                emergencyDeploy("production", T0),
                advance(days(3))));
        all.add(c("CM-07", NOT_APPLICABLE, "emergency in staging", emergencyDeploy("staging", T0)));

        all.add(c(
                "CM-08", PASS, "digest built from main", build("main", T0), advance(mins(10)), prod("d-1", mins(10))));
        all.add(c("CM-08", FAIL, "digest built from a feature branch", build("feature/x", T0), prod("d-1", mins(10))));
        all.add(c("CM-08", NOT_APPLICABLE, "staging deploy", staging("d-1", T0)));

        // ---------------------------------------------------------------- vulnerability management
        all.add(c(
                "VM-01",
                PASS,
                "fresh SAST with only medium results",
                scan("sarif-1", ScanCategory.SAST, T0)
                        .sha(MERGE)
                        .finding("fp-m", Severity.MEDIUM)
                        .step(),
                advance(hours(2)),
                prod("d-1", hours(2))));
        all.add(c(
                "VM-01",
                FAIL,
                "SAST with an open high",
                scan("sarif-1", ScanCategory.SAST, T0)
                        .sha(MERGE)
                        .finding("fp-h", Severity.HIGH)
                        .step(),
                prod("d-1", hours(2))));
        all.add(c("VM-01", FAIL, "no SAST at all", prod("d-1", T0)));
        all.add(c("VM-01", NOT_APPLICABLE, "staging deploy", staging("d-1", T0)));

        all.add(c(
                "VM-02",
                PASS,
                "SBOM dependency scan of the digest 2 h before deploy",
                scan("osv-1", ScanCategory.SCA, T0)
                        .digest(DIGEST)
                        .format(InputFormat.OSV)
                        .finding("fp-l", Severity.LOW)
                        .step(),
                advance(hours(2)),
                prod("d-1", hours(2))));
        all.add(c(
                "VM-02",
                FAIL,
                "dependency scan two days old",
                scan("osv-1", ScanCategory.SCA, T0)
                        .sha(MERGE)
                        .format(InputFormat.OSV)
                        .step(),
                advance(days(2)),
                prod("d-1", days(2))));
        all.add(c("VM-02", NOT_APPLICABLE, "staging deploy", staging("d-1", T0)));

        all.add(c(
                "VM-03",
                PASS,
                "digest scanned 10 minutes after deploy",
                prod("d-1", T0),
                advance(mins(10)),
                scan("trivy-1", ScanCategory.CONTAINER, mins(10))
                        .digest(DIGEST)
                        .format(InputFormat.TRIVY)
                        .finding(
                                "CVE-2026-0001",
                                Severity.CRITICAL,
                                FindingState.OPEN,
                                Map.of(Attributes.FINDING_FIX_AVAILABLE, "false"))
                        .step()));
        all.add(c("VM-03", FAIL, "no scan within the grace period", prod("d-1", T0), advance(hours(2))));
        all.add(c(
                "VM-03",
                FAIL,
                "fixable critical in the deployed digest",
                scan("trivy-1", ScanCategory.CONTAINER, T0)
                        .digest(DIGEST)
                        .format(InputFormat.TRIVY)
                        .finding(
                                "CVE-2026-0002",
                                Severity.CRITICAL,
                                FindingState.OPEN,
                                Map.of(Attributes.FINDING_FIX_AVAILABLE, "true"))
                        .step(),
                advance(mins(30)),
                prod("d-1", mins(30))));
        all.add(c("VM-03", NOT_APPLICABLE, "staging deploy", staging("d-1", T0)));

        all.add(c(
                "VM-04",
                PASS,
                "IaC scanned clean before apply",
                scan("tf-1", ScanCategory.IAC, T0)
                        .sha(MERGE)
                        .finding("DS002", Severity.HIGH, FindingState.OPEN, Map.of(Attributes.FINDING_STATUS, "PASS"))
                        .step(),
                advance(mins(10)),
                prod("d-1", mins(10))));
        all.add(c(
                "VM-04",
                FAIL,
                "failing high misconfiguration",
                scan("tf-1", ScanCategory.IAC, T0)
                        .sha(MERGE)
                        .finding("DS002", Severity.HIGH, FindingState.OPEN, Map.of(Attributes.FINDING_STATUS, "FAIL"))
                        .step(),
                prod("d-1", mins(10))));
        all.add(c("VM-04", NOT_APPLICABLE, "staging deploy", staging("d-1", T0)));

        all.add(c(
                "VM-05",
                PASS,
                "deployed digest rescanned on day 6",
                prod("d-1", T0),
                scan("trivy-1", ScanCategory.CONTAINER, T0).digest(DIGEST).step(),
                advance(days(6)),
                scan("trivy-2", ScanCategory.CONTAINER, days(6)).digest(DIGEST).step(),
                advance(days(10))));
        all.add(c(
                "VM-05",
                FAIL,
                "not rescanned for 8 days",
                prod("d-1", T0),
                scan("trivy-1", ScanCategory.CONTAINER, T0).digest(DIGEST).step(),
                advance(days(8))));
        all.add(c("VM-05", NOT_APPLICABLE, "staging deploy", staging("d-1", T0)));

        all.add(c(
                "VM-06",
                PASS,
                "critical fixed within 15 days (absent from a later clean scan)",
                scan("grype-1", ScanCategory.CONTAINER, T0)
                        .digest(DIGEST)
                        .finding("CVE-2026-1000", Severity.CRITICAL)
                        .step(),
                advance(days(10)),
                scan("grype-2", ScanCategory.CONTAINER, days(10)).digest(DIGEST).step(),
                advance(days(20))));
        all.add(c(
                "VM-06",
                PASS,
                "critical declared not_affected by VEX",
                scan("grype-1", ScanCategory.SCA, T0)
                        .sha(MERGE)
                        .finding("CVE-2026-1000", Severity.CRITICAL)
                        .step(),
                advance(days(2)),
                scan("vex-1", ScanCategory.SCA, days(2))
                        .sha(MERGE)
                        .format(InputFormat.CYCLONEDX)
                        .finding(
                                "CVE-2026-1000",
                                Severity.CRITICAL,
                                FindingState.NOT_AFFECTED,
                                Map.of(Attributes.VEX_STATE, "not_affected"))
                        .step(),
                advance(days(20))));
        all.add(c(
                "VM-06",
                FAIL,
                "critical open past 15 days",
                scan("grype-1", ScanCategory.CONTAINER, T0)
                        .digest(DIGEST)
                        .finding("CVE-2026-1000", Severity.CRITICAL)
                        .step(),
                advance(days(16))));
        all.add(c(
                "VM-06",
                NOT_APPLICABLE,
                "medium finding has no SLA",
                scan("grype-1", ScanCategory.CONTAINER, T0)
                        .digest(DIGEST)
                        .finding("CVE-2026-2000", Severity.MEDIUM)
                        .step()));

        all.add(c(
                "VM-07",
                PASS,
                "suppression approved, justified and expiring in 30 days",
                scan("sarif-1", ScanCategory.SAST, T0)
                        .sha(MERGE)
                        .finding(
                                "fp-s",
                                Severity.HIGH,
                                FindingState.SUPPRESSED,
                                Map.of(
                                        Attributes.SUPPRESSION_APPROVER, "security-lead",
                                        Attributes.SUPPRESSION_JUSTIFICATION, "test fixture, not shipped",
                                        Attributes.SUPPRESSION_EXPIRES_AT, days(30).toString()))
                        .step()));
        all.add(c(
                "VM-07",
                FAIL,
                "suppression without approver or expiry",
                scan("sarif-1", ScanCategory.SAST, T0)
                        .sha(MERGE)
                        .finding(
                                "fp-s",
                                Severity.HIGH,
                                FindingState.SUPPRESSED,
                                Map.of(Attributes.SUPPRESSION_JUSTIFICATION, "false positive"))
                        .step()));
        all.add(c(
                "VM-07",
                NOT_APPLICABLE,
                "nothing suppressed",
                scan("sarif-1", ScanCategory.SAST, T0)
                        .sha(MERGE)
                        .finding("fp-h", Severity.HIGH)
                        .step()));

        // ---------------------------------------------------------------- secrets and supply chain
        all.add(c(
                "SEC-01",
                PASS,
                "clean secret scan before release",
                scan("gitleaks-1", ScanCategory.SECRET, T0)
                        .sha(MERGE)
                        .format(InputFormat.GITLEAKS)
                        .step(),
                prod("d-1", mins(5))));
        all.add(c(
                "SEC-01",
                FAIL,
                "open secret finding at release",
                scan("gitleaks-1", ScanCategory.SECRET, T0)
                        .sha(MERGE)
                        .format(InputFormat.GITLEAKS)
                        .finding("2222:config/app.yml:aws-access-token:12", Severity.HIGH)
                        .step(),
                prod("d-1", mins(5))));
        all.add(c("SEC-01", NOT_APPLICABLE, "staging deploy", staging("d-1", T0)));

        all.add(c(
                "SEC-02",
                PASS,
                "merge commit scanned for secrets",
                changeOpened(),
                merged("main", T0),
                advance(mins(10)),
                scan("gitleaks-1", ScanCategory.SECRET, mins(10))
                        .sha(MERGE)
                        .format(InputFormat.GITLEAKS)
                        .step()));
        all.add(c(
                "SEC-02",
                FAIL,
                "merge never scanned for secrets",
                changeOpened(),
                merged("main", T0),
                advance(hours(25))));
        all.add(c(
                "SEC-02",
                NOT_APPLICABLE,
                "no merged change yet",
                scan("gitleaks-1", ScanCategory.SECRET, T0)
                        .sha(HEAD)
                        .format(InputFormat.GITLEAKS)
                        .step()));

        all.add(c(
                "SC-01",
                PASS,
                "digest signed before deploy",
                event("signed-1", ARTIFACT_SIGNED, T0)
                        .digest(DIGEST)
                        .attr(Attributes.ARTIFACT_SIGNER, "ci@acme")
                        .step(),
                advance(mins(5)),
                prod("d-1", mins(5))));
        all.add(c("SC-01", FAIL, "unsigned digest", prod("d-1", T0)));
        all.add(c("SC-01", NOT_APPLICABLE, "staging deploy", staging("d-1", T0)));

        all.add(c(
                "SC-02",
                PASS,
                "provenance names the deployed commit",
                event("published-1", ARTIFACT_PUBLISHED, T0)
                        .digest(DIGEST)
                        .attr(Attributes.PROVENANCE_BUILDER_ID, "https://github.com/actions/runner")
                        .attr(Attributes.PROVENANCE_SOURCE_REPO, "github.com/acme/shop")
                        .attr(Attributes.PROVENANCE_SOURCE_SHA, MERGE)
                        .step(),
                prod("d-1", mins(5))));
        all.add(c(
                "SC-02",
                FAIL,
                "provenance of another commit",
                event("published-1", ARTIFACT_PUBLISHED, T0)
                        .digest(DIGEST)
                        .attr(Attributes.PROVENANCE_BUILDER_ID, "https://github.com/actions/runner")
                        .attr(Attributes.PROVENANCE_SOURCE_SHA, OLD_HEAD)
                        .step(),
                prod("d-1", mins(5))));
        all.add(c("SC-02", NOT_APPLICABLE, "staging deploy", staging("d-1", T0)));

        all.add(c(
                "SC-03",
                PASS,
                "SBOM published with the artifact",
                event("published-1", ARTIFACT_PUBLISHED, T0)
                        .digest(DIGEST)
                        .attr(Attributes.ARTIFACT_SBOM_URI, "https://artifacts.acme.example/sbom/shop.cdx.json")
                        .step(),
                prod("d-1", mins(5))));
        all.add(c("SC-03", FAIL, "no SBOM", prod("d-1", T0)));
        all.add(c("SC-03", NOT_APPLICABLE, "staging deploy", staging("d-1", T0)));

        // ---------------------------------------------------------------- data protection
        all.add(c("DP-01", PASS, "customer DB encrypted", config("true", "true", "90", days(-2))));
        all.add(c("DP-01", FAIL, "customer DB not encrypted at rest", config("true", "false", "90", days(-2))));
        all.add(c("DP-01", NOT_APPLICABLE, "no personal data", config("false", "false", "90", days(-2))));

        all.add(c("DP-02", PASS, "90-day retention, purged 2 days ago", config("true", "true", "90", days(-2))));
        all.add(c("DP-02", FAIL, "retention above a year", config("true", "true", "800", days(-2))));
        all.add(c("DP-02", FAIL, "purge job stale", config("true", "true", "90", days(-60))));
        all.add(c("DP-02", NOT_APPLICABLE, "no personal data", config("false", "true", "800", days(-2))));

        // ---------------------------------------------------------------- incident response
        all.add(c(
                "IR-01",
                PASS,
                "level-12 alert acknowledged after 20 minutes",
                alert("1700000000.123456", 12, T0),
                advance(mins(20)),
                ticket("TICKET_CREATED", "1700000000.123456", "security", mins(20)),
                advance(hours(3))));
        all.add(c(
                "IR-01",
                FAIL,
                "level-12 alert never acknowledged",
                alert("1700000000.123456", 12, T0),
                advance(hours(2))));
        all.add(c("IR-01", NOT_APPLICABLE, "level-5 alert", alert("1700000000.5", 5, T0)));

        all.add(c(
                "IR-02",
                PASS,
                "resolved with a post-mortem URL",
                incident("INCIDENT_DETECTED", "INC-1", T0)
                        .attr(Attributes.INCIDENT_SEVERITY, "high")
                        .step(),
                advance(hours(4)),
                incident("INCIDENT_RESOLVED", "INC-1", hours(4))
                        .attr(Attributes.INCIDENT_POSTMORTEM_URL, "https://wiki.acme.example/pm/INC-1")
                        .step()));
        all.add(c(
                "IR-02",
                PASS,
                "post-mortem ticket closed a week later",
                incident("INCIDENT_DETECTED", "INC-1", T0)
                        .attr(Attributes.INCIDENT_SEVERITY, "high")
                        .step(),
                incident("INCIDENT_RESOLVED", "INC-1", hours(4)).step(),
                advance(days(7)),
                ticket("TICKET_CLOSED", "INC-1", "postmortem", days(7))));
        all.add(c(
                "IR-02",
                FAIL,
                "no post-mortem after 10 business days",
                incident("INCIDENT_DETECTED", "INC-1", T0)
                        .attr(Attributes.INCIDENT_SEVERITY, "high")
                        .step(),
                incident("INCIDENT_RESOLVED", "INC-1", hours(4)).step(),
                advance(days(15))));
        all.add(c(
                "IR-02",
                NOT_APPLICABLE,
                "low-severity incident",
                incident("INCIDENT_DETECTED", "INC-2", T0)
                        .attr(Attributes.INCIDENT_SEVERITY, "low")
                        .step(),
                incident("INCIDENT_RESOLVED", "INC-2", hours(1)).step()));

        all.add(c(
                "IR-03",
                PASS,
                "breach notified after 48 h",
                incident("INCIDENT_DETECTED", "INC-3", T0)
                        .attr(Attributes.INCIDENT_PERSONAL_DATA_BREACH, "true")
                        .attr(Attributes.INCIDENT_AWARE_AT, T0.toString())
                        .step(),
                advance(hours(48)),
                incident("INCIDENT_REPORTED", "INC-3", hours(48))
                        .attr(Attributes.INCIDENT_NOTIFIED_AT, hours(48).toString())
                        .step(),
                advance(hours(80))));
        all.add(c(
                "IR-03",
                FAIL,
                "breach not notified within 72 h",
                incident("INCIDENT_DETECTED", "INC-3", T0)
                        .attr(Attributes.INCIDENT_PERSONAL_DATA_BREACH, "true")
                        .attr(Attributes.INCIDENT_AWARE_AT, T0.toString())
                        .step(),
                advance(hours(73))));
        all.add(c(
                "IR-03",
                NOT_APPLICABLE,
                "incident without personal data",
                incident("INCIDENT_DETECTED", "INC-4", T0)
                        .attr(Attributes.INCIDENT_SEVERITY, "medium")
                        .step()));
        return List.copyOf(all);
    }
}
