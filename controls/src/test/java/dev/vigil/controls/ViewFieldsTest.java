package dev.vigil.controls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.controls.cases.Inputs;
import dev.vigil.controls.state.InMemorySubjectState;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.ScanCategory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loader's field check must name exactly what the views carry. */
class ViewFieldsTest {

    static final Instant T = Instant.parse("2026-11-02T09:00:00Z");

    @Test
    void shouldNameExactlyTheFieldsOfEveryView() {
        InMemorySubjectState state = new InMemorySubjectState(Inputs.TENANT, Inputs.SCOPE);
        var event = Inputs.event("e1", PipelineEventKind.SERVICE_DEPLOYED, T)
                .env("production")
                .build();
        var scan = Inputs.scan("s1", ScanCategory.SAST, T).sha("abc").build();
        assertThat(Views.event(event).keySet()).containsExactlyInAnyOrderElementsOf(ViewFields.VARIABLES.get("event"));
        assertThat(Views.scan(new StateUpdater.ScanView(scan, List.of(), List.of("s1")))
                        .keySet())
                .containsExactlyInAnyOrderElementsOf(ViewFields.VARIABLES.get("scan"));
        @SuppressWarnings("unchecked")
        Map<String, Object> subject = (Map<String, Object>) Views.event(event).get("subject");
        assertThat(subject.keySet()).containsExactlyInAnyOrderElementsOf(ViewFields.SUBJECT);
        assertThat(Views.commit(state, "abc").keySet())
                .containsExactlyInAnyOrderElementsOf(ViewFields.VARIABLES.get("commit"));
        assertThat(Views.change(state, "1").keySet())
                .containsExactlyInAnyOrderElementsOf(ViewFields.VARIABLES.get("change"));
        assertThat(Views.artifact(state, "sha256:1").keySet())
                .containsExactlyInAnyOrderElementsOf(ViewFields.VARIABLES.get("artifact"));
        assertThat(Views.approval(state, List.of()).keySet())
                .containsExactlyInAnyOrderElementsOf(ViewFields.VARIABLES.get("approval"));
        assertThat(Views.state(state).keySet()).containsExactlyInAnyOrderElementsOf(ViewFields.VARIABLES.get("state"));
    }

    @Test
    void shouldFindAMisspeltFieldButNotAComprehensionVariable() {
        assertThat(ViewFields.unknownField("commit.runs.exists(r, r.kind == 'x')"))
                .isEmpty();
        assertThat(ViewFields.unknownField("commit.run.exists(r, r.kind == 'x')"))
                .get()
                .asString()
                .startsWith("unknown field 'commit.run'");
        assertThat(ViewFields.unknownField("'event.nope' == event.kind")).isEmpty();
        assertThat(ViewFields.unknownField("item.ackAtt == null"))
                .get()
                .asString()
                .contains("item.ackAtt");
    }
}
