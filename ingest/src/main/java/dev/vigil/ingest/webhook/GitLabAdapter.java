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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * GitLab webhooks ({@code X-Gitlab-Event}, JSON). Merge Request, Pipeline, Deployment and Push
 * hooks are mapped; any other hook is kept as an {@code UNKNOWN}-kind event. The body's
 * {@code object_kind} decides, the header only has to be there (its values are display names).
 */
public final class GitLabAdapter implements InputAdapter {

    public static final String EVENT_HEADER = "X-Gitlab-Event";
    public static final String UUID_HEADER = "X-Gitlab-Event-UUID";
    static final String MEDIA_TYPE = "application/json";
    private static final String ZERO_SHA = "0000000000000000000000000000000000000000";
    private static final Pattern FULL_SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    @Override
    public String name() {
        return "gitlab";
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
        byte[] json = Payload.jsonBody(input, false);
        Payload.requireHeader(input, EVENT_HEADER);
        ObjectNode root = JsonInput.parseObject(json);
        String objectKind = Payload.requireText(root, "", "object_kind").toLowerCase(Locale.ROOT);
        JsonNode project = object(root, "", "project");
        String host = host(project, root);
        EventDraft d = new EventDraft();
        d.scope = scope(project, host, root);
        JsonNode user = object(root, "", "user");
        // Push hooks name the user in flat user_* members instead of a user object.
        d.actor(
                or(text(user, "/user", "username"), text(root, "", "user_username")),
                or(text(user, "/user", "name"), text(root, "", "user_name")),
                or(text(user, "/user", "email"), text(root, "", "user_email")));
        d.sourceType = "gitlab:" + objectKind;
        switch (objectKind) {
            case "merge_request" -> mergeRequest(root, d);
            case "pipeline" -> pipeline(root, project, d);
            case "deployment" -> deployment(root, d);
            case "push", "tag_push" -> push(root, project, objectKind, d);
            default -> d.kind = PipelineEventKind.UNKNOWN;
        }
        String deliveryId = Payload.deliveryId(input, UUID_HEADER);
        return List.of(new Normalized.Event(d.build(input, InputFormat.GITLAB, "https://" + host, deliveryId)));
    }

    /** The GitLab instance: from the project's web URL (or its older homepage field). */
    private static String host(JsonNode project, JsonNode root) throws InvalidInputException {
        return text(project, "/project", "web_url")
                .or(() -> unchecked(project, "homepage"))
                .or(() -> unchecked(root.path("repository"), "homepage"))
                .flatMap(Payload::host)
                .orElse("gitlab.com");
    }

    private static String scope(JsonNode project, String host, JsonNode root) throws InvalidInputException {
        if (project.isMissingNode()) {
            // System hooks and a few others have no project: the instance is the subject.
            return host;
        }
        return host + "/" + Payload.requireText(project, "/project", "path_with_namespace");
    }

    private static void mergeRequest(JsonNode root, EventDraft d) throws InvalidInputException {
        String p = "/object_attributes";
        JsonNode mr = requireObject(root, "", "object_attributes");
        String action = text(mr, p, "action").orElse("").toLowerCase(Locale.ROOT);
        d.sourceType = "gitlab:merge_request" + (action.isEmpty() ? "" : "." + action);
        d.subject.setChangeId(text(mr, p, "iid").orElse(null));
        Optional<String> target = text(mr, p, "target_branch");
        d.subject.setBranch(target.orElse(null));
        d.put(Attributes.CHANGE_TARGET_BRANCH, target);
        d.put(Attributes.CHANGE_SOURCE_BRANCH, text(mr, p, "source_branch"));
        Optional<String> head = text(object(mr, p, "last_commit"), p + "/last_commit", "id");
        d.put(Attributes.CHANGE_HEAD_SHA, head);
        d.put(Attributes.CHANGE_URL, text(mr, p, "url"));
        d.put(Attributes.CHANGE_AUTHOR, author(root, mr));
        List<String> labels = Payload.texts(root, "", "labels", "title");
        if (root.has("labels") || mr.has("labels")) {
            d.putList(Attributes.CHANGE_LABELS, labels.isEmpty() ? Payload.texts(mr, p, "labels", "title") : labels);
        }
        d.subject.setCommitSha(head.orElse(null));
        switch (action) {
            case "open" -> d.kind = PipelineEventKind.CHANGE_CREATED;
            case "close" -> d.kind = PipelineEventKind.CHANGE_ABANDONED;
            case "merge" -> {
                d.kind = PipelineEventKind.CHANGE_MERGED;
                Optional<String> mergeSha = text(mr, p, "merge_commit_sha");
                d.put(Attributes.CHANGE_MERGE_SHA, mergeSha);
                d.subject.setCommitSha(mergeSha.or(() -> head).orElse(null));
                d.put(Attributes.CHANGE_MERGED_BY, d.actor == null ? null : d.actor.getId());
            }
            case "approval", "approved" -> review(d, "approved", head);
            case "unapproval", "unapproved" -> review(d, "unapproved", head);
            default -> d.kind = PipelineEventKind.CHANGE_UPDATED;
        }
        d.time(time(mr, p, "updated_at"));
    }

