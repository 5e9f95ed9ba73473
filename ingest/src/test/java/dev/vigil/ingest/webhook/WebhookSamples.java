package dev.vigil.ingest.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.ingest.adapter.RawInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The webhook samples (src/test/resources/samples/github|gitlab) and the inputs built from them. */
public final class WebhookSamples {

    public static final Instant RECEIVED = Instant.parse("2024-06-01T10:00:00.123456Z");

    private WebhookSamples() {}

    public static byte[] bytes(String path) {
        try (InputStream in = WebhookSamples.class.getResourceAsStream("/samples/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode json(String path) {
        return parse(bytes(path));
    }

    public static ObjectNode parse(byte[] body) {
        try {
            return (ObjectNode) Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode parse(String body) {
        return parse(body.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] write(ObjectNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RawInput github(String event, String delivery, byte[] body) {
        return RawInput.of(
                "acme",
                "application/json",
                Map.of("X-GitHub-Event", List.of(event), "X-GitHub-Delivery", List.of(delivery)),
                body,
                RECEIVED);
    }

    public static RawInput gitlab(String event, String uuid, byte[] body) {
        return RawInput.of(
                "acme",
                "application/json",
                uuid == null
                        ? Map.of("X-Gitlab-Event", List.of(event))
                        : Map.of("X-Gitlab-Event", List.of(event), "X-Gitlab-Event-UUID", List.of(uuid)),
                body,
                RECEIVED);
    }

    /**
     * A GitHub {@code pull_request} "closed" delivery for a merged pull request, derived from the
     * upstream closed example (which is closed without merge): merged, merged_at, merged_by set.
     */
    public static ObjectNode mergedPullRequest() {
        ObjectNode root = json("github/pull_request_closed.json");
        ObjectNode pr = root.withObjectProperty("pull_request");
        pr.put("merged", true);
        pr.put("merged_at", "2019-05-15T15:21:17Z");
        pr.set(
                "merged_by",
                Json.mapper().createObjectNode().put("login", "hubot").put("type", "User"));
        return root;
    }

    /**
     * A {@code branch_protection_rule} "edited" delivery, written for these tests with the rule
     * fields GitHub documents for this event (there is no copy of an upstream example here).
     */
    public static ObjectNode branchProtectionRule() {
        return parse("""
                {"action": "edited",
                 "rule": {"id": 21796960, "repository_id": 186853002, "name": "master",
                          "created_at": "2021-08-19T12:16:32.000-04:00", "updated_at": "2021-08-20T09:00:00.000-04:00",
                          "pull_request_reviews_enforcement_level": "everyone",
                          "required_approving_review_count": 2,
                          "dismiss_stale_reviews_on_push": true,
                          "require_code_owner_review": false,
                          "required_status_checks": ["ci/build", "sast"],
                          "required_status_checks_enforcement_level": "non_admins",
                          "admin_enforced": true,
                          "allow_force_pushes_enforcement_level": "off",
                          "allow_deletions_enforcement_level": "everyone"},
                 "repository": {"id": 186853002, "name": "Hello-World", "full_name": "Codertocat/Hello-World",
                                "html_url": "https://github.com/Codertocat/Hello-World", "default_branch": "master"},
                 "sender": {"login": "Codertocat", "id": 21031067}}
                """);
    }

    /**
     * A GitLab {@code Push Hook} body, written for these tests with the members GitLab's webhook
     * events page documents for it (the shared samples have no push hook).
     */
    public static ObjectNode gitlabPush() {
        return parse("""
                {"object_kind": "push", "event_name": "push",
                 "before": "95790bf891e76fee5e1747ab589903a6a1f80f22",
                 "after": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
                 "ref": "refs/heads/master", "ref_protected": true,
                 "checkout_sha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
                 "user_id": 4, "user_name": "John Smith", "user_username": "jsmith", "user_email": "john@example.com",
                 "project_id": 15,
                 "project": {"id": 15, "name": "Diaspora", "web_url": "http://example.com/mike/diaspora",
                             "path_with_namespace": "mike/diaspora", "default_branch": "master"},
                 "commits": [{"id": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", "message": "fixed readme",
                              "timestamp": "2012-01-03T23:36:29+02:00"}],
                 "total_commits_count": 4}
                """);
    }
}
