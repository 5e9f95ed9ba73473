package dev.vigil.ingest.adapter;

import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.ScanResult;
import java.util.Objects;

/**
 * What an adapter makes of one input. Sealed so the ingest endpoint handles every kind of record
 * explicitly.
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

    /** A scanner report (or one part of a split one) bound for vigil.scan-results. */
    record Scan(ScanResult scan) implements Normalized {

        public Scan {
            Objects.requireNonNull(scan, "scan");
        }

        @Override
        public String tenant() {
            return scan.getTenant();
        }

        @Override
        public String scope() {
            return scan.getScope();
        }

        @Override
        public Scan withScope(String scope) {
            return new Scan(ScanResult.newBuilder(scan).setScope(scope).build());
        }
    }
}
