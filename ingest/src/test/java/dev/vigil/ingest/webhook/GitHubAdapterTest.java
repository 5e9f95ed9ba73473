package dev.vigil.ingest.webhook;

import static dev.vigil.ingest.webhook.WebhookSamples.bytes;
import static dev.vigil.ingest.webhook.WebhookSamples.github;
import static dev.vigil.ingest.webhook.WebhookSamples.json;
import static dev.vigil.ingest.webhook.WebhookSamples.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.ingest.adapter.RecordIds;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitHubAdapterTest {

    static final String DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

    final GitHubAdapter adapter = new GitHubAdapter();

    PipelineEvent normalize(String event, byte[] body) throws InvalidInputException {
        List<Normalized> records = adapter.normalize(github(event, DELIVERY, body));
        assertThat(records).hasSize(1);
        return ((Normalized.Event) records.get(0)).event();
    }

    @Test
    void shouldMapAMergedPullRequestToChangeMergedWithMergeShaHeadShaAuthorMergerAndLabels() throws Exception {
        // Derived: the upstream example is closed without merge (merged:false); see WebhookSamples.
        PipelineEvent e = normalize("pull_request", write(WebhookSamples.mergedPullRequest()));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.CHANGE_MERGED);
        assertThat(e.getFormat()).isEqualTo(InputFormat.GITHUB);
        assertThat(e.getSourceType()).isEqualTo("github:pull_request.closed");
        assertThat(e.getScope()).isEqualTo("github.com/Codertocat/Hello-World");
        assertThat(e.getSource()).isEqualTo("https://github.com");
        assertThat(e.getSourceEventId()).isEqualTo(DELIVERY);
        assertThat(e.getId()).isEqualTo(RecordIds.of("acme", "https://github.com", DELIVERY));
        assertThat(e.getSubject().getChangeId()).isEqualTo("2");
        assertThat(e.getSubject().getBranch()).isEqualTo("master");
        assertThat(e.getSubject().getCommitSha()).isEqualTo("c4295bd74fb0f4fda03689c3df3f2803b658fd85");
        assertThat(e.getActor().getId()).isEqualTo("hubot");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2019-05-15T15:21:17Z"));
        assertThat(e.getAttributes())
                .containsEntry(Attributes.CHANGE_MERGE_SHA, "c4295bd74fb0f4fda03689c3df3f2803b658fd85")
                .containsEntry(Attributes.CHANGE_HEAD_SHA, "ec26c3e57ca3a959ca5aad62de7213c562f8c821")
                .containsEntry(Attributes.CHANGE_AUTHOR, "Codertocat")
                .containsEntry(Attributes.CHANGE_MERGED_BY, "hubot")
                .containsEntry(Attributes.CHANGE_LABELS, "bug")
                .containsEntry(Attributes.CHANGE_TARGET_BRANCH, "master")
                .containsEntry(Attributes.CHANGE_SOURCE_BRANCH, "changes")
                .containsEntry(Attributes.CHANGE_URL, "https://github.com/Codertocat/Hello-World/pull/2");
    }

    @Test
    void shouldMapAPullRequestClosedWithoutMergeToChangeAbandonedOnItsHeadSha() throws Exception {
        PipelineEvent e = normalize("pull_request", bytes("github/pull_request_closed.json"));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.CHANGE_ABANDONED);
        // merge_commit_sha of an unmerged PR is GitHub's test merge, on no branch: not the subject, not an attribute.
        assertThat(e.getSubject().getCommitSha()).isEqualTo("ec26c3e57ca3a959ca5aad62de7213c562f8c821");
        assertThat(e.getAttributes())
                .doesNotContainKeys(Attributes.CHANGE_MERGE_SHA, Attributes.CHANGE_MERGED_BY)
                .containsEntry(Attributes.CHANGE_AUTHOR, "Codertocat");
        assertThat(e.getActor().getId()).isEqualTo("Codertocat");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2019-05-15T15:21:18Z"));
    }

    @Test
    void shouldMapOpenedAndSynchronizedPullRequestsToCreatedAndUpdated() throws Exception {
        ObjectNode opened = json("github/pull_request_closed.json").put("action", "opened");
        ObjectNode synced = json("github/pull_request_closed.json").put("action", "synchronize");

        assertThat(normalize("pull_request", write(opened)).getKind()).isEqualTo(PipelineEventKind.CHANGE_CREATED);
        PipelineEvent updated = normalize("pull_request", write(synced));
        assertThat(updated.getKind()).isEqualTo(PipelineEventKind.CHANGE_UPDATED);
        assertThat(updated.getSourceType()).isEqualTo("github:pull_request.synchronize");
    }

    @Test
    void shouldMapASubmittedReviewToChangeReviewedByTheReviewerOnTheReviewedCommit() throws Exception {
        PipelineEvent e = normalize("pull_request_review", bytes("github/pull_request_review_submitted.json"));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.CHANGE_REVIEWED);
        assertThat(e.getSourceType()).isEqualTo("github:pull_request_review.submitted");
        assertThat(e.getSubject().getChangeId()).isEqualTo("2");
        assertThat(e.getActor().getId()).isEqualTo("Codertocat");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2019-05-15T15:20:38Z"));
        assertThat(e.getAttributes())
                .containsEntry(Attributes.REVIEW_STATE, "commented")
                .containsEntry(Attributes.REVIEW_COMMIT_SHA, "ec26c3e57ca3a959ca5aad62de7213c562f8c821")
                .containsEntry(Attributes.REVIEW_ID, "237895671")
                .containsEntry(Attributes.CHANGE_AUTHOR, "Codertocat");
    }

    @Test
    void shouldLowerCaseTheReviewState() throws Exception {
        ObjectNode root = json("github/pull_request_review_submitted.json");
        root.withObjectProperty("review").put("state", "APPROVED");
        root.withObjectProperty("review").withObjectProperty("user").put("login", "reviewer-1");

        PipelineEvent e = normalize("pull_request_review", write(root));

        assertThat(e.getAttributes()).containsEntry(Attributes.REVIEW_STATE, "approved");
        assertThat(e.getActor().getId()).isEqualTo("reviewer-1");
    }

    @Test
    void shouldKeepATagPushAsUnknownKindWithItsRef() throws Exception {
        // The upstream push example deletes the tag simple-tag.
        PipelineEvent e = normalize("push", bytes("github/push.json"));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.UNKNOWN);
        assertThat(e.getSourceType()).isEqualTo("github:push");
        assertThat(e.getSubject().getBranch()).isNull();
        assertThat(e.getSubject().getCommitSha()).isNull();
        assertThat(e.getAttributes())
                .containsEntry(Attributes.PUSH_REF, "refs/tags/simple-tag")
                .containsEntry(Attributes.PUSH_BEFORE, "6113728f27ae82c7b1a177c8d03f9e96e0adf246")
                .containsEntry(Attributes.PUSH_FORCED, "false")
                .containsEntry(Attributes.PUSH_COMMIT_COUNT, "0");
        assertThat(e.getActor().getId()).isEqualTo("Codertocat");
        assertThat(e.getActor().getEmail()).isEqualTo("21031067+Codertocat@users.noreply.github.com");
        // pushed_at is epoch seconds in push payloads.
        assertThat(e.getEventTime()).isEqualTo(Instant.ofEpochSecond(1557933657));
    }

    @Test
    void shouldMapAForcePushToTheDefaultBranch() throws Exception {
        ObjectNode root = json("github/push.json");
        root.put("ref", "refs/heads/master").put("deleted", false).put("forced", true);
        root.put("after", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");

        PipelineEvent e = normalize("push", write(root));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.BRANCH_PUSHED);
        assertThat(e.getSubject().getBranch()).isEqualTo("master");
        assertThat(e.getSubject().getCommitSha()).isEqualTo("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
        assertThat(e.getAttributes())
                .containsEntry(Attributes.PUSH_FORCED, "true")
                .containsEntry(Attributes.PUSH_DEFAULT_BRANCH, "true")
                .containsEntry(Attributes.PUSH_AFTER, "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
    }

    @Test
    void shouldMapBranchCreationAndDeletion() throws Exception {
        ObjectNode created = json("github/push.json");
        created.put("ref", "refs/heads/feature/x").put("deleted", false).put("created", true);
        created.put("after", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
        ObjectNode deleted = json("github/push.json").put("ref", "refs/heads/feature/x");

        PipelineEvent c = normalize("push", write(created));
        PipelineEvent d = normalize("push", write(deleted));

        assertThat(c.getKind()).isEqualTo(PipelineEventKind.BRANCH_CREATED);
        assertThat(c.getSubject().getBranch()).isEqualTo("feature/x");
        assertThat(c.getAttributes()).containsEntry(Attributes.PUSH_DEFAULT_BRANCH, "false");
        assertThat(d.getKind()).isEqualTo(PipelineEventKind.BRANCH_DELETED);
        assertThat(d.getSubject().getCommitSha()).isNull();
    }

    @Test
    void shouldMapADeploymentToDeploymentCreatedWithShaEnvironmentAndTier() throws Exception {
        PipelineEvent e = normalize("deployment", bytes("github/deployment.json"));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.DEPLOYMENT_CREATED);
        assertThat(e.getSubject().getCommitSha()).isEqualTo("f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
        assertThat(e.getSubject().getEnvironment()).isEqualTo("production");
        assertThat(e.getActor().getId()).isEqualTo("Codertocat");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2019-05-15T15:20:53Z"));
        assertThat(e.getAttributes())
                .containsEntry(Attributes.DEPLOY_ID, "145988746")
                .containsEntry(Attributes.DEPLOY_REF, "master")
                .containsEntry(Attributes.DEPLOY_TASK, "deploy")
                .containsEntry(Attributes.DEPLOY_TIER, "production")
                .doesNotContainKey(Attributes.DEPLOY_EMERGENCY);
    }

    @Test
    void shouldMapADeploymentStatusToServiceDeployedWithItsOutcome() throws Exception {
        PipelineEvent success = normalize("deployment_status", bytes("github/deployment_status.json"));
        ObjectNode failed = json("github/deployment_status.json");
        failed.withObjectProperty("deployment_status").put("state", "failure").put("environment", "live");

        assertThat(success.getKind()).isEqualTo(PipelineEventKind.SERVICE_DEPLOYED);
        assertThat(success.getOutcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(success.getSubject().getCommitSha()).isEqualTo("f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
        assertThat(success.getSubject().getEnvironment()).isEqualTo("production");
        assertThat(success.getAttributes())
                .containsEntry(Attributes.DEPLOY_TIER, "production")
                .containsEntry(Attributes.DEPLOY_ID, "145988746");
        assertThat(success.getEventTime()).isEqualTo(Instant.parse("2019-05-15T15:20:55Z"));
        PipelineEvent failure = normalize("deployment_status", write(failed));
        assertThat(failure.getOutcome()).isEqualTo(Outcome.FAILURE);
        assertThat(failure.getSubject().getEnvironment()).isEqualTo("live");
        assertThat(failure.getAttributes()).containsEntry(Attributes.DEPLOY_TIER, "production");
    }

    @Test
    void shouldNormalizeDeploymentTiers() {
        assertThat(List.of("production", "Prod", "live", "staging", "qa", "dev", "review/feature-1"))
                .map(Payload::tier)
                .containsExactly(
                        "production", "production", "production", "staging", "testing", "development", "other");
    }

    @Test
    void shouldMapACompletedWorkflowRunToPipelineRunFinished() throws Exception {
        PipelineEvent e = normalize("workflow_run", bytes("github/workflow_run_completed.json"));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.PIPELINE_RUN_FINISHED);
        assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(e.getScope()).isEqualTo("github.com/octo-org/octo-repo");
        assertThat(e.getSubject().getPipelineRunId()).isEqualTo("289782451");
        assertThat(e.getSubject().getCommitSha()).isEqualTo("3484a3fb816e0859fd6e1cea078d76385ff50625");
        assertThat(e.getSubject().getBranch()).isEqualTo("master");
        assertThat(e.getActor().getId()).isEqualTo("Codertocat");
        assertThat(e.getAttributes())
                // The run's own name is "" in this payload: the workflow's name stands in.
                .containsEntry(Attributes.PIPELINE_NAME, "test")
                .containsEntry(Attributes.PIPELINE_RUN_NUMBER, "163")
                .containsEntry(Attributes.PIPELINE_RUN_ATTEMPT, "1")
                .containsEntry(Attributes.PIPELINE_TRIGGER, "repository_dispatch")
                .containsEntry(Attributes.PIPELINE_STARTED_AT, "2020-10-05T16:33:49Z")
                .containsEntry(Attributes.PIPELINE_FINISHED_AT, "2020-10-05T16:33:49Z")
                .containsEntry(Attributes.PIPELINE_URL, "https://github.com/octo-org/octo-repo/actions/runs/289782451");
    }

    @Test
    void shouldMapATimedOutWorkflowRunToFailureAndAnInProgressOneToStarted() throws Exception {
        ObjectNode timedOut = json("github/workflow_run_completed.json");
        timedOut.withObjectProperty("workflow_run").put("conclusion", "timed_out");
        ObjectNode running = json("github/workflow_run_completed.json").put("action", "in_progress");

        assertThat(normalize("workflow_run", write(timedOut)).getOutcome()).isEqualTo(Outcome.FAILURE);
        PipelineEvent started = normalize("workflow_run", write(running));
        assertThat(started.getKind()).isEqualTo(PipelineEventKind.PIPELINE_RUN_STARTED);
        assertThat(started.getAttributes()).doesNotContainKey(Attributes.PIPELINE_FINISHED_AT);
    }

    @Test
    void shouldMapABranchProtectionRuleToItsProtectionSettings() throws Exception {
        PipelineEvent e = normalize("branch_protection_rule", write(WebhookSamples.branchProtectionRule()));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.BRANCH_PROTECTION_CHANGED);
        assertThat(e.getSubject().getBranch()).isEqualTo("master");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2021-08-20T13:00:00Z"));
        assertThat(e.getAttributes())
                .containsEntry(Attributes.PROTECTION_ACTION, "edited")
                .containsEntry(Attributes.PROTECTION_REQUIRED_APPROVALS, "2")
                .containsEntry(Attributes.PROTECTION_DISMISS_STALE_REVIEWS, "true")
                .containsEntry(Attributes.PROTECTION_REQUIRE_CODE_OWNER_REVIEW, "false")
                .containsEntry(Attributes.PROTECTION_REQUIRED_STATUS_CHECKS, "ci/build,sast")
                .containsEntry(Attributes.PROTECTION_ENFORCE_ADMINS, "true")
                .containsEntry(Attributes.PROTECTION_ALLOW_FORCE_PUSHES, "false")
                .containsEntry(Attributes.PROTECTION_ALLOW_DELETIONS, "true");
    }

    @Test
    void shouldCountNoRequiredApprovalsWhenReviewsAreNotEnforcedOrTheRuleIsDeleted() throws Exception {
        ObjectNode off = WebhookSamples.branchProtectionRule();
        off.withObjectProperty("rule").put("pull_request_reviews_enforcement_level", "off");
        ObjectNode deleted = WebhookSamples.branchProtectionRule().put("action", "deleted");

        assertThat(normalize("branch_protection_rule", write(off)).getAttributes())
                .containsEntry(Attributes.PROTECTION_REQUIRED_APPROVALS, "0");
        assertThat(normalize("branch_protection_rule", write(deleted)).getAttributes())
                .containsEntry(Attributes.PROTECTION_REQUIRED_APPROVALS, "0")
                .containsEntry(Attributes.PROTECTION_ENFORCE_ADMINS, "false")
                .containsEntry(Attributes.PROTECTION_ALLOW_FORCE_PUSHES, "true")
                .containsEntry(Attributes.PROTECTION_REQUIRED_STATUS_CHECKS, "");
    }

    @Test
    void shouldKeepAnEventTypeItDoesNotMapAsUnknownKindUnderTheRepository() throws Exception {
        ObjectNode star = json("github/push.json");
        star.removeAll();
        star.put("action", "created");
        star.set("repository", json("github/deployment.json").get("repository"));

        PipelineEvent e = normalize("star", write(star));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.UNKNOWN);
        assertThat(e.getSourceType()).isEqualTo("github:star.created");
        assertThat(e.getScope()).isEqualTo("github.com/Codertocat/Hello-World");
        assertThat(e.getEventTime())
                .isEqualTo(WebhookSamples.RECEIVED.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }

    @Test
    void shouldTakeTheScopeHostFromTheRepositoryUrlForGitHubEnterprise() throws Exception {
        ObjectNode root = json("github/deployment.json");
        root.withObjectProperty("repository").put("html_url", "https://ghe.acme.internal/Codertocat/Hello-World");

        PipelineEvent e = normalize("deployment", write(root));

        assertThat(e.getScope()).isEqualTo("ghe.acme.internal/Codertocat/Hello-World");
        assertThat(e.getSource()).isEqualTo("https://ghe.acme.internal");
    }

    @Test
    void shouldGiveTheSameDeliveryTheSameIdAndAnotherDeliveryAnother() throws Exception {
        byte[] body = bytes("github/deployment.json");
        String first = normalize("deployment", body).getId();
        String again = normalize("deployment", body).getId();
        String other = ((Normalized.Event) adapter.normalize(github("deployment", "other-delivery", body))
                        .get(0))
                .event()
                .getId();

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void shouldRefuseAPullRequestThatIsNotAnObjectNamingTheField() {
        ObjectNode root = json("github/pull_request_closed.json").put("pull_request", "nope");

        InvalidInputException e =
                catchThrowableOfType(InvalidInputException.class, () -> normalize("pull_request", write(root)));

        assertThat(e.pointer()).isEqualTo("/pull_request");
        assertThat(e.problem().status()).isEqualTo(400);
    }

    @Test
    void shouldRefuseADeliveryWithoutEventHeader() {
        RawInput input = RawInput.of(
                "acme", "application/json", Map.of(), bytes("github/deployment.json"), WebhookSamples.RECEIVED);

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> adapter.normalize(input));

        assertThat(e.problem().type()).endsWith("/invalid-header");
        assertThat(e.problem().detail()).contains("X-GitHub-Event");
        assertThat(adapter.accepts(input)).isFalse();
    }

    @Test
    void shouldReadTheFormEncodingGitHubDefaultsToAndRefuseOtherMediaTypes() throws Exception {
        byte[] json = bytes("github/deployment.json");
        byte[] form = ("payload="
                        + java.net.URLEncoder.encode(
                                new String(json, java.nio.charset.StandardCharsets.UTF_8),
                                java.nio.charset.StandardCharsets.UTF_8))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Map<String, List<String>> headers =
                Map.of("X-GitHub-Event", List.of("deployment"), "X-GitHub-Delivery", List.of(DELIVERY));

        PipelineEvent e = ((Normalized.Event) adapter.normalize(RawInput.of(
                                "acme", "application/x-www-form-urlencoded", headers, form, WebhookSamples.RECEIVED))
                        .get(0))
                .event();
        InvalidInputException text = catchThrowableOfType(
                InvalidInputException.class,
                () -> adapter.normalize(RawInput.of("acme", "text/plain", headers, json, WebhookSamples.RECEIVED)));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.DEPLOYMENT_CREATED);
        assertThat(e.getSubject().getCommitSha()).isEqualTo("f95f852bd8fca8fcc58a9a2d6c842781e32a215e");
        // The evidence is what was received (and signed): the form body, not the decoded JSON.
        assertThat(e.getEvidenceSha256()).isEqualTo(RawInput.sha256Hex(form));
        assertThat(text.problem().status()).isEqualTo(415);
        assertThat(text.problem().detail()).contains("application/json", "application/x-www-form-urlencoded");
    }
}
