package dev.vigil.schemas;

/**
 * The vocabulary of {@code PipelineEvent.attributes} and {@code Finding.attributes}: the one place
 * where ingest (which fills them from each native format) and the controls (whose CEL conditions
 * read them) agree on names. Values are flat strings: booleans are {@code "true"}/{@code "false"},
 * times ISO-8601 instants, lists comma-separated, counts decimal. An adapter sets only what its
 * format really says; a missing key means "unknown", never "false".
 *
 * <p>What {@code Subject} already carries (commit SHA, branch, change id, artifact digest,
 * environment, pipeline run, service) is not repeated here.
 */
public final class Attributes {

    private Attributes() {}

    // --- changes (CHANGE_*): subject.changeId = PR/MR number, subject.branch = target branch,
    // subject.commitSha = merge commit (merged) or head (others); actor = who acted.
    /** Login of the change's author. */
    public static final String CHANGE_AUTHOR = "change.author";
    /** Head commit SHA of the source branch (what reviewers saw last). */
    public static final String CHANGE_HEAD_SHA = "change.head-sha";
    /** Commit SHA the merge produced on the target branch. */
    public static final String CHANGE_MERGE_SHA = "change.merge-sha";

    public static final String CHANGE_SOURCE_BRANCH = "change.source-branch";
    public static final String CHANGE_TARGET_BRANCH = "change.target-branch";
    /** Login of who merged it. */
    public static final String CHANGE_MERGED_BY = "change.merged-by";
    /** Labels, comma-separated (an "emergency"/"hotfix" label marks an emergency change). */
    public static final String CHANGE_LABELS = "change.labels";

    public static final String CHANGE_URL = "change.url";
    /** Logins that approved the change, comma-separated, where the payload lists them. */
    public static final String CHANGE_APPROVERS = "change.approvers";

    // --- reviews (CHANGE_REVIEWED): actor = reviewer.
    /** approved | changes_requested | commented | dismissed | unapproved. */
    public static final String REVIEW_STATE = "review.state";
    /** The commit SHA the review was given on. */
    public static final String REVIEW_COMMIT_SHA = "review.commit-sha";

    public static final String REVIEW_ID = "review.id";

    // --- pushes (BRANCH_PUSHED, BRANCH_CREATED, BRANCH_DELETED): subject.commitSha = after.
    /** The full ref pushed (refs/heads/main, refs/tags/v1.2): tells tag pushes (no branch) apart. */
    public static final String PUSH_REF = "push.ref";

    public static final String PUSH_BEFORE = "push.before";
    public static final String PUSH_AFTER = "push.after";
    public static final String PUSH_FORCED = "push.forced";
    /** "true" when the pushed branch is the repository's default branch. */
    public static final String PUSH_DEFAULT_BRANCH = "push.default-branch";

    public static final String PUSH_COMMIT_COUNT = "push.commit-count";

    // --- branch protection (BRANCH_PROTECTION_CHANGED): subject.branch = the rule's pattern.
    /** created | edited | deleted. */
    public static final String PROTECTION_ACTION = "protection.action";

    public static final String PROTECTION_REQUIRED_APPROVALS = "protection.required-approvals";
    public static final String PROTECTION_DISMISS_STALE_REVIEWS = "protection.dismiss-stale-reviews";
    public static final String PROTECTION_REQUIRE_CODE_OWNER_REVIEW = "protection.require-code-owner-review";
    public static final String PROTECTION_REQUIRED_STATUS_CHECKS = "protection.required-status-checks";
    public static final String PROTECTION_ENFORCE_ADMINS = "protection.enforce-admins";
    public static final String PROTECTION_ALLOW_FORCE_PUSHES = "protection.allow-force-pushes";
    public static final String PROTECTION_ALLOW_DELETIONS = "protection.allow-deletions";

