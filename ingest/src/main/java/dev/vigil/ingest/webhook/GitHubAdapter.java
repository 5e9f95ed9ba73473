package dev.vigil.ingest.webhook;

import static dev.vigil.ingest.webhook.Payload.bool;
import static dev.vigil.ingest.webhook.Payload.count;
import static dev.vigil.ingest.webhook.Payload.object;
import static dev.vigil.ingest.webhook.Payload.requireObject;
import static dev.vigil.ingest.webhook.Payload.text;
import static dev.vigil.ingest.webhook.Payload.time;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.adapter.InputAdapter;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.JsonInput;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEventKind;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * GitHub webhooks ({@code X-GitHub-Event}, JSON content type). Pull requests, reviews, pushes,
 * deployments, deployment statuses, workflow runs and branch protection rules are mapped to their
 * kinds; any other event GitHub sends is kept as an {@code UNKNOWN}-kind event (never dropped) so
 * the trail holds everything the hook delivered.
 */
public final class GitHubAdapter implements InputAdapter {

    public static final String EVENT_HEADER = "X-GitHub-Event";
    public static final String DELIVERY_HEADER = "X-GitHub-Delivery";
    static final String MEDIA_TYPE = "application/json";
    private static final String ZERO_SHA = "0000000000000000000000000000000000000000";

    @Override
    public String name() {
        return "github";
    }

    @Override
    public List<String> mediaTypes() {
        return List.of(MEDIA_TYPE);
    }

    @Override
    public boolean accepts(RawInput input) {
        return MEDIA_TYPE.equals(input.mediaType())
                && input.header(EVENT_HEADER).isPresent();
    }

    @Override
    public List<Normalized> normalize(RawInput input) throws InvalidInputException {
        byte[] json = Payload.jsonBody(input, true);
        String event = Payload.requireHeader(input, EVENT_HEADER).toLowerCase(Locale.ROOT);
        ObjectNode root = JsonInput.parseObject(json);
        Optional<String> action = text(root, "", "action");
        EventDraft d = new EventDraft();
        d.sourceType = "github:" + event + action.map(a -> "." + a).orElse("");
        JsonNode repository = object(root, "", "repository");
        String host = repositoryHost(repository);
        d.scope = scope(root, repository, host);
        JsonNode sender = object(root, "", "sender");
        d.actor(text(sender, "/sender", "login"), Optional.empty(), Optional.empty());
        switch (event) {
            case "pull_request" -> pullRequest(root, action.orElse(""), d);
            case "pull_request_review" -> review(root, d);
            case "push" -> push(root, repository, d);
            case "deployment" -> deployment(root, d);
            case "deployment_status" -> deploymentStatus(root, d);
            case "workflow_run" -> workflowRun(root, action.orElse(""), d);
            case "branch_protection_rule" -> protectionRule(root, action.orElse(""), d);
            default -> d.kind = PipelineEventKind.UNKNOWN;
        }
        String deliveryId = Payload.deliveryId(input, DELIVERY_HEADER);
        return List.of(new Normalized.Event(d.build(input, InputFormat.GITHUB, "https://" + host, deliveryId)));
    }

    private static String repositoryHost(JsonNode repository) throws InvalidInputException {
        return text(repository, "/repository", "html_url")
                .flatMap(Payload::host)
                .orElse("github.com");
    }

    /** {@code <host>/<owner>/<repo>}; without a repository, the organization, else the host alone. */
    private static String scope(JsonNode root, JsonNode repository, String host) throws InvalidInputException {
        Optional<String> fullName = text(repository, "/repository", "full_name");
        if (fullName.isPresent()) {
            return host + "/" + fullName.get();
        }
        if (!repository.isMissingNode()) {
            JsonInput.requireText(repository, "/repository", "full_name");
        }
        Optional<String> org = text(object(root, "", "organization"), "/organization", "login");
        return org.map(o -> host + "/" + o).orElse(host);
    }

