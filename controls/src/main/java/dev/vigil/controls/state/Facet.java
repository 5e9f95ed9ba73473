package dev.vigil.controls.state;

import java.time.Duration;
import java.util.Objects;

/**
 * One kind of fact the engine keeps per subject (commits, artifacts, deployments, open findings,
 * incidents, open violations ...). The streams app backs each facet with its own RocksDB store
 * named {@code subject-<name>}, keyed {@code tenant/scope} plus the entry id, values as JSON of
 * {@code type} (so a fact type must be a Jackson-serializable record). State stays bounded: an
 * entry not written for {@code retention} may be dropped, and a subject keeps at most
 * {@code maxEntries} entries of the facet (the oldest-written go first).
 */
public record Facet<T>(String name, Class<T> type, Duration retention, int maxEntries) {

    public Facet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(retention, "retention");
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("facet name must be kebab-case: " + name);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
    }

    /** The store that holds this facet in the streams app. */
    public String storeName() {
        return "subject-" + name;
    }
}