    // --- pipeline runs, builds, tests (PIPELINE_RUN_*, BUILD_*, TASK_RUN_*, TEST_*): outcome field
    // carries success/failure; subject.pipelineRunId, commitSha, branch.
    public static final String PIPELINE_NAME = "pipeline.name";
    public static final String PIPELINE_RUN_NUMBER = "pipeline.run-number";
    public static final String PIPELINE_RUN_ATTEMPT = "pipeline.run-attempt";
    /** What started it: push | pull_request | schedule | merge_request_event | manual ... */
    public static final String PIPELINE_TRIGGER = "pipeline.trigger";

    public static final String PIPELINE_URL = "pipeline.url";
    /** When the run started / finished (ISO-8601), where the payload says. */
    public static final String PIPELINE_STARTED_AT = "pipeline.started-at";

    public static final String PIPELINE_FINISHED_AT = "pipeline.finished-at";
    public static final String TEST_SUITE = "test.suite";

    // --- artifacts (ARTIFACT_*, BUILD_FINISHED): subject.artifactDigest / artifactName.
    public static final String ARTIFACT_SBOM_URI = "artifact.sbom-uri";
    /** "true" when a signature accompanied the event (the signature itself is evidence, not an attribute). */
    public static final String ARTIFACT_SIGNED = "artifact.signed";

    public static final String ARTIFACT_SIGNER = "artifact.signer";
    /** SLSA/in-toto provenance: builder id, source repository and source commit. */
    public static final String PROVENANCE_BUILDER_ID = "provenance.builder-id";

    public static final String PROVENANCE_SOURCE_REPO = "provenance.source-repo";
    public static final String PROVENANCE_SOURCE_SHA = "provenance.source-sha";

    // --- deployments (DEPLOYMENT_CREATED, SERVICE_DEPLOYED|UPGRADED|ROLLED_BACK|REMOVED):
    // subject.environment, commitSha, artifactDigest; outcome = the deployment's status.
    public static final String DEPLOY_ID = "deploy.id";
    /** production | staging | testing | development | other: the tier, normalized. */
    public static final String DEPLOY_TIER = "deploy.tier";

    public static final String DEPLOY_REF = "deploy.ref";
    public static final String DEPLOY_TASK = "deploy.task";
    /** "true" when marked as an emergency/hotfix change (label, task or payload flag). */
    public static final String DEPLOY_EMERGENCY = "deploy.emergency";
    /** Logins that approved the deployment, comma-separated, where the payload lists them. */
    public static final String DEPLOY_APPROVERS = "deploy.approvers";

    // --- approvals (APPROVAL_REQUESTED, APPROVAL_DECIDED): actor = the approver.
    /** approved | rejected | requestChanges | escalated | delegate | deferred. */
    public static final String APPROVAL_DECISION = "approval.decision";
    /** What was approved: a deploy id, a change id or a URL. */
    public static final String APPROVAL_TARGET = "approval.target";

    // --- incidents (INCIDENT_*) and tickets (TICKET_*).
    public static final String INCIDENT_ID = "incident.id";
    public static final String INCIDENT_SEVERITY = "incident.severity";
    /** "true" for a personal-data breach (GDPR Art. 33). */
    public static final String INCIDENT_PERSONAL_DATA_BREACH = "incident.personal-data-breach";
    /** When the controller became aware of the breach (ISO-8601): the 72 h clock starts here. */
    public static final String INCIDENT_AWARE_AT = "incident.aware-at";
    /** When the supervisory authority was notified (ISO-8601). */
    public static final String INCIDENT_NOTIFIED_AT = "incident.notified-at";

    public static final String INCIDENT_NOTIFICATION_DELAY_REASON = "incident.notification-delay-reason";
    public static final String INCIDENT_POSTMORTEM_URL = "incident.postmortem-url";
    public static final String TICKET_ID = "ticket.id";
    public static final String TICKET_URL = "ticket.url";
    public static final String TICKET_RESOLUTION = "ticket.resolution";
    public static final String TICKET_LABELS = "ticket.labels";
    /** Ids this ticket is about (alert fingerprints, incident ids, violation ids), comma-separated. */
    public static final String TICKET_REFERS_TO = "ticket.refers-to";