    private static void pullRequest(JsonNode root, String action, EventDraft d) throws InvalidInputException {
        String p = "/pull_request";
        JsonNode pr = requireObject(root, "", "pull_request");
        change(pr, p, d);
        boolean merged = bool(pr, p, "merged").orElse(false);
        Optional<String> head = text(object(pr, p, "head"), p + "/head", "sha");
        d.kind = switch (action) {
            case "opened" -> PipelineEventKind.CHANGE_CREATED;
            case "closed" -> merged ? PipelineEventKind.CHANGE_MERGED : PipelineEventKind.CHANGE_ABANDONED;
            default -> PipelineEventKind.CHANGE_UPDATED;
        };
        if (merged) {
            Optional<String> mergeSha = text(pr, p, "merge_commit_sha");
            d.put(Attributes.CHANGE_MERGE_SHA, mergeSha);
            d.subject.setCommitSha(mergeSha.or(() -> head).orElse(null));
            Optional<String> mergedBy = text(object(pr, p, "merged_by"), p + "/merged_by", "login");
            d.put(Attributes.CHANGE_MERGED_BY, mergedBy);
            if (mergedBy.isPresent()) {
                d.actor(mergedBy, Optional.empty(), Optional.empty());
            }
            d.time(time(pr, p, "merged_at"));
        } else {
            // Unmerged, merge_commit_sha is only GitHub's test merge: not a commit on any branch.
            d.subject.setCommitSha(head.orElse(null));
            d.time(action.equals("closed") ? time(pr, p, "closed_at") : Optional.empty());
        }
        d.time(time(pr, p, "updated_at"));
    }

    /** What every pull-request-shaped payload says about the change itself. */
    private static void change(JsonNode pr, String p, EventDraft d) throws InvalidInputException {
        d.subject.setChangeId(text(pr, p, "number").orElse(null));
        JsonNode base = object(pr, p, "base");
        JsonNode head = object(pr, p, "head");
        Optional<String> target = text(base, p + "/base", "ref");
        d.subject.setBranch(target.orElse(null));
        d.put(Attributes.CHANGE_TARGET_BRANCH, target);
        d.put(Attributes.CHANGE_SOURCE_BRANCH, text(head, p + "/head", "ref"));
        d.put(Attributes.CHANGE_HEAD_SHA, text(head, p + "/head", "sha"));
        d.put(Attributes.CHANGE_AUTHOR, text(object(pr, p, "user"), p + "/user", "login"));
        d.put(Attributes.CHANGE_URL, text(pr, p, "html_url"));
        if (pr.has("labels")) {
            d.putList(Attributes.CHANGE_LABELS, Payload.texts(pr, p, "labels", "name"));
        }
    }

    private static void review(JsonNode root, EventDraft d) throws InvalidInputException {
        JsonNode review = requireObject(root, "", "review");
        JsonNode pr = requireObject(root, "", "pull_request");
        change(pr, "/pull_request", d);
        d.kind = PipelineEventKind.CHANGE_REVIEWED;
        d.put(Attributes.REVIEW_STATE, text(review, "/review", "state").map(s -> s.toLowerCase(Locale.ROOT)));
        Optional<String> reviewed = text(review, "/review", "commit_id");
        d.put(Attributes.REVIEW_COMMIT_SHA, reviewed);
        d.put(Attributes.REVIEW_ID, text(review, "/review", "id"));
        d.subject.setCommitSha(text(object(pr, "/pull_request", "head"), "/pull_request/head", "sha")
                .or(() -> reviewed)
                .orElse(null));
        Optional<String> reviewer = text(object(review, "/review", "user"), "/review/user", "login");
        if (reviewer.isPresent()) {
            d.actor(reviewer, Optional.empty(), Optional.empty());
        }
        d.time(time(review, "/review", "submitted_at"));
    }

    private static void push(JsonNode root, JsonNode repository, EventDraft d) throws InvalidInputException {
        String ref = Payload.requireText(root, "", "ref");
        Optional<String> before = text(root, "", "before");
        Optional<String> after = text(root, "", "after");
        boolean created = bool(root, "", "created").orElse(false);
        boolean deleted = bool(root, "", "deleted").orElse(false);
        d.put(Attributes.PUSH_REF, ref);
        d.put(Attributes.PUSH_BEFORE, before);
        d.put(Attributes.PUSH_AFTER, after);
        d.put(Attributes.PUSH_FORCED, bool(root, "", "forced"));
        if (root.has("commits")) {
            d.put(
                    Attributes.PUSH_COMMIT_COUNT,
                    String.valueOf(Payload.objects(root, "", "commits").size()));
        }
        JsonNode pusher = object(root, "", "pusher");
        Optional<String> login = d.actor == null ? Optional.empty() : Optional.of(d.actor.getId());
        d.actor(login.or(() -> unchecked(pusher, "name")), unchecked(pusher, "name"), unchecked(pusher, "email"));
        if (!deleted) {
            d.subject.setCommitSha(after.filter(a -> !a.equals(ZERO_SHA)).orElse(null));
        }
        d.time(time(repository, "/repository", "pushed_at"));
        if (!ref.startsWith("refs/heads/")) {
            // Tags (and other refs) are not branches: recorded, but under no branch kind a control would misread.
            d.kind = PipelineEventKind.UNKNOWN;
            return;
        }
        String branch = ref.substring("refs/heads/".length());
        d.subject.setBranch(branch);
        d.kind = deleted
                ? PipelineEventKind.BRANCH_DELETED
                : created ? PipelineEventKind.BRANCH_CREATED : PipelineEventKind.BRANCH_PUSHED;
        text(repository, "/repository", "default_branch")
                .ifPresent(def -> d.put(Attributes.PUSH_DEFAULT_BRANCH, String.valueOf(def.equals(branch))));
    }

