package dev.vigil.ingest.cdevents;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.serde.AvroSerde;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Any bytes in any mode are either records the registry serde can carry or a refusal with a
 * problem; anything else (a runtime exception) would reach the client as a 500. Runs the seed
 * corpus ({@code CDEventsAdapterFuzzTestInputs/}) in the normal build; fuzz with
 * {@code JAZZER_FUZZ=1}.
 */
class CDEventsAdapterFuzzTest {

    static final CDEventsAdapter ADAPTER = new CDEventsAdapter();
    static final AvroSerde<PipelineEvent> SERDE = AvroSerde.of(PipelineEvent.class);

    @FuzzTest(maxDuration = "30s")
    void structured(byte[] body) {
        check(RawInput.of("acme", CDEventsAdapter.STRUCTURED, Map.of(), body, Samples.RECEIVED));
    }

    @FuzzTest(maxDuration = "30s")
    void batch(byte[] body) {
        check(RawInput.of("acme", CDEventsAdapter.BATCH, Map.of(), body, Samples.RECEIVED));
    }

    @FuzzTest(maxDuration = "30s")
    void bare(byte[] body) {
        check(RawInput.of("acme", CDEventsAdapter.BARE, Map.of(), body, Samples.RECEIVED));
    }

    @FuzzTest(maxDuration = "30s")
    void binary(FuzzedDataProvider data) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("ce-specversion", List.of(data.consumeBoolean() ? "1.0" : data.consumeString(8)));
        for (String name :
                List.of("ce-id", "ce-source", "ce-type", "ce-subject", "ce-time", "ce-" + data.consumeString(6))) {
            if (data.consumeBoolean()) {
                headers.put(name, List.of(data.consumeString(120)));
            }
        }
        check(RawInput.of("acme", CDEventsAdapter.BARE, headers, data.consumeRemainingAsBytes(), Samples.RECEIVED));
    }

    static void check(RawInput input) {
        List<Normalized> records;
        try {
            records = ADAPTER.normalize(input);
        } catch (InvalidInputException e) {
            assertThat(e.problem().status()).isIn(400, 415);
            assertThat(e.problem().detail()).isNotBlank();
            String pointer = e.pointer();
            assertThat(pointer == null || pointer.isEmpty() || pointer.startsWith("/"))
                    .as("pointer %s", pointer)
                    .isTrue();
            return;
        }
        assertThat(records).isNotEmpty();
        for (Normalized record : records) {
            PipelineEvent event = ((Normalized.Event) record).event();
            assertThat(event.getTenant()).isEqualTo("acme");
            assertThat(event.getScope()).isNotBlank();
            assertThat(SERDE.decode(SERDE.encode(event))).isEqualTo(event);
        }
    }
}