    // --- risk acceptance (RISK_ACCEPTED): actor = the officer; itself audited like any input.
    public static final String RISK_VIOLATION_ID = "risk.violation-id";
    public static final String RISK_CONTROL_ID = "risk.control-id";
    public static final String RISK_SUBJECT_KEY = "risk.subject-key";
    public static final String RISK_EXPIRES_AT = "risk.expires-at";
    public static final String RISK_JUSTIFICATION = "risk.justification";

    // --- trail access (TRAIL_ACCESSED, written by audit-api): actor = "key:<API key id>".
    /** What the caller did: search, detail, export, verify, evidence, posture ... */
    public static final String ACCESS_ACTION = "access.action";
    /** HTTP method and path, e.g. "GET /v1/audit/records". */
    public static final String ACCESS_REQUEST = "access.request";
    /** The query string as sent (never a secret: keys travel in headers). */
    public static final String ACCESS_QUERY = "access.query";
    /** The API key id (not the key) that made the request. */
    public static final String ACCESS_KEY_ID = "access.key-id";
    /** Roles of that key, comma-separated. */
    public static final String ACCESS_ROLES = "access.roles";

    // --- erasure (ERASURE_REQUESTED): the person is named only by pseudonym; see docs/erasure.md.
    /** Pseudonym of the person whose keys were destroyed. */
    public static final String ERASURE_PERSON = "erasure.person";
    /** Ticket or request reference the operator gave (the data subject's request). */
    public static final String ERASURE_REFERENCE = "erasure.reference";

    // --- configuration snapshots (CONFIGURATION_REPORTED): subject.service = the resource.
    public static final String CONFIG_RESOURCE = "config.resource";
    public static final String CONFIG_PERSONAL_DATA = "config.personal-data";
    public static final String CONFIG_ENCRYPTED_AT_REST = "config.encrypted-at-rest";
    public static final String CONFIG_ENCRYPTED_IN_TRANSIT = "config.encrypted-in-transit";
    public static final String CONFIG_RETENTION_DAYS = "config.retention-days";
    public static final String CONFIG_PURGE_LAST_RUN = "config.purge-last-run";

    // --- finding attributes (Finding.attributes).
    /** "true"/"false": whether a fixed version exists (fixedVersion may be absent even then). */
    public static final String FINDING_FIX_AVAILABLE = "finding.fix-available";
    /** IaC/cloud check status as the tool says it: FAIL | PASS | ... */
    public static final String FINDING_STATUS = "finding.status";
    /** Salted SHA-256 of a secret's value: the value itself never leaves ingest. */
    public static final String SECRET_HASH = "secret.hash";
    /** Commit the secret was found in. */
    public static final String SECRET_COMMIT = "secret.commit";

    public static final String SUPPRESSION_KIND = "suppression.kind";
    public static final String SUPPRESSION_JUSTIFICATION = "suppression.justification";
    public static final String SUPPRESSION_APPROVER = "suppression.approver";
    public static final String SUPPRESSION_EXPIRES_AT = "suppression.expires-at";
    /** VEX analysis state as written (not_affected, resolved, false_positive, exploitable, in_triage). */
    public static final String VEX_STATE = "vex.state";

    public static final String VEX_JUSTIFICATION = "vex.justification";
    /** IDS alerts (Wazuh/OSSEC): rule level 0-15, its SOC 2 TSC and GDPR tags, comma-separated. */
    public static final String IDS_RULE_LEVEL = "ids.rule-level";

    public static final String IDS_TSC = "ids.tsc";
    public static final String IDS_GDPR = "ids.gdpr";
    public static final String IDS_AGENT = "ids.agent";
    /** OCSF/cloud findings: the resource checked and the compliance frameworks the tool mapped. */
    public static final String CLOUD_RESOURCE = "cloud.resource";

    public static final String CLOUD_COMPLIANCE = "cloud.compliance";
}