    private static void deployment(JsonNode root, EventDraft d) throws InvalidInputException {
        JsonNode deployment = requireObject(root, "", "deployment");
        d.kind = PipelineEventKind.DEPLOYMENT_CREATED;
        deploymentFacts(deployment, "/deployment", d);
        Optional<String> creator = text(object(deployment, "/deployment", "creator"), "/deployment/creator", "login");
        if (creator.isPresent()) {
            d.actor(creator, Optional.empty(), Optional.empty());
        }
        text(object(root, "", "workflow_run"), "/workflow_run", "id").ifPresent(d.subject::setPipelineRunId);
        d.time(time(deployment, "/deployment", "created_at"));
    }

    private static void deploymentFacts(JsonNode deployment, String p, EventDraft d) throws InvalidInputException {
        d.subject.setCommitSha(text(deployment, p, "sha").orElse(null));
        Optional<String> environment = text(deployment, p, "environment");
        d.subject.setEnvironment(environment.orElse(null));
        d.put(Attributes.DEPLOY_TIER, environment.map(Payload::tier));
        d.put(Attributes.DEPLOY_ID, text(deployment, p, "id"));
        d.put(Attributes.DEPLOY_REF, text(deployment, p, "ref"));
        Optional<String> task = text(deployment, p, "task");
        d.put(Attributes.DEPLOY_TASK, task);
        JsonNode payload = deployment.get("payload");
        boolean flagged = payload != null
                && payload.isObject()
                && payload.path("emergency").isBoolean()
                && payload.path("emergency").booleanValue();
        if (flagged
                || task.map(t -> t.toLowerCase(Locale.ROOT).contains("hotfix")).orElse(false)) {
            d.put(Attributes.DEPLOY_EMERGENCY, "true");
        }
    }

    private static void deploymentStatus(JsonNode root, EventDraft d) throws InvalidInputException {
        JsonNode status = requireObject(root, "", "deployment_status");
        JsonNode deployment = object(root, "", "deployment");
        d.kind = PipelineEventKind.SERVICE_DEPLOYED;
        deploymentFacts(deployment, "/deployment", d);
        Optional<String> environment = text(status, "/deployment_status", "environment");
        if (environment.isPresent()) {
            d.subject.setEnvironment(environment.get());
            d.put(Attributes.DEPLOY_TIER, Payload.tier(environment.get()));
        }
        String state =
                Payload.requireText(status, "/deployment_status", "state").toLowerCase(Locale.ROOT);
        d.outcome = switch (state) {
            case "success" -> Outcome.SUCCESS;
            case "failure" -> Outcome.FAILURE;
            case "error" -> Outcome.ERROR;
            case "pending", "queued", "in_progress" -> Outcome.PENDING;
            // inactive: a later deployment superseded this one; it says nothing about success.
            default -> Outcome.UNKNOWN;
        };
        Optional<String> creator =
                text(object(status, "/deployment_status", "creator"), "/deployment_status/creator", "login");
        if (creator.isPresent()) {
            d.actor(creator, Optional.empty(), Optional.empty());
        }
        d.time(time(status, "/deployment_status", "created_at"));
    }