    /**
     * GitLab reports a review as an MR action by {@code user}; the SHA it applies to is the MR's
     * last commit at that moment (GitLab resets approvals on new commits when so configured).
     */
    private static void review(EventDraft d, String state, Optional<String> head) {
        d.kind = PipelineEventKind.CHANGE_REVIEWED;
        d.put(Attributes.REVIEW_STATE, state);
        d.put(Attributes.REVIEW_COMMIT_SHA, head);
    }

    /**
     * The author's username. The payload names the author by numeric id only; the username is
     * found when that id appears as a user elsewhere in the payload (the acting user, an assignee,
     * a reviewer), else the id is kept as {@code id:<n>} so it is never mistaken for a username.
     */
    private static Optional<String> author(JsonNode root, JsonNode mr) throws InvalidInputException {
        Optional<String> authorId = text(mr, "/object_attributes", "author_id");
        if (authorId.isEmpty()) {
            return Optional.empty();
        }
        List<JsonNode> users = new ArrayList<>();
        users.add(root.path("user"));
        users.addAll(Payload.objects(root, "", "assignees"));
        users.addAll(Payload.objects(root, "", "reviewers"));
        for (JsonNode u : users) {
            if (u.path("id").asText("").equals(authorId.get())
                    && unchecked(u, "username").isPresent()) {
                return unchecked(u, "username");
            }
        }
        return Optional.of("id:" + authorId.get());
    }

    private static void pipeline(JsonNode root, JsonNode project, EventDraft d) throws InvalidInputException {
        String p = "/object_attributes";
        JsonNode run = requireObject(root, "", "object_attributes");
        String status = text(run, p, "status").orElse("").toLowerCase(Locale.ROOT);
        d.sourceType = "gitlab:pipeline" + (status.isEmpty() ? "" : "." + status);
        switch (status) {
            case "success", "failed", "canceled", "skipped" -> {
                d.kind = PipelineEventKind.PIPELINE_RUN_FINISHED;
                d.outcome = switch (status) {
                    case "success" -> Outcome.SUCCESS;
                    case "failed" -> Outcome.FAILURE;
                    default -> Outcome.CANCELLED;
                };
            }
            case "running" -> {
                d.kind = PipelineEventKind.PIPELINE_RUN_STARTED;
                d.outcome = Outcome.PENDING;
            }
            default -> {
                d.kind = PipelineEventKind.PIPELINE_RUN_QUEUED;
                d.outcome = Outcome.PENDING;
            }
        }
        Optional<String> id = text(run, p, "id");
        d.subject.setPipelineRunId(id.orElse(null));
        d.subject.setCommitSha(text(run, p, "sha").orElse(null));
        boolean tag = bool(run, p, "tag").orElse(false);
        if (!tag) {
            d.subject.setBranch(text(run, p, "ref").orElse(null));
        }
        d.subject.setChangeId(
                text(object(root, "", "merge_request"), "/merge_request", "iid").orElse(null));
        d.put(Attributes.PIPELINE_NAME, text(run, p, "name"));
        d.put(Attributes.PIPELINE_RUN_NUMBER, count(run, p, "iid"));
        d.put(Attributes.PIPELINE_TRIGGER, text(run, p, "source"));
        Optional<String> url = text(run, p, "url");
        if (url.isEmpty() && id.isPresent()) {
            url = text(project, "/project", "web_url").map(w -> w + "/-/pipelines/" + id.get());
        }
        d.put(Attributes.PIPELINE_URL, url);
        d.put(Attributes.PIPELINE_STARTED_AT, time(run, p, "created_at").map(Object::toString));
        Optional<String> finished = time(run, p, "finished_at").map(Object::toString);
        d.put(Attributes.PIPELINE_FINISHED_AT, finished);
        d.time(time(run, p, "finished_at"));
        d.time(time(run, p, "created_at"));
    }

