package dev.vigil.controls.state;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of one subject ({@code tenant/scope}) while the engine evaluates one input or timer:
 * reads and writes go to the facet's store, so everything the engine writes commits atomically
 * with the verdicts it emits (exactly_once_v2). {@link InMemorySubjectState} serves tests.
 */
public interface SubjectState {

    String tenant();

    String scope();

    <T> Optional<T> get(Facet<T> facet, String id);

    <T> void put(Facet<T> facet, String id, T value);

    void delete(Facet<?> facet, String id);

    /** Every entry of the facet for this subject, ordered by id. */
    <T> List<Map.Entry<String, T>> entries(Facet<T> facet);
}
