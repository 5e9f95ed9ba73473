package dev.vigil.ingest.cdevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.ingest.adapter.RecordIds;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The same CDEvents in every CloudEvents HTTP mode: same records, and refusals that say where. */
class CloudEventsModesTest {

    static final String INVALID_FIELD = "https://vigil.dev/problems/invalid-field";
    static final String INVALID_HEADER = "https://vigil.dev/problems/invalid-header";

    final CDEventsAdapter adapter = new CDEventsAdapter();

    List<PipelineEvent> events(RawInput input) throws InvalidInputException {
        assertThat(adapter.accepts(input)).as("the adapter claims the request").isTrue();
        List<PipelineEvent> out = new ArrayList<>();
        for (Normalized n : adapter.normalize(input)) {
            out.add(((Normalized.Event) n).event());
        }
        return out;
    }

    InvalidInputException refusal(RawInput input) {
        return catchThrowableOfType(InvalidInputException.class, () -> adapter.normalize(input));
    }

    /** The record with what depends on the request bytes (not on the CDEvent) blanked. */
    static PipelineEvent withoutEvidence(PipelineEvent event) {
        PipelineEvent copy = PipelineEvent.newBuilder(event).build();
        copy.setEvidenceSha256("-");
        copy.setEvidenceSize(0L);
        return copy;
    }

    @ParameterizedTest
    @FieldSource("dev.vigil.ingest.cdevents.Samples#ALL")
    void shouldMakeTheSameRecordOfASampleInStructuredBinaryAndBareMode(String sample) throws Exception {
        ObjectNode cdevent = Samples.cdevent(sample);
        PipelineEvent bare = events(Samples.bare(Samples.bytes(sample))).get(0);

        PipelineEvent structured = events(Samples.structured(Samples.json(Samples.cloudEvent(cdevent))))
                .get(0);
        PipelineEvent binary = events(Samples.binary(Samples.binaryHeaders(cdevent), Samples.bytes(sample)))
                .get(0);

        assertThat(bare.getSourceEventId()).isEqualTo(cdevent.at("/context/id").asText());
        assertThat(bare.getSourceType()).isEqualTo(cdevent.at("/context/type").asText());
        assertThat(bare.getId()).isEqualTo(RecordIds.of("acme", bare.getSource(), bare.getSourceEventId()));
        assertThat(withoutEvidence(structured)).isEqualTo(withoutEvidence(bare));
        // binary mode sends the CDEvent itself as the body: even the evidence is the same bytes
        assertThat(binary).isEqualTo(bare);
    }

    @Test
    void shouldMakeOneRecordPerBatchElementInOrder() throws Exception {
        List<ObjectNode> cloudEvents = new ArrayList<>();
        for (int i = 0; i < Samples.ALL.size(); i++) {
            ObjectNode cdevent = Samples.cdevent(Samples.ALL.get(i));
            // The conformance samples share one context id; a batch needs distinct events.
            cdevent.withObjectProperty("context").put("id", "batch-" + i);
            cloudEvents.add(Samples.cloudEvent(cdevent));
        }

        List<PipelineEvent> events = events(Samples.batch(cloudEvents.toArray(ObjectNode[]::new)));

        assertThat(events).hasSize(Samples.ALL.size());
        for (int i = 0; i < events.size(); i++) {
            PipelineEvent bare = events(Samples.bare(
                            Samples.json((ObjectNode) cloudEvents.get(i).get("data"))))
                    .get(0);
            assertThat(events.get(i).getSourceEventId()).isEqualTo("batch-" + i);
            assertThat(withoutEvidence(events.get(i))).isEqualTo(withoutEvidence(bare));
        }
        assertThat(events)
                .extracting(PipelineEvent::getKind)
                .containsExactly(
                        PipelineEventKind.ARTIFACT_PUBLISHED,
                        PipelineEventKind.ARTIFACT_SIGNED,
                        PipelineEventKind.BUILD_FINISHED,
                        PipelineEventKind.CHANGE_MERGED,
                        PipelineEventKind.CHANGE_REVIEWED,
                        PipelineEventKind.INCIDENT_DETECTED,
                        PipelineEventKind.PIPELINE_RUN_FINISHED,
                        PipelineEventKind.SERVICE_DEPLOYED,
                        PipelineEventKind.TEST_SUITE_FINISHED);
        // every record of one request carries the evidence address of the whole request
        assertThat(events)
                .extracting(PipelineEvent::getEvidenceSha256)
                .containsOnly(events.get(0).getEvidenceSha256());
    }

