package dev.vigil.ingest.cdevents;

import dev.vigil.ingest.adapter.InputAdapter;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import java.util.ArrayList;
import java.util.List;

/**
 * CDEvents over CloudEvents 1.0 HTTP in all three modes, and bare:
 *
 * <ul>
 *   <li>structured: {@code application/cloudevents+json}, the CDEvent in {@code data};
 *   <li>batched: {@code application/cloudevents-batch+json}, a JSON array of structured events,
 *       one record each, all or nothing (a refusal points into the array: {@code /3/data/...});
 *   <li>binary: {@code application/json} with {@code ce-*} headers, the CDEvent as the body;
 *   <li>bare: {@code application/json} whose body has top-level {@code context} and {@code subject}.
 * </ul>
 *
 * Plain {@code application/json} is claimed only with a {@code ce-specversion} header or a
 * CDEvent-shaped body, so scanner reports sent as JSON reach their own adapters.
 */
public final class CDEventsAdapter implements InputAdapter {

    public static final String STRUCTURED = CloudEventsReader.STRUCTURED;
    public static final String BATCH = CloudEventsReader.BATCH;
    public static final String BARE = CloudEventsReader.JSON;

    @Override
    public String name() {
        return "cdevents";
    }

    @Override
    public List<String> mediaTypes() {
        return List.of(STRUCTURED, BATCH, BARE);
    }

    @Override
    public boolean accepts(RawInput input) {
        return CloudEventsReader.modeOf(input).isPresent();
    }

    @Override
    public List<Normalized> normalize(RawInput input) throws InvalidInputException {
        List<CDEvent> events = CloudEventsReader.read(input);
        List<Normalized> records = new ArrayList<>(events.size());
        for (CDEvent event : events) {
            records.add(new Normalized.Event(CDEventMapper.map(event, input)));
        }
        return records;
    }
}
