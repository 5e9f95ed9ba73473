package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.controls.Facets;
import dev.vigil.controls.facts.ChangeFact;
import dev.vigil.controls.facts.CommitFact;
import dev.vigil.controls.facts.LastResultFact;
import dev.vigil.controls.facts.ReviewFact;
import dev.vigil.controls.facts.RunFact;
import dev.vigil.controls.facts.ScanSummary;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FactEnvelopeTest {

    private static final ObjectMapper JSON = Json.mapper();
    private static final Instant AT = Instant.parse("2026-11-02T10:15:30.123456Z");

    private static CommitFact commit() {
        return new CommitFact(
                "a".repeat(40),
                "42",
                "main",
                AT,
                "p:0123456789abcdef0123456789abcdef",
                null,
                null,
                true,
                false,
                List.of(new RunFact("e0", "TEST_SUITE_FINISHED", "unit", "SUCCESS", AT)),
                Map.of(
                        "SECRET",
                        new ScanSummary(
                                "scan-1",
                                "src-1",
                                "SECRET",
                                "gitleaks",
                                "SARIF",
                                AT,
                                true,
                                Map.of("HIGH", 1),
                                0,
                                1,
                                "c".repeat(64))),
                List.of("e1", "e2"));
    }

    /** What the store held before: the tree-built envelope. */
    private static byte[] treeEnvelope(long writtenAt, Object value) throws Exception {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("writtenAt", writtenAt);
        envelope.set("value", JSON.valueToTree(value));
        return JSON.writeValueAsBytes(envelope);
    }

    @Test
    void shouldWriteTheSameBytesAsTheTreeEnvelopeAndReadThemBack() throws Exception {
        CommitFact commit = commit();
        byte[] bytes = FactEnvelope.encode(1_700_000_000_123L, commit);

        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo(new String(treeEnvelope(1_700_000_000_123L, commit), StandardCharsets.UTF_8));
        FactEnvelope envelope = new FactEnvelope(bytes);
        assertThat(envelope.writtenAt()).isEqualTo(1_700_000_000_123L);
        assertThat(envelope.value(Facets.COMMITS)).isEqualTo(commit);
    }

    @Test
    void shouldReadEnvelopesWhoseFieldsComeInAnyOrder() {
        ChangeFact change = new ChangeFact(
                "42",
                "p:author",
                "b".repeat(40),
                null,
                "main",
                null,
                "",
                Map.of("p:rev", new ReviewFact("p:rev", "approved", "b".repeat(40), AT, "e1")),
                List.of("e1"));
        String json = "{\"value\":"
                + new String(FactEnvelope.encode(0, change), StandardCharsets.UTF_8)
                        .replaceFirst("^\\{\"writtenAt\":0,\"value\":", "")
                        .replaceFirst("}$", "")
                + ",\"extra\":{\"x\":[1,2]},\"writtenAt\":77}";
        FactEnvelope envelope = new FactEnvelope(json.getBytes(StandardCharsets.UTF_8));

        assertThat(envelope.writtenAt()).isEqualTo(77L);
        assertThat(envelope.value(Facets.CHANGES)).isEqualTo(change);
        assertThat(FactEnvelope.writtenAtOf("{\"value\":{}}".getBytes(StandardCharsets.UTF_8)))
                .isZero();
    }

    @Test
    void shouldServeACachedFactOnlyForTheBytesItWasDecodedFrom() {
        FactCache cache = new FactCache(1024 * 1024);
        byte[] first = FactEnvelope.encode(1, new LastResultFact("PASS", AT));
        FactEnvelope a = cache.envelope("subject-last-results", "k", first);
        LastResultFact decoded = a.value(Facets.LAST_RESULTS);

        FactEnvelope again = cache.envelope("subject-last-results", "k", first.clone());
        assertThat(again).isSameAs(a);
        assertThat(again.value(Facets.LAST_RESULTS)).isSameAs(decoded);

        byte[] changed = FactEnvelope.encode(2, new LastResultFact("FAIL", AT));
        FactEnvelope fresh = cache.envelope("subject-last-results", "k", changed);
        assertThat(fresh).isNotSameAs(a);
        assertThat(fresh.value(Facets.LAST_RESULTS).result()).isEqualTo("FAIL");
        // Same key in another store is another entry.
        assertThat(cache.envelope("subject-commits", "k", changed)).isNotSameAs(fresh);
    }

    @Test
    void shouldStayWithinItsBudgetAndDecodeEveryTimeWhenDisabled() {
        byte[] bytes = FactEnvelope.encode(1, new LastResultFact("PASS", AT));
        // Per entry: 3 heap bytes per stored byte, 2 per key character, 200 for the entry.
        FactCache small = new FactCache(10L * (bytes.length * 3L + 2 * 7 + 200));
        for (int i = 0; i < 100; i++) {
            small.envelope("s", String.format(java.util.Locale.ROOT, "key-%03d", i), bytes);
        }
        assertThat(small.size()).isEqualTo(10);
        // The most recently used stay.
        assertThat(small.envelope("s", "key-099", bytes)).isSameAs(small.envelope("s", "key-099", bytes));

        FactCache off = new FactCache(0);
        assertThat(off.envelope("s", "k", bytes)).isNotSameAs(off.envelope("s", "k", bytes));
        assertThat(off.size()).isZero();
    }
}