    @Test
    void shouldPercentDecodeBinaryHeaderValues() throws Exception {
        ObjectNode cdevent = Samples.cdevent("build_finished.json");
        cdevent.withObjectProperty("context").put("id", "build 42 \"nightly\" 100% grün");
        cdevent.withObjectProperty("subject").put("id", "pkg:oci/myapp@sha256%3A0b31");
        Map<String, List<String>> headers = Samples.binaryHeaders(cdevent);

        assertThat(headers.get("ce-id")).containsExactly("build%2042%20%22nightly%22%20100%25%20gr%C3%BCn");
        PipelineEvent event =
                events(Samples.binary(headers, Samples.json(cdevent))).get(0);

        assertThat(event.getSourceEventId()).isEqualTo("build 42 \"nightly\" 100% grün");
        assertThat(event.getSubject().getArtifactDigest())
                .isEqualTo("sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427");
    }

    @Test
    void shouldClaimPlainJsonOnlyWithCeSpecversionOrACDEventShape() {
        byte[] scanner = "{\"SchemaVersion\":2,\"Results\":[]}".getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> ce = Map.of("ce-specversion", List.of("1.0"));

        byte[] commitStatus =
                "{\"sha\":\"abc\",\"context\":\"ci/build\",\"state\":\"success\"}".getBytes(StandardCharsets.UTF_8);
        byte[] misSentCloudEvent = Samples.json(Samples.cloudEvent(Samples.cdevent("change_merged.json")));

        assertThat(adapter.accepts(Samples.bare(scanner))).isFalse();
        assertThat(adapter.accepts(Samples.bare(commitStatus))).isFalse();
        assertThat(adapter.accepts(Samples.bare(misSentCloudEvent))).isTrue();
        assertThat(adapter.accepts(Samples.bare("[1,2]".getBytes(StandardCharsets.UTF_8))))
                .isFalse();
        assertThat(adapter.accepts(Samples.bare("not json".getBytes(StandardCharsets.UTF_8))))
                .isFalse();
        assertThat(adapter.accepts(Samples.binary(ce, scanner))).isTrue();
        assertThat(adapter.accepts(Samples.bare(Samples.bytes("change_merged.json"))))
                .isTrue();
        assertThat(adapter.accepts(RawInput.of("acme", "application/xml", ce, scanner, Samples.RECEIVED)))
                .isFalse();
        assertThat(adapter.accepts(RawInput.of("acme", CDEventsAdapter.BATCH, Map.of(), scanner, Samples.RECEIVED)))
                .isTrue();
    }

