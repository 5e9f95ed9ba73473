package dev.vigil.controls.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link SubjectState} over maps, for tests and tools that evaluate without Kafka. */
public final class InMemorySubjectState implements SubjectState {

    private final String tenant;
    private final String scope;
    private final Map<String, TreeMap<String, Object>> facets = new TreeMap<>();

    public InMemorySubjectState(String tenant, String scope) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.scope = Objects.requireNonNull(scope, "scope");
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public String scope() {
        return scope;
    }

    @Override
    public <T> Optional<T> get(Facet<T> facet, String id) {
        return Optional.ofNullable(
                        facets.getOrDefault(facet.name(), new TreeMap<>()).get(id))
                .map(facet.type()::cast);
    }

    @Override
    public <T> void put(Facet<T> facet, String id, T value) {
        facets.computeIfAbsent(facet.name(), n -> new TreeMap<>())
                .put(id, facet.type().cast(value));
    }

    @Override
    public void delete(Facet<?> facet, String id) {
        TreeMap<String, Object> entries = facets.get(facet.name());
        if (entries != null) {
            entries.remove(id);
        }
    }

    @Override
    public <T> List<Map.Entry<String, T>> entries(Facet<T> facet) {
        List<Map.Entry<String, T>> out = new ArrayList<>();
        facets.getOrDefault(facet.name(), new TreeMap<>())
                .forEach((id, v) -> out.add(Map.entry(id, facet.type().cast(v))));
        return out;
    }
}
