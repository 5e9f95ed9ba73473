package dev.vigil.controls;

import dev.vigil.controls.state.Facet;
import dev.vigil.controls.state.SubjectState;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.ScanResult;
import java.time.Instant;
import java.util.List;

/**
 * Evaluates the catalog against one subject's inputs. Pure: no I/O beyond the {@link SubjectState}
 * it is handed, time only from {@code now}, so the streams app and the tests get the same answers.
 */
public interface ControlEngine {

    String catalogVersion();

    /** Every facet the engine reads or writes; the streams app creates one store per facet. */
    List<Facet<?>> facets();

    /** Updates the subject's state with the event and evaluates the controls that apply to it. */
    EngineResult onEvent(PipelineEvent event, SubjectState state, Instant now);

    /** Updates the subject's state with the scan (or one part of it) and evaluates. */
    EngineResult onScan(ScanResult scan, SubjectState state, Instant now);

    /**
     * Time-based controls (SLAs, "no scan N minutes after a deploy", 72 h notification, expired
     * risk acceptances) for one subject, called at or after the wake-up time it last asked for.
     */
    EngineResult onTime(SubjectState state, Instant now);
}
