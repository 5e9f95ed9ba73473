package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ceilings' material is what ingest and the streams app make of the inputs. */
class CeilingInputsTest {

    @Test
    void inputsBecomeIngestsWritesAndTrailDraftsWithRealVerdicts() {
        List<BenchInput> inputs = CeilingFixtures.inputs(3);

        CeilingInputs material = CeilingInputs.of(inputs, Topics.DEFAULT_PARTITIONS);

        assertThat(material.refused()).as(material.firstRefusal()).isZero();
        // 3 merges + 3 batches of 2 + 1 Trivy report (one part)
        assertThat(material.records()).hasSize(3 + 6 + 1);
        assertThat(material.records())
                .extracting(w -> w.topic())
                .containsOnly("vigil.pipeline-events", "vigil.scan-results");
        assertThat(new String(material.records().get(0).key(), StandardCharsets.UTF_8))
                .isEqualTo("acme/github.com/acme/repo-0");
        // One data key and at least one chunk per input, before its records.
        assertThat(material.evidence()).extracting(w -> w.topic()).contains("vigil.evidence-keys", "vigil.evidence");
        assertThat(material.evidence().stream().filter(w -> w.topic().equals("vigil.evidence-keys")))
                .hasSize(inputs.size());
        assertThat(material.writes())
                .hasSize(material.evidence().size() + material.records().size());
        assertThat(material.writes().get(0).topic()).isEqualTo("vigil.evidence-keys");

        assertThat(material.drafts()).hasSize(material.records().size());
        assertThat(material.drafts()).allSatisfy(d -> {
            assertThat(d.getKind()).isEqualTo(AuditRecordKind.INPUT);
            assertThat(d.getSeq()).isZero();
        });
        // The built-in catalog evaluated them: a merge gets verdicts of the change-management controls.
        AuditRecord merge = material.drafts().get(0);
        assertThat(merge.getEventType()).isEqualTo("pipeline.CHANGE_MERGED");
        assertThat(merge.getVerdicts()).isNotEmpty();
        assertThat(merge.getCatalogVersion()).isNotBlank();
        assertThat(material.drafts().get(material.drafts().size() - 1).getEventType())
                .startsWith("scan.");
    }

    @Test
    void refusedInputIsLeftOutAndNamed() {
        List<BenchInput> inputs = List.of(new BenchInput(
                "acme",
                "x",
                BenchInput.Mix.MERGE,
                "/v1/events",
                "application/cloudevents+json",
                "{}".getBytes(StandardCharsets.UTF_8),
                false));
        CeilingInputs material = CeilingInputs.of(inputs, 6);
        assertThat(material.refused()).isEqualTo(1);
        assertThat(material.firstRefusal()).startsWith("MERGE /v1/events: ");
        assertThat(material.records()).isEmpty();
    }
}