    static Stream<Arguments> brokenBatches() {
        return Stream.of(
                Arguments.of(
                        "element 3 has no context.id",
                        (Consumer<List<ObjectNode>>) b -> b.get(3)
                                .withObjectProperty("data")
                                .withObjectProperty("context")
                                .remove("id"),
                        "/3/data/context/id"),
                Arguments.of(
                        "element 1 has a broken purl-free timestamp",
                        (Consumer<List<ObjectNode>>) b -> b.get(1)
                                .withObjectProperty("data")
                                .withObjectProperty("context")
                                .put("timestamp", "yesterday"),
                        "/1/data/context/timestamp"),
                Arguments.of(
                        "element 2 has no specversion",
                        (Consumer<List<ObjectNode>>) b -> b.get(2).remove("specversion"),
                        "/2/specversion"),
                Arguments.of(
                        "element 0 type differs from its CDEvent",
                        (Consumer<List<ObjectNode>>) b -> b.get(0).put("type", "dev.cdevents.change.created.0.3.0"),
                        "/0/type"),
                Arguments.of(
                        "element 2 has a source that is no URI reference",
                        (Consumer<List<ObjectNode>>) b -> {
                            b.get(2).put("source", "a b");
                            b.get(2)
                                    .withObjectProperty("data")
                                    .withObjectProperty("context")
                                    .put("source", "a b");
                        },
                        "/2/source"),
                Arguments.of(
                        "element 1 repeats element 0",
                        (Consumer<List<ObjectNode>>) b -> {
                            b.get(1).put("id", "e-0");
                            b.get(1)
                                    .withObjectProperty("data")
                                    .withObjectProperty("context")
                                    .put("id", "e-0");
                        },
                        "/1/id"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("brokenBatches")
    void shouldRefuseTheWholeBatchNamingTheElementAndField(
            String what, Consumer<List<ObjectNode>> change, String pointer) {
        List<ObjectNode> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ObjectNode cdevent = Samples.cdevent(Samples.ALL.get(i));
            cdevent.withObjectProperty("context").put("id", "e-" + i);
            batch.add(Samples.cloudEvent(cdevent));
        }
        change.accept(batch);

        InvalidInputException e = refusal(Samples.batch(batch.toArray(ObjectNode[]::new)));

        assertThat(e).as(what).isNotNull();
        assertThat(e.problem().type()).isEqualTo(INVALID_FIELD);
        assertThat(e.pointer()).isEqualTo(pointer);
        assertThat(e.problem().detail()).contains(pointer);
    }

    @Test
    void shouldRefuseABatchThatIsNotANonEmptyArrayOfObjects() {
        byte[] object = Samples.json(Samples.cloudEvent(Samples.cdevent("change_merged.json")));
        RawInput notArray = RawInput.of("acme", CDEventsAdapter.BATCH, Map.of(), object, Samples.RECEIVED);
        RawInput empty = RawInput.of("acme", CDEventsAdapter.BATCH, Map.of(), "[]".getBytes(), Samples.RECEIVED);
        RawInput scalar = RawInput.of(
                "acme",
                CDEventsAdapter.BATCH,
                Map.of(),
                ("[" + new String(object, StandardCharsets.UTF_8) + ", 7]").getBytes(StandardCharsets.UTF_8),
                Samples.RECEIVED);

        assertThat(refusal(notArray).problem().detail()).contains("JSON array");
        assertThat(refusal(empty).problem().detail()).contains("empty");
        assertThat(refusal(scalar).pointer()).isEqualTo("/1");
    }

    static Stream<Arguments> brokenHeaders() {
        return Stream.of(
                Arguments.of("no ce-id", (Consumer<Map<String, List<String>>>) h -> h.remove("ce-id"), "ce-id"),
                Arguments.of("no ce-type", (Consumer<Map<String, List<String>>>) h -> h.remove("ce-type"), "ce-type"),
                Arguments.of(
                        "no ce-source", (Consumer<Map<String, List<String>>>) h -> h.remove("ce-source"), "ce-source"),
                Arguments.of(
                        "ce-specversion 0.3",
                        (Consumer<Map<String, List<String>>>) h -> h.put("ce-specversion", List.of("0.3")),
                        "ce-specversion"),
                Arguments.of(
                        "ce-time not RFC 3339",
                        (Consumer<Map<String, List<String>>>) h -> h.put("ce-time", List.of("yesterday")),
                        "ce-time"),
                Arguments.of(
                        "broken percent escape",
                        (Consumer<Map<String, List<String>>>) h -> h.put("ce-id", List.of("abc%2")),
                        "ce-id"),
                Arguments.of(
                        "percent escape of invalid UTF-8",
                        (Consumer<Map<String, List<String>>>) h -> h.put("ce-id", List.of("%C3%28")),
                        "ce-id"),
                Arguments.of(
                        "ce-id twice",
                        (Consumer<Map<String, List<String>>>) h -> h.put("ce-id", List.of("a", "b")),
                        "ce-id"),
                Arguments.of(
                        "extension name with a dash",
                        (Consumer<Map<String, List<String>>>) h -> h.put("ce-my-ext", List.of("x")),
                        "ce-my"));
    }

    @ParameterizedTest(name = "{0} -> header {2}")
    @MethodSource("brokenHeaders")
    void shouldNameTheOffendingHeaderInBinaryMode(
            String what, Consumer<Map<String, List<String>>> change, String header) {
        ObjectNode cdevent = Samples.cdevent("change_merged.json");
        Map<String, List<String>> headers = new LinkedHashMap<>(Samples.binaryHeaders(cdevent));
        change.accept(headers);

        InvalidInputException e = refusal(Samples.binary(headers, Samples.json(cdevent)));

        assertThat(e).as(what).isNotNull();
        assertThat(e.problem().type()).isEqualTo(INVALID_HEADER);
        assertThat(e.problem().status()).isEqualTo(400);
        assertThat(e.problem().detail()).startsWith("Header " + header);
    }

    @Test
    void shouldPointIntoTheBodyWhenABinaryHeaderContradictsTheCDEvent() {
        ObjectNode cdevent = Samples.cdevent("change_merged.json");
        Map<String, List<String>> headers = new LinkedHashMap<>(Samples.binaryHeaders(cdevent));
        headers.put("ce-type", List.of("dev.cdevents.change.created.0.3.0"));

        InvalidInputException e = refusal(Samples.binary(headers, Samples.json(cdevent)));

        assertThat(e.pointer()).isEqualTo("/context/type");
        assertThat(e.problem().detail()).contains("ce-type").contains("dev.cdevents.change.merged.0.3.0");
    }

    @Test
    void shouldPointIntoTheBodyOfABinaryEventWhoseCDEventIsBroken() {
        ObjectNode cdevent = Samples.cdevent("change_merged.json");
        Map<String, List<String>> headers = Samples.binaryHeaders(cdevent);
        cdevent.withObjectProperty("subject").remove("content");

        InvalidInputException e = refusal(Samples.binary(headers, Samples.json(cdevent)));

        assertThat(e.problem().type()).isEqualTo(INVALID_FIELD);
        assertThat(e.pointer()).isEqualTo("/subject/content");
    }

    @Test
    void shouldRefuseAStructuredSubjectThatIsNotTheCDEventSubject() {
        ObjectNode ce = Samples.cloudEvent(Samples.cdevent("change_merged.json"));
        ce.put("subject", "someone-else");

        InvalidInputException e = refusal(Samples.structured(Samples.json(ce)));

        assertThat(e.pointer()).isEqualTo("/subject");
        assertThat(e.problem().detail()).contains("/data/subject/id");
    }
}
