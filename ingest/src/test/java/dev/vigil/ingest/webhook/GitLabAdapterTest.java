package dev.vigil.ingest.webhook;

import static dev.vigil.ingest.webhook.WebhookSamples.bytes;
import static dev.vigil.ingest.webhook.WebhookSamples.gitlab;
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
import org.junit.jupiter.api.Test;

class GitLabAdapterTest {

    static final String UUID = "2a6bd8e4-7b5a-4b8c-8f5e-0e8e0a3a1b11";

    final GitLabAdapter adapter = new GitLabAdapter();

    PipelineEvent normalize(String hook, byte[] body) throws InvalidInputException {
        return event(adapter.normalize(gitlab(hook, UUID, body)).get(0));
    }

    static PipelineEvent event(Normalized n) {
        return ((Normalized.Event) n).event();
    }

    static byte[] mergeRequest(String action) {
        ObjectNode root = json("gitlab/merge_request.json");
        root.withObjectProperty("object_attributes").put("action", action);
        return write(root);
    }

    @Test
    void shouldMapAnOpenedMergeRequestToChangeCreated() throws Exception {
        PipelineEvent e = normalize("Merge Request Hook", bytes("gitlab/merge_request.json"));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.CHANGE_CREATED);
        assertThat(e.getFormat()).isEqualTo(InputFormat.GITLAB);
        assertThat(e.getSourceType()).isEqualTo("gitlab:merge_request.open");
        assertThat(e.getScope()).isEqualTo("example.com/gitlabhq/gitlab-test");
        assertThat(e.getSource()).isEqualTo("https://example.com");
        assertThat(e.getSourceEventId()).isEqualTo(UUID);
        assertThat(e.getId()).isEqualTo(RecordIds.of("acme", "https://example.com", UUID));
        assertThat(e.getSubject().getChangeId()).isEqualTo("1");
        assertThat(e.getSubject().getBranch()).isEqualTo("master");
        assertThat(e.getSubject().getCommitSha()).isEqualTo("da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
        assertThat(e.getActor().getId()).isEqualTo("user1");
        assertThat(e.getActor().getEmail()).isEqualTo("user1@example.com");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2013-12-03T17:23:34Z"));
        assertThat(e.getAttributes())
                .containsEntry(Attributes.CHANGE_HEAD_SHA, "da1560886d4f094c3e6c9ef40349f7d38b5d27d7")
                .containsEntry(Attributes.CHANGE_SOURCE_BRANCH, "ms-viewport")
                .containsEntry(Attributes.CHANGE_TARGET_BRANCH, "master")
                .containsEntry(Attributes.CHANGE_LABELS, "API")
                .containsEntry(Attributes.CHANGE_URL, "http://example.com/diaspora/merge_requests/1")
                // author_id 51 appears as no user in this payload: kept as an id, never guessed as a username.
                .containsEntry(Attributes.CHANGE_AUTHOR, "id:51");
    }

    @Test
    void shouldResolveTheAuthorsUsernameWhenTheAuthorAppearsInThePayload() throws Exception {
        ObjectNode root = json("gitlab/merge_request.json");
        root.withObjectProperty("object_attributes").put("author_id", 1);

        PipelineEvent e = normalize("Merge Request Hook", write(root));

        assertThat(e.getAttributes()).containsEntry(Attributes.CHANGE_AUTHOR, "user1");
    }

    @Test
    void shouldMapAMergedMergeRequestToChangeMergedOnTheMergeCommit() throws Exception {
        // Derived from the open example: action merge and the merge commit GitLab adds on merge.
        ObjectNode root = WebhookSamples.parse(mergeRequest("merge"));
        root.withObjectProperty("object_attributes")
                .put("merge_commit_sha", "8c7f4e3b2a1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b");

        PipelineEvent e = normalize("Merge Request Hook", write(root));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.CHANGE_MERGED);
        assertThat(e.getSubject().getCommitSha()).isEqualTo("8c7f4e3b2a1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b");
        assertThat(e.getAttributes())
                .containsEntry(Attributes.CHANGE_MERGE_SHA, "8c7f4e3b2a1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b")
                .containsEntry(Attributes.CHANGE_MERGED_BY, "user1")
                .containsEntry(Attributes.CHANGE_HEAD_SHA, "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
    }

