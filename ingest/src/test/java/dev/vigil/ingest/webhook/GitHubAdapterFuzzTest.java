package dev.vigil.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.schemas.PipelineEvent;
import java.util.List;

/**
 * Any body under any GitHub event type is either mapped to exactly one well-formed event or
 * refused with a 400 problem: never an unchecked exception (which the endpoint would keep as a
 * 500 "adapter bug"). In the normal build this runs in regression mode over the seed corpus
 * (GitHubAdapterFuzzTestInputs: the shared samples); fuzz with {@code JAZZER_FUZZ=1}.
 */
class GitHubAdapterFuzzTest {

    static final List<String> EVENTS = List.of(
            "pull_request",
            "pull_request_review",
            "push",
            "deployment",
            "deployment_status",
            "workflow_run",
            "branch_protection_rule",
            "star");

    final GitHubAdapter adapter = new GitHubAdapter();

    @FuzzTest(maxDuration = "30s")
    void shouldMapOrRefuseAnyBodyUnderEveryEventType(byte[] body) {
        for (String event : EVENTS) {
            try {
                List<Normalized> records = adapter.normalize(WebhookSamples.github(event, "fuzz-delivery", body));
                assertThat(records).singleElement().isInstanceOfSatisfying(Normalized.Event.class, n -> {
                    PipelineEvent e = n.event();
                    assertThat(e.getScope()).isNotBlank();
                    assertThat(e.getSourceType()).startsWith("github:" + event);
                    assertThat(e.getSourceEventId()).isEqualTo("fuzz-delivery");
                });
            } catch (InvalidInputException e) {
                assertThat(e.problem().status()).isEqualTo(400);
                assertThat(e.problem().detail()).isNotBlank();
            }
        }
    }
}
