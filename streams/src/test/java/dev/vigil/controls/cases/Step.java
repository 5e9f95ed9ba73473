package dev.vigil.controls.cases;

import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.ScanResult;
import java.time.Instant;

/** LOCAL COPY for the streams branch: the controls module's test-jar provides this type at merge. */
public sealed interface Step {

    /** An input evaluated with now = the case's clock. */
    record Event(PipelineEvent event) implements Step {}

    record Scan(ScanResult scan) implements Step {}

    /** The clock moves to {@code at}; time-based controls due by then fire. */
    record AdvanceTo(Instant at) implements Step {}
}
