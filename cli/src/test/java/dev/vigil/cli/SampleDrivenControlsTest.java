package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.controls.ControlCatalog;
import dev.vigil.controls.ControlEngine;
import dev.vigil.controls.ControlEngines;
import dev.vigil.controls.EngineResult;
import dev.vigil.controls.state.InMemorySubjectState;
import dev.vigil.ingest.adapter.InputAdapter;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.ingest.scan.ScanAdapters;
import dev.vigil.ingest.webhook.GitHubAdapter;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.ViolationState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real tool output, through the real ingest adapters, into the built-in catalog: the controls
 * judge what GitHub and Grype actually send, not hand-built records.
 */
class SampleDrivenControlsTest {

    static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
    final ControlEngine engine = ControlEngines.of(ControlCatalog.builtIn());

    @TempDir
    Path data;

    static ObjectNode sample(String path) {
        try (InputStream in = SampleDrivenControlsTest.class.getResourceAsStream("/samples/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + path);
            }
            return (ObjectNode) Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PipelineEvent github(String event, String delivery, ObjectNode body) throws Exception {
        RawInput input = RawInput.of(
                "acme",
                "application/json",
                Map.of(GitHubAdapter.EVENT_HEADER, List.of(event), GitHubAdapter.DELIVERY_HEADER, List.of(delivery)),
                Json.mapper().writeValueAsBytes(body),
                T0);
        List<Normalized> out = new GitHubAdapter().normalize(input);
        assertThat(out).hasSize(1);
        return ((Normalized.Event) out.get(0)).event();
    }

    /** The upstream example is closed without merge; merged here, into its own base branch. */
    static ObjectNode mergedPullRequest(String base) {
        ObjectNode root = sample("github/pull_request_closed.json");
        ObjectNode pr = root.withObjectProperty("pull_request");
        pr.put("merged", true);
        pr.put("merged_at", "2026-11-02T09:00:00Z");
        pr.put("merge_commit_sha", "1111111111111111111111111111111111111111");
        pr.set("merged_by", Json.mapper().createObjectNode().put("login", "hubot"));
        pr.withObjectProperty("base").put("ref", base);
        return root;
    }

    List<ControlVerdict> cm01After(ObjectNode review, ObjectNode merged) throws Exception {
        InMemorySubjectState state = new InMemorySubjectState("acme", "github.com/Codertocat/Hello-World");
        PipelineEvent reviewed = github("pull_request_review", "d-review", review);
        PipelineEvent merge = github("pull_request", "d-merge", merged);
        assertThat(reviewed.getScope()).isEqualTo(state.scope());
        engine.onEvent(reviewed, state, T0);
        return engine.onEvent(merge, state, T0.plusSeconds(60)).verdicts().stream()
                .filter(v -> v.getControlId().equals("CM-01"))
                .toList();
    }

    @Test
    void shouldFailIndependentReviewWhenTheOnlyReviewIsTheAuthorCommentingOnTheirOwnChange() throws Exception {
        // As published: Codertocat reviews (state "commented") their own pull request.
        List<ControlVerdict> verdicts =
                cm01After(sample("github/pull_request_review_submitted.json"), mergedPullRequest("master"));

        assertThat(verdicts).singleElement().satisfies(v -> {
            assertThat(v.getVerdict()).isEqualTo(VerdictResult.FAIL);
            assertThat(v.getRequirements()).contains("SOC2:CC8.1");
        });
    }

    @Test
    void shouldPassIndependentReviewWhenAnotherUserApprovedTheMergedHead() throws Exception {
        ObjectNode review = sample("github/pull_request_review_submitted.json");
        review.withObjectProperty("review").put("state", "approved");
        review.withObjectProperty("review").withObjectProperty("user").put("login", "octocat");

        List<ControlVerdict> verdicts = cm01After(review, mergedPullRequest("master"));

        assertThat(verdicts).singleElement().satisfies(v -> assertThat(v.getVerdict())
                .isEqualTo(VerdictResult.PASS));
    }

    @Test
    void shouldNotApplyIndependentReviewToAMergeIntoAnUnprotectedBranch() throws Exception {
        List<ControlVerdict> verdicts =
                cm01After(sample("github/pull_request_review_submitted.json"), mergedPullRequest("feature-x"));

        assertThat(verdicts).singleElement().satisfies(v -> assertThat(v.getVerdict())
                .isEqualTo(VerdictResult.NOT_APPLICABLE));
    }

    /** The README's "Try it" event, exactly as printed there, judged as the README says. */
    @Test
    void shouldJudgeTheReadmesExampleAsTheReadmeSays() throws Exception {
        String readme = java.nio.file.Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("-d '{", readme.indexOf("## Try it")) + 4;
        String body = readme.substring(start, readme.indexOf("}'", start) + 1);
        RawInput input = RawInput.of(
                "default",
                "application/cloudevents+json",
                Map.of(),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                T0);
        PipelineEvent merged = ((Normalized.Event) new dev.vigil.ingest.cdevents.CDEventsAdapter()
                        .normalize(input)
                        .get(0))
                .event();

        EngineResult result = engine.onEvent(merged, new InMemorySubjectState("default", merged.getScope()), T0);

        assertThat(merged.getScope()).isEqualTo("github.com/acme/shop");
        assertThat(readme).contains("CM-01 (independent review before merge) fails");
        assertThat(result.verdicts())
                .filteredOn(v -> v.getControlId().equals("CM-01"))
                .singleElement()
                .satisfies(v -> assertThat(v.getVerdict()).isEqualTo(VerdictResult.FAIL));
    }

    @Test
    void shouldOpenARemediationViolationOnlyForTheCriticalFindingPastItsFifteenDays() throws Exception {
        InputAdapter grype = ScanAdapters.all(ScanAdapters.hasher("k".repeat(32), data)).stream()
                .filter(a -> a.name().equals("grype"))
                .findFirst()
                .orElseThrow();
        RawInput input = RawInput.of(
                "acme",
                "application/json",
                Map.of(),
                Map.of("repository", "github.com/acme/busybox-image"),
                Json.mapper().writeValueAsBytes(sample("grype/busybox-1.32.1-image.json")),
                T0);
        InMemorySubjectState state = new InMemorySubjectState("acme", "github.com/acme/busybox-image");
        List<ScanResult> parts = grype.normalize(input).stream()
                .map(n -> ((Normalized.Scan) n).scan())
                .toList();
        // The SLA clock starts at first detection: the report's own scan time, not when we read it.
        Instant scanned = parts.get(0).getScannedAt();
        List<Violation> opened = new ArrayList<>();
        for (ScanResult part : parts) {
            EngineResult r = engine.onScan(part, state, scanned.plus(Duration.ofHours(1)));
            opened.addAll(r.violationChanges());
            assertThat(r.verdicts())
                    .filteredOn(v -> v.getControlId().equals("VM-06"))
                    .isNotEmpty()
                    .noneMatch(v -> v.getVerdict() == VerdictResult.FAIL);
        }

        // Sixteen days later: past the 15-day SLA for the one critical, within 30 days for the highs.
        EngineResult later = engine.onTime(state, scanned.plus(Duration.ofDays(16)));

        List<ControlVerdict> failing = later.verdicts().stream()
                .filter(v -> v.getControlId().equals("VM-06") && v.getVerdict() == VerdictResult.FAIL)
                .toList();
        assertThat(failing)
                .singleElement()
                .satisfies(v -> assertThat(v.getSeverity().name()).isEqualTo("HIGH"));
        assertThat(later.violationChanges())
                .filteredOn(v -> v.getControlId().equals("VM-06"))
                .singleElement()
                .satisfies(v -> assertThat(v.getState()).isEqualTo(ViolationState.OPENED));
        assertThat(opened).noneMatch(v -> v.getControlId().equals("VM-06"));
    }
}
