package dev.vigil.controls.cases;

import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.ScanResult;
import java.time.Instant;

/** One step of a {@link ControlCase}. */
public sealed interface Step permits Step.Event, Step.Scan, Step.AdvanceTo {

    /** Publish a pipeline event (engine: onEvent at the current clock). */
    record Event(PipelineEvent event) implements Step {}

    /** Publish a scan result or one part of it (engine: onScan at the current clock). */
    record Scan(ScanResult scan) implements Step {}

    /** Move the clock forward and run the subject's timers (engine: onTime). */
    record AdvanceTo(Instant at) implements Step {}
}
