package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchResultJsonTest {

    @Test
    void theFixtureRoundTripsThroughItsJson() throws Exception {
        BenchResult fixture = BenchResultFixtures.rich();
        String json = BenchResult.json().writeValueAsString(fixture);

        BenchResult back = BenchResult.json().readValue(json, BenchResult.class);

        assertThat(back).isEqualTo(fixture);
        assertThat(back.timeline()).hasSize(120);
        assertThat(back.timeline().get(50).processes()).hasSize(6);
        assertThat(BenchResult.json().writeValueAsString(back)).isEqualTo(json);
    }

    @Test
    void keysAreSnakeCase() throws Exception {
        JsonNode tree = BenchResult.json().readTree(BenchResult.json().writeValueAsString(BenchResultFixtures.rich()));

        assertThat(tree.path("vigil_version").asText()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(tree.path("started_at").asText()).isEqualTo("2026-11-24T08:00:00.125Z");
        assertThat(tree.path("environment").path("load_average_at_start").asDouble())
                .isEqualTo(0.42);
        JsonNode step = tree.path("steps").path(0);
        assertThat(step.path("inputs_accepted").asLong()).isEqualTo(3490);
        assertThat(step.path("offered_inputs_per_second").asDouble()).isEqualTo(250.0);
        assertThat(step.path("stage_rates_per_second").has("streams.evaluated")).isTrue();
        assertThat(step.path("searchable").path("histogram").path(0).has("upper_ms"))
                .isTrue();
        assertThat(absentOrNull(step, "saturation_reason")).isTrue();
        assertThat(tree.path("steps").path(4).path("saturation_reason").asText())
                .startsWith("accepted 66%");
        assertThat(tree.path("sustained")
                        .path("searchable_documents_per_second")
                        .asDouble())
                .isEqualTo(3150.75);
        assertThat(absentOrNull(tree.path("timeline").path(3), "searchable_p99_ms"))
                .isTrue();
        assertThat(tree.path("timeline")
                        .path(20)
                        .path("processes")
                        .path("streams")
                        .has("rss_bytes"))
                .isTrue();
        assertThat(tree.path("processes")
                        .path(2)
                        .path("rss_slope_bytes_per_hour")
                        .asDouble())
                .isEqualTo(36.0 * 1024 * 1024);
        assertThat(absentOrNull(tree.path("ratios").path(1), "stretch")).isTrue();
        assertThat(tree.path("ratios").path(0).path("denominator_value").asDouble())
                .isEqualTo(5000.0);

        List<String> camel = new ArrayList<>();
        propertyNames(tree, "", camel);
        assertThat(camel).as("camelCase property names").isEmpty();
    }

    /**
     * A null figure is written as JSON null or left out: {@code @JsonInclude(NON_NULL)} on BenchResult covers its own
     * components only, so today the nested records still write nulls (both read back the same).
     */
    private static boolean absentOrNull(JsonNode object, String field) {
        return !object.has(field) || object.get(field).isNull();
    }

    /** Record properties (not map keys such as setting or stage names) with an upper-case letter. */
    private static void propertyNames(JsonNode node, String path, List<String> camel) {
        if (node.isArray()) {
            for (JsonNode item : node) {
                propertyNames(item, path + "[]", camel);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        boolean mapOfNames = path.endsWith("settings")
                || path.endsWith("stage_rates_per_second")
                || path.endsWith("max_lag")
                || path.endsWith(".lag")
                || path.endsWith(".processes") && path.contains("timeline");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!mapOfNames && !e.getKey().matches("[a-z0-9_]+")) {
                camel.add(path + "." + e.getKey());
            }
            propertyNames(e.getValue(), path + "." + e.getKey(), camel);
        }
    }
}
