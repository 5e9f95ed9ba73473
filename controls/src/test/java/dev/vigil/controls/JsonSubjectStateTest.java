package dev.vigil.controls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vigil.controls.cases.ControlCase;
import dev.vigil.controls.cases.ControlCases;
import dev.vigil.controls.cases.Inputs;
import dev.vigil.controls.cases.Step;
import dev.vigil.controls.state.Facet;
import dev.vigil.controls.state.SubjectState;
import dev.vigil.schemas.ControlVerdict;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The streams app keeps every facet as JSON in RocksDB. Replaying all cases through a state that
 * stores nothing but JSON text (with Vigil's Jackson configuration) must give the same verdicts as
 * the in-memory state: every fact type survives the round trip.
 */
class JsonSubjectStateTest {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    static final class JsonState implements SubjectState {
        final Map<String, TreeMap<String, String>> stores = new TreeMap<>();

        @Override
        public String tenant() {
            return Inputs.TENANT;
        }

        @Override
        public String scope() {
            return Inputs.SCOPE;
        }

        @Override
        public <T> Optional<T> get(Facet<T> facet, String id) {
            String json =
                    stores.getOrDefault(facet.storeName(), new TreeMap<>()).get(id);
            return Optional.ofNullable(json).map(j -> read(j, facet.type()));
        }

        @Override
        public <T> void put(Facet<T> facet, String id, T value) {
            try {
                stores.computeIfAbsent(facet.storeName(), n -> new TreeMap<>())
                        .put(id, MAPPER.writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void delete(Facet<?> facet, String id) {
            stores.getOrDefault(facet.storeName(), new TreeMap<>()).remove(id);
        }

        @Override
        public <T> List<Map.Entry<String, T>> entries(Facet<T> facet) {
            List<Map.Entry<String, T>> out = new ArrayList<>();
            stores.getOrDefault(facet.storeName(), new TreeMap<>())
                    .forEach((k, v) -> out.add(Map.entry(k, read(v, facet.type()))));
            return out;
        }

        private static <T> T read(String json, Class<T> type) {
            try {
                return MAPPER.readValue(json, type);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static List<String> replay(ControlEngine engine, ControlCase c, SubjectState state) {
        Instant now = c.start();
        List<ControlVerdict> out = new ArrayList<>();
        for (Step step : c.steps()) {
            switch (step) {
                case Step.Event e ->
                    out.addAll(engine.onEvent(e.event(), state, now).verdicts());
                case Step.Scan s ->
                    out.addAll(engine.onScan(s.scan(), state, now).verdicts());
                case Step.AdvanceTo a -> {
                    now = a.at();
                    out.addAll(engine.onTime(state, now).verdicts());
                }
            }
        }
        return out.stream()
                .map(v -> v.getId() + "=" + v.getVerdict() + ":" + v.getReason())
                .toList();
    }

    @Test
    void shouldGiveTheSameVerdictsWhenEveryFactIsStoredAsJson() {
        ControlEngine engine = ControlEngines.of(ControlCatalog.builtIn());
        int facts = 0;
        for (ControlCase c : ControlCases.all()) {
            JsonState json = new JsonState();
            List<String> viaJson = replay(engine, c, json);
            List<String> inMemory =
                    replay(engine, c, new dev.vigil.controls.state.InMemorySubjectState(Inputs.TENANT, Inputs.SCOPE));
            assertThat(viaJson).as(c.toString()).isEqualTo(inMemory);
            facts += json.stores.values().stream().mapToInt(Map::size).sum();
        }
        assertThat(facts).isGreaterThan(100);
    }

    @Test
    void shouldDeclareEveryFacetWithABoundAndAUniqueStore() {
        ControlEngine engine = ControlEngines.of(ControlCatalog.builtIn());
        assertThat(engine.facets())
                .extracting(Facet::storeName)
                .doesNotHaveDuplicates()
                .contains("subject-violations");
        assertThat(engine.facets()).allSatisfy(f -> {
            assertThat(f.maxEntries()).isBetween(1, 20_000);
            assertThat(f.retention().toDays()).isBetween(1L, 800L);
        });
    }
}