    @Test
    void shouldMapApprovalsToChangeReviewedApprovedAndUnapprovalsToUnapproved() throws Exception {
        PipelineEvent approval = normalize("Merge Request Hook", mergeRequest("approval"));
        PipelineEvent approved = normalize("Merge Request Hook", mergeRequest("approved"));
        PipelineEvent unapproval = normalize("Merge Request Hook", mergeRequest("unapproval"));
        PipelineEvent unapproved = normalize("Merge Request Hook", mergeRequest("unapproved"));

        assertThat(approval.getKind()).isEqualTo(PipelineEventKind.CHANGE_REVIEWED);
        assertThat(approval.getSourceType()).isEqualTo("gitlab:merge_request.approval");
        assertThat(approval.getActor().getId()).isEqualTo("user1");
        assertThat(approval.getAttributes())
                .containsEntry(Attributes.REVIEW_STATE, "approved")
                .containsEntry(Attributes.REVIEW_COMMIT_SHA, "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
        assertThat(approved.getAttributes()).containsEntry(Attributes.REVIEW_STATE, "approved");
        assertThat(unapproval.getAttributes()).containsEntry(Attributes.REVIEW_STATE, "unapproved");
        assertThat(unapproved.getKind()).isEqualTo(PipelineEventKind.CHANGE_REVIEWED);
        assertThat(unapproved.getAttributes()).containsEntry(Attributes.REVIEW_STATE, "unapproved");
    }

    @Test
    void shouldMapCloseToAbandonedAndUpdateOrReopenToUpdated() throws Exception {
        assertThat(normalize("Merge Request Hook", mergeRequest("close")).getKind())
                .isEqualTo(PipelineEventKind.CHANGE_ABANDONED);
        assertThat(normalize("Merge Request Hook", mergeRequest("update")).getKind())
                .isEqualTo(PipelineEventKind.CHANGE_UPDATED);
        assertThat(normalize("Merge Request Hook", mergeRequest("reopen")).getKind())
                .isEqualTo(PipelineEventKind.CHANGE_UPDATED);
    }

    @Test
    void shouldMapASuccessfulPipelineToPipelineRunFinished() throws Exception {
        PipelineEvent e = normalize("Pipeline Hook", bytes("gitlab/pipeline.json"));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.PIPELINE_RUN_FINISHED);
        assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(e.getSourceType()).isEqualTo("gitlab:pipeline.success");
        assertThat(e.getScope()).isEqualTo("192.168.64.1/gitlab-org/gitlab-test");
        assertThat(e.getSubject().getPipelineRunId()).isEqualTo("31");
        assertThat(e.getSubject().getCommitSha()).isEqualTo("bcbb5ec396a2c0f828686f14fac9b80b780504f2");
        assertThat(e.getSubject().getBranch()).isEqualTo("master");
        assertThat(e.getSubject().getChangeId()).isEqualTo("1");
        assertThat(e.getActor().getId()).isEqualTo("user1");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2016-08-12T15:26:29Z"));
        assertThat(e.getAttributes())
                .containsEntry(Attributes.PIPELINE_RUN_NUMBER, "123")
                .containsEntry(Attributes.PIPELINE_TRIGGER, "merge_request_event")
                .containsEntry(Attributes.PIPELINE_STARTED_AT, "2016-08-12T15:23:28Z")
                .containsEntry(Attributes.PIPELINE_FINISHED_AT, "2016-08-12T15:26:29Z")
                .containsEntry(
                        Attributes.PIPELINE_URL, "http://192.168.64.1:3005/gitlab-org/gitlab-test/-/pipelines/31");
    }

    @Test
    void shouldMapFailedAndRunningPipelines() throws Exception {
        ObjectNode failed = json("gitlab/pipeline.json");
        failed.withObjectProperty("object_attributes").put("status", "failed");
        ObjectNode running = json("gitlab/pipeline.json");
        running.withObjectProperty("object_attributes").put("status", "running");

        assertThat(normalize("Pipeline Hook", write(failed)).getOutcome()).isEqualTo(Outcome.FAILURE);
        assertThat(normalize("Pipeline Hook", write(running)).getKind())
                .isEqualTo(PipelineEventKind.PIPELINE_RUN_STARTED);
    }

