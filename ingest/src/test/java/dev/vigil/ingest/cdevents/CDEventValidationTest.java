package dev.vigil.ingest.cdevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.RawInput;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CDEventValidationTest {

    static final String INVALID_FIELD = "https://vigil.dev/problems/invalid-field";
    static final String MALFORMED_JSON = "https://vigil.dev/problems/malformed-json";

    final CDEventsAdapter adapter = new CDEventsAdapter();

    InvalidInputException refusal(RawInput input) {
        return catchThrowableOfType(InvalidInputException.class, () -> adapter.normalize(input));
    }

    /** A broken CDEvent: what is done to the change_merged sample, and the pointer (relative to the CDEvent). */
    static Stream<Arguments> brokenCDEvents() {
        return Stream.of(
                broken("no context", e -> e.remove("context"), "/context"),
                broken("context is a string", e -> e.put("context", "x"), "/context"),
                broken("no context.id", e -> e.withObjectProperty("context").remove("id"), "/context/id"),
                broken("empty context.id", e -> e.withObjectProperty("context").put("id", " "), "/context/id"),
                broken("no context.type", e -> e.withObjectProperty("context").remove("type"), "/context/type"),
                broken(
                        "numeric context.type",
                        e -> e.withObjectProperty("context").put("type", 7),
                        "/context/type"),
                broken(
                        "context.type not CDEvents",
                        e -> e.withObjectProperty("context").put("type", "com.example.build.done"),
                        "/context/type"),
                broken(
                        "context.type without patch version",
                        e -> e.withObjectProperty("context").put("type", "dev.cdevents.change.merged.0.3"),
                        "/context/type"),
                broken(
                        "custom cdeventsx type",
                        e -> e.withObjectProperty("context").put("type", "dev.cdeventsx.mytool-build.done.0.1.0"),
                        "/context/type"),
                broken("no context.source", e -> e.withObjectProperty("context").remove("source"), "/context/source"),
                broken(
                        "no context.timestamp",
                        e -> e.withObjectProperty("context").remove("timestamp"),
                        "/context/timestamp"),
                broken(
                        "timestamp without offset",
                        e -> e.withObjectProperty("context").put("timestamp", "2023-03-20T14:27:05"),
                        "/context/timestamp"),
                broken(
                        "timestamp without seconds",
                        e -> e.withObjectProperty("context").put("timestamp", "2023-03-20T14:27Z"),
                        "/context/timestamp"),
                broken(
                        "impossible date",
                        e -> e.withObjectProperty("context").put("timestamp", "2023-02-30T14:27:05Z"),
                        "/context/timestamp"),
                broken("no subject", e -> e.remove("subject"), "/subject"),
                broken("no subject.id", e -> e.withObjectProperty("subject").remove("id"), "/subject/id"),
                broken(
                        "no subject.content",
                        e -> e.withObjectProperty("subject").remove("content"),
                        "/subject/content"),
                broken(
                        "subject.content array",
                        e -> e.withObjectProperty("subject").putArray("content"),
                        "/subject/content"),
                broken(
                        "short commit SHA in customData",
                        e -> e.putObject("customData").put("commitSha", "abc123"),
                        "/customData/commitSha"),
                broken(
                        "numeric branch in customData",
                        e -> e.putObject("customData").put("branch", 5),
                        "/customData/branch"),
                broken(
                        "actor object without id",
                        e -> e.putObject("customData").putObject("actor").put("name", "x"),
                        "/customData/actor/id"),
                broken("actor as a number", e -> e.putObject("customData").put("actor", 12), "/customData/actor"));
    }

    static Arguments broken(String what, Consumer<ObjectNode> change, String pointer) {
        return Arguments.of(what, change, pointer);
    }

    @ParameterizedTest(name = "bare: {0} -> {2}")
    @MethodSource("brokenCDEvents")
    void shouldNameTheOffendingFieldOfABareCDEvent(String what, Consumer<ObjectNode> change, String pointer) {
        ObjectNode cdevent = Samples.cdevent("change_merged.json");
        change.accept(cdevent);

        InvalidInputException e = refusal(Samples.bare(Samples.json(cdevent)));

        assertThat(e).as(what).isNotNull();
        assertThat(e.problem().type()).isEqualTo(INVALID_FIELD);
        assertThat(e.problem().status()).isEqualTo(400);
        assertThat(e.pointer()).isEqualTo(pointer);
        assertThat(e.problem().detail()).contains(pointer);
    }

    @ParameterizedTest(name = "structured: {0} -> /data{2}")
    @MethodSource("brokenCDEvents")
    void shouldNameTheOffendingFieldInsideTheCloudEventData(String what, Consumer<ObjectNode> change, String pointer) {
        ObjectNode ce = Samples.cloudEvent(Samples.cdevent("change_merged.json"));
        change.accept(ce.withObjectProperty("data"));

        InvalidInputException e = refusal(Samples.structured(Samples.json(ce)));

        assertThat(e).as(what).isNotNull();
        assertThat(e.problem().type()).isEqualTo(INVALID_FIELD);
        // Removing context.type/id/source also empties what the envelope is compared with; the data is read first.
        assertThat(e.pointer()).isEqualTo("/data" + pointer);
    }

    static Stream<Arguments> brokenEnvelopes() {
        return Stream.of(
                broken("no specversion", ce -> ce.remove("specversion"), "/specversion"),
                broken("specversion 0.3", ce -> ce.put("specversion", "0.3"), "/specversion"),
                broken("no id", ce -> ce.remove("id"), "/id"),
                broken("no source", ce -> ce.remove("source"), "/source"),
                broken("no type", ce -> ce.remove("type"), "/type"),
                broken("bad time", ce -> ce.put("time", "yesterday"), "/time"),
                broken("xml data", ce -> ce.put("datacontenttype", "application/xml"), "/datacontenttype"),
                broken("no data", ce -> ce.remove("data"), "/data"),
                broken("data as string", ce -> ce.put("data", "{}"), "/data"),
                broken("data_base64", ce -> ce.put("data_base64", "e30="), "/data_base64"),
                broken(
                        "type differs from context.type",
                        ce -> ce.put("type", "dev.cdevents.change.created.0.3.0"),
                        "/type"),
                broken("id differs from context.id", ce -> ce.put("id", "other"), "/id"),
                broken("source differs from context.source", ce -> ce.put("source", "/other"), "/source"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("brokenEnvelopes")
    void shouldNameTheOffendingCloudEventsAttribute(String what, Consumer<ObjectNode> change, String pointer) {
        ObjectNode ce = Samples.cloudEvent(Samples.cdevent("change_merged.json"));
        change.accept(ce);

        InvalidInputException e = refusal(Samples.structured(Samples.json(ce)));

        assertThat(e).as(what).isNotNull();
        assertThat(e.problem().type()).isEqualTo(INVALID_FIELD);
        assertThat(e.pointer()).isEqualTo(pointer);
    }

    @Test
    void shouldAcceptAStructuredEventWithoutOptionalAttributes() throws Exception {
        ObjectNode ce = Samples.cloudEvent(Samples.cdevent("change_merged.json"));
        ce.remove("time");
        ce.remove("datacontenttype");
        ce.remove("subject");

        assertThat(adapter.normalize(Samples.structured(Samples.json(ce)))).hasSize(1);
    }

    @Test
    void shouldAcceptALowerCaseRfc3339TimestampWithOffsetAndNanoseconds() throws Exception {
        ObjectNode cdevent = Samples.cdevent("change_merged.json");
        cdevent.withObjectProperty("context").put("timestamp", "2023-03-20t16:27:05.123456789+02:00");

        var event = ((dev.vigil.ingest.adapter.Normalized.Event)
                        adapter.normalize(Samples.bare(Samples.json(cdevent))).get(0))
                .event();

        // timestamp-micros: nanoseconds below a microsecond are cut
        assertThat(event.getEventTime()).isEqualTo(java.time.Instant.parse("2023-03-20T14:27:05.123456Z"));
    }

    @Test
    void shouldPointToTheMissingContextWhenACloudEventIsSentAsPlainJson() {
        byte[] body = Samples.json(Samples.cloudEvent(Samples.cdevent("change_merged.json")));

        InvalidInputException e = refusal(Samples.bare(body));

        assertThat(e.pointer()).isEqualTo("/context");
        assertThat(e.problem().detail()).contains("application/cloudevents+json");
    }

    @Test
    void shouldRefuseBrokenJsonAsMalformedWithThePlaceItBroke() {
        byte[] body = "{\"context\": {\"id\": \"1\",, }}".getBytes(StandardCharsets.UTF_8);

        InvalidInputException e = refusal(Samples.bare(body));

        assertThat(e.problem().type()).isEqualTo(MALFORMED_JSON);
        assertThat(e.pointer()).isEqualTo("/context/id");
        assertThat(e.problem().detail()).contains("line 1");
    }

    @Test
    void shouldRefuseAnArrayBodyAsInvalidAtTheRoot() {
        InvalidInputException e = refusal(Samples.bare("[]".getBytes(StandardCharsets.UTF_8)));

        assertThat(e.problem().type()).isEqualTo(INVALID_FIELD);
        assertThat(e.pointer()).isEmpty();
    }
}
