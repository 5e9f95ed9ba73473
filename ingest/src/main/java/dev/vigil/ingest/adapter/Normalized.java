package dev.vigil.ingest.adapter;

import dev.vigil.schemas.PipelineEvent;
import java.util.Objects;

/**
 * What an adapter makes of one input. Sealed so the ingest endpoint handles every kind of record
 * explicitly: scanner adapters add a {@code ScanResult} variant bound for vigil.scan-results.
 */
public sealed interface Normalized {

    String tenant();

    String scope();

    /** Overrides the scope the adapter derived (the caller's {@code ?scope=}). */
    Normalized withScope(String scope);

    /** A pipeline event bound for vigil.pipeline-events. */
    record Event(PipelineEvent event) implements Normalized {

        public Event {
            Objects.requireNonNull(event, "event");
        }

        @Override
        public String tenant() {
            return event.getTenant();
        }

        @Override
        public String scope() {
            return event.getScope();
        }

        @Override
        public Event withScope(String scope) {
            return new Event(PipelineEvent.newBuilder(event).setScope(scope).build());
        }
    }
}