    private static void deployment(JsonNode root, EventDraft d) throws InvalidInputException {
        String status = Payload.requireText(root, "", "status").toLowerCase(Locale.ROOT);
        d.sourceType = "gitlab:deployment." + status;
        d.kind = PipelineEventKind.SERVICE_DEPLOYED;
        d.outcome = switch (status) {
            case "success" -> Outcome.SUCCESS;
            case "failed" -> Outcome.FAILURE;
            case "canceled" -> Outcome.CANCELLED;
            case "running", "created", "blocked" -> Outcome.PENDING;
            default -> Outcome.UNKNOWN;
        };
        Optional<String> environment = text(root, "", "environment");
        d.subject.setEnvironment(environment.orElse(null));
        d.put(
                Attributes.DEPLOY_TIER,
                text(root, "", "environment_tier").map(Payload::tier).or(() -> environment.map(Payload::tier)));
        d.put(Attributes.DEPLOY_ID, text(root, "", "deployment_id"));
        d.put(Attributes.DEPLOY_REF, text(root, "", "ref"));
        // The hook carries only a short SHA; the full one ends the commit URL.
        Optional<String> commitUrl = text(root, "", "commit_url");
        commitUrl
                .map(u -> u.substring(u.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT))
                .filter(s -> FULL_SHA.matcher(s).matches())
                .ifPresent(d.subject::setCommitSha);
        d.time(time(root, "", "status_changed_at"));
    }

    private static void push(JsonNode root, JsonNode project, String objectKind, EventDraft d)
            throws InvalidInputException {
        String ref = Payload.requireText(root, "", "ref");
        Optional<String> before = text(root, "", "before");
        Optional<String> after = text(root, "", "after");
        d.put(Attributes.PUSH_REF, ref);
        d.put(Attributes.PUSH_BEFORE, before);
        d.put(Attributes.PUSH_AFTER, after);
        d.put(Attributes.PUSH_COMMIT_COUNT, count(root, "", "total_commits_count"));
        // GitLab's push hook has no "forced" flag: unknown, so the key stays absent.
        boolean created = before.map(ZERO_SHA::equals).orElse(false);
        boolean deleted = after.map(ZERO_SHA::equals).orElse(false);
        if (!deleted) {
            d.subject.setCommitSha(after.orElse(null));
        }
        if (objectKind.equals("tag_push") || !ref.startsWith("refs/heads/")) {
            d.kind = PipelineEventKind.UNKNOWN;
            return;
        }
        String branch = ref.substring("refs/heads/".length());
        d.subject.setBranch(branch);
        d.kind = deleted
                ? PipelineEventKind.BRANCH_DELETED
                : created ? PipelineEventKind.BRANCH_CREATED : PipelineEventKind.BRANCH_PUSHED;
        text(project, "/project", "default_branch")
                .ifPresent(def -> d.put(Attributes.PUSH_DEFAULT_BRANCH, String.valueOf(def.equals(branch))));
    }

    private static Optional<String> or(Optional<String> first, Optional<String> second) {
        return first.isPresent() ? first : second;
    }

    private static Optional<String> unchecked(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        return node != null && node.isTextual() && !node.asText().isBlank()
                ? Optional.of(node.asText())
                : Optional.empty();
    }
}
