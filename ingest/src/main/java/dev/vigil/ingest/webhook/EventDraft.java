package dev.vigil.ingest.webhook;

import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.ingest.adapter.RecordIds;
import dev.vigil.schemas.Actor;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.Subject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The facts one webhook yields, gathered while reading, then built into a {@link PipelineEvent}. */
final class EventDraft {

    PipelineEventKind kind = PipelineEventKind.UNKNOWN;
    String sourceType;
    String scope;
    Instant eventTime;
    Actor actor;
    Outcome outcome = Outcome.UNKNOWN;
    final Subject subject = Subject.newBuilder().build();
    final Map<String, String> attributes = new LinkedHashMap<>();

    void put(String key, Optional<?> value) {
        value.ifPresent(v -> attributes.put(key, v.toString()));
    }

    void put(String key, String value) {
        if (value != null && !value.isBlank()) {
            attributes.put(key, value);
        }
    }

    /** Comma-separated, as {@code Attributes} wants lists; an empty list is still a fact ("no labels"). */
    void putList(String key, Collection<String> values) {
        attributes.put(key, String.join(",", values));
    }

    void actor(Optional<String> id, Optional<String> name, Optional<String> email) {
        if (id.isPresent()) {
            actor = Actor.newBuilder()
                    .setId(id.get())
                    .setName(name.orElse(null))
                    .setEmail(email.orElse(null))
                    .build();
        }
    }

    void time(Optional<Instant> t) {
        if (eventTime == null && t.isPresent()) {
            eventTime = t.get();
        }
    }

    /**
     * The record. Its id is the name-based UUID of tenant, producer and delivery id, so a
     * redelivery of the same webhook carries the same id and is recognised as a duplicate.
     */
    PipelineEvent build(RawInput input, InputFormat format, String source, String deliveryId) {
        return PipelineEvent.newBuilder()
                .setId(RecordIds.of(input.tenant(), source, deliveryId))
                .setTenant(input.tenant())
                .setScope(scope)
                .setKind(kind)
                .setSourceType(sourceType)
                .setFormat(format)
                .setSource(source)
                .setSourceEventId(deliveryId)
                .setEventTime((eventTime == null ? input.receivedAt() : eventTime).truncatedTo(ChronoUnit.MICROS))
                .setReceivedAt(input.receivedAt().truncatedTo(ChronoUnit.MILLIS))
                .setSubject(subject)
                .setActor(actor)
                .setOutcome(outcome)
                .setAttributes(Map.copyOf(attributes))
                .setEvidenceSha256(input.evidenceSha256())
                .setEvidenceSize(input.evidenceSize())
                .setCustomData(null)
                .build();
    }
}