    private static void workflowRun(JsonNode root, String action, EventDraft d) throws InvalidInputException {
        String p = "/workflow_run";
        JsonNode run = requireObject(root, "", "workflow_run");
        d.kind = switch (action) {
            case "completed" -> PipelineEventKind.PIPELINE_RUN_FINISHED;
            case "in_progress" -> PipelineEventKind.PIPELINE_RUN_STARTED;
            case "requested" -> PipelineEventKind.PIPELINE_RUN_QUEUED;
            default -> PipelineEventKind.UNKNOWN;
        };
        d.subject.setPipelineRunId(text(run, p, "id").orElse(null));
        d.subject.setCommitSha(text(run, p, "head_sha").orElse(null));
        d.subject.setBranch(text(run, p, "head_branch").orElse(null));
        d.put(
                Attributes.PIPELINE_NAME,
                text(run, p, "name")
                        .or(() -> unchecked(root.path("workflow"), "name"))
                        .or(() -> unchecked(run, "path")));
        d.put(Attributes.PIPELINE_RUN_NUMBER, count(run, p, "run_number"));
        d.put(Attributes.PIPELINE_RUN_ATTEMPT, count(run, p, "run_attempt"));
        d.put(Attributes.PIPELINE_TRIGGER, text(run, p, "event"));
        d.put(Attributes.PIPELINE_URL, text(run, p, "html_url"));
        d.put(Attributes.PIPELINE_STARTED_AT, time(run, p, "run_started_at").map(Object::toString));
        if (action.equals("completed")) {
            d.put(Attributes.PIPELINE_FINISHED_AT, time(run, p, "updated_at").map(Object::toString));
            d.outcome = switch (text(run, p, "conclusion").orElse("").toLowerCase(Locale.ROOT)) {
                case "success" -> Outcome.SUCCESS;
                case "failure", "timed_out", "startup_failure" -> Outcome.FAILURE;
                case "cancelled", "skipped", "stale" -> Outcome.CANCELLED;
                case "action_required" -> Outcome.PENDING;
                default -> Outcome.UNKNOWN;
            };
        } else {
            d.outcome = Outcome.PENDING;
        }
        Optional<String> actor = text(object(run, p, "triggering_actor"), p + "/triggering_actor", "login")
                .or(() -> unchecked(run.path("actor"), "login"));
        if (actor.isPresent()) {
            d.actor(actor, Optional.empty(), Optional.empty());
        }
        d.time(time(run, p, "updated_at"));
    }

    private static void protectionRule(JsonNode root, String action, EventDraft d) throws InvalidInputException {
        String p = "/rule";
        JsonNode rule = requireObject(root, "", "rule");
        d.kind = PipelineEventKind.BRANCH_PROTECTION_CHANGED;
        d.subject.setBranch(text(rule, p, "name").orElse(null));
        d.put(Attributes.PROTECTION_ACTION, action);
        boolean deleted = action.equals("deleted");
        // A deleted rule protects nothing, whatever its last settings said.
        boolean reviewsEnforced = !deleted
                && !"off"
                        .equals(text(rule, p, "pull_request_reviews_enforcement_level")
                                .orElse(""));
        Optional<Long> approvals = count(rule, p, "required_approving_review_count");
        if (deleted || rule.has("pull_request_reviews_enforcement_level") || approvals.isPresent()) {
            d.put(Attributes.PROTECTION_REQUIRED_APPROVALS, String.valueOf(reviewsEnforced ? approvals.orElse(0L) : 0));
        }
        d.put(
                Attributes.PROTECTION_DISMISS_STALE_REVIEWS,
                bool(rule, p, "dismiss_stale_reviews_on_push").map(b -> b && !deleted));
        d.put(
                Attributes.PROTECTION_REQUIRE_CODE_OWNER_REVIEW,
                bool(rule, p, "require_code_owner_review").map(b -> b && !deleted));
        boolean checksEnforced = !deleted
                && !"off"
                        .equals(text(rule, p, "required_status_checks_enforcement_level")
                                .orElse(""));
        if (rule.has("required_status_checks")) {
            d.putList(
                    Attributes.PROTECTION_REQUIRED_STATUS_CHECKS,
                    checksEnforced ? Payload.strings(rule, p, "required_status_checks") : List.of());
        }
        Optional<Boolean> admins = bool(rule, p, "admin_enforced");
        d.put(Attributes.PROTECTION_ENFORCE_ADMINS, admins.map(b -> b && !deleted));
        // "off" means the allowance is off: force pushes / deletions are not allowed.
        d.put(
                Attributes.PROTECTION_ALLOW_FORCE_PUSHES,
                text(rule, p, "allow_force_pushes_enforcement_level").map(l -> deleted || !l.equals("off")));
        d.put(
                Attributes.PROTECTION_ALLOW_DELETIONS,
                text(rule, p, "allow_deletions_enforcement_level").map(l -> deleted || !l.equals("off")));
        d.time(time(rule, p, "updated_at"));
    }

    /** A text member where a wrong type is not worth refusing the webhook over (a fallback name). */
    private static Optional<String> unchecked(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        return node != null && node.isTextual() && !node.asText().isBlank()
                ? Optional.of(node.asText())
                : Optional.empty();
    }
}