    @Test
    void shouldMapADeploymentHookToServiceDeployedWithTheFullShaFromTheCommitUrl() throws Exception {
        PipelineEvent e = normalize("Deployment Hook", bytes("gitlab/deployment.json"));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.SERVICE_DEPLOYED);
        assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(e.getSourceType()).isEqualTo("gitlab:deployment.success");
        assertThat(e.getScope()).isEqualTo("10.126.0.2/root/test-deployment-webhooks");
        assertThat(e.getSubject().getEnvironment()).isEqualTo("staging");
        assertThat(e.getSubject().getCommitSha()).isEqualTo("279484c09fbe69ededfced8c1bb6e6d24616b468");
        assertThat(e.getActor().getId()).isEqualTo("user1");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2021-04-28T19:50:00Z"));
        assertThat(e.getAttributes())
                .containsEntry(Attributes.DEPLOY_TIER, "staging")
                .containsEntry(Attributes.DEPLOY_ID, "15")
                .containsEntry(Attributes.DEPLOY_REF, "1.0.0");
    }

    @Test
    void shouldPreferTheEnvironmentTierGitLabSends() throws Exception {
        ObjectNode root =
                json("gitlab/deployment.json").put("environment", "eu-west").put("environment_tier", "production");
        root.put("status", "failed");

        PipelineEvent e = normalize("Deployment Hook", write(root));

        assertThat(e.getAttributes()).containsEntry(Attributes.DEPLOY_TIER, "production");
        assertThat(e.getSubject().getEnvironment()).isEqualTo("eu-west");
        assertThat(e.getOutcome()).isEqualTo(Outcome.FAILURE);
    }

    @Test
    void shouldMapAPushHookToBranchPushed() throws Exception {
        PipelineEvent e = normalize("Push Hook", write(WebhookSamples.gitlabPush()));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.BRANCH_PUSHED);
        assertThat(e.getScope()).isEqualTo("example.com/mike/diaspora");
        assertThat(e.getSubject().getBranch()).isEqualTo("master");
        assertThat(e.getSubject().getCommitSha()).isEqualTo("da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
        assertThat(e.getActor().getId()).isEqualTo("jsmith");
        assertThat(e.getActor().getName()).isEqualTo("John Smith");
        assertThat(e.getAttributes())
                .containsEntry(Attributes.PUSH_REF, "refs/heads/master")
                .containsEntry(Attributes.PUSH_BEFORE, "95790bf891e76fee5e1747ab589903a6a1f80f22")
                .containsEntry(Attributes.PUSH_DEFAULT_BRANCH, "true")
                .containsEntry(Attributes.PUSH_COMMIT_COUNT, "4")
                // GitLab does not say whether a push was forced: unknown, so absent.
                .doesNotContainKey(Attributes.PUSH_FORCED);
    }

    @Test
    void shouldMapANewBranchPushToBranchCreated() throws Exception {
        ObjectNode root = WebhookSamples.gitlabPush()
                .put("before", "0000000000000000000000000000000000000000")
                .put("ref", "refs/heads/feature");

        PipelineEvent e = normalize("Push Hook", write(root));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.BRANCH_CREATED);
        assertThat(e.getAttributes()).containsEntry(Attributes.PUSH_DEFAULT_BRANCH, "false");
    }

    @Test
    void shouldKeepAHookItDoesNotMapAsUnknownKind() throws Exception {
        ObjectNode job = json("gitlab/pipeline.json").put("object_kind", "build");

        PipelineEvent e = normalize("Job Hook", write(job));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.UNKNOWN);
        assertThat(e.getSourceType()).isEqualTo("gitlab:build");
        assertThat(e.getScope()).isEqualTo("192.168.64.1/gitlab-org/gitlab-test");
    }

    @Test
    void shouldUseTheBodyDigestAsDeliveryIdWhenGitLabSendsNoUuid() throws Exception {
        RawInput input = gitlab("Pipeline Hook", null, bytes("gitlab/pipeline.json"));

        PipelineEvent e = event(adapter.normalize(input).get(0));

        assertThat(e.getSourceEventId()).isEqualTo("sha256:" + input.evidenceSha256());
    }

    @Test
    void shouldRefuseABodyWithoutObjectKind() {
        ObjectNode root = json("gitlab/pipeline.json");
        root.remove("object_kind");

        InvalidInputException e =
                catchThrowableOfType(InvalidInputException.class, () -> normalize("Pipeline Hook", write(root)));

        assertThat(e.pointer()).isEqualTo("/object_kind");
    }

    @Test
    void shouldRefuseAnUnreadableTimestampNamingIt() {
        ObjectNode root = json("gitlab/deployment.json").put("status_changed_at", "yesterday");

        InvalidInputException e =
                catchThrowableOfType(InvalidInputException.class, () -> normalize("Deployment Hook", write(root)));

        assertThat(e.pointer()).isEqualTo("/status_changed_at");
    }
}
