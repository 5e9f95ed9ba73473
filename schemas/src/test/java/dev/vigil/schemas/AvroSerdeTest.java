package dev.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.serde.AvroSerde;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    static PipelineEvent pipelineEvent() {
        return PipelineEvent.newBuilder()
                .setId("id-1")
                .setTenant("acme")
                .setScope("github.com/acme/shop")
                .setKind(PipelineEventKind.CHANGE_MERGED)
                .setSourceType("dev.cdevents.change.merged.0.3.0")
                .setFormat(InputFormat.CDEVENTS)
                .setSource("/event/source/123")
                .setSourceEventId("271069a8")
                .setEventTime(Instant.parse("2023-03-20T14:27:05.315384Z"))
                .setReceivedAt(Instant.parse("2026-11-24T01:00:00.123Z"))
                .setSubject(Subject.newBuilder()
                        .setCommitSha("abc123")
                        .setBranch("main")
                        .build())
                .setActor(Actor.newBuilder().setId("octocat").build())
                .setAttributes(Map.of("reviewer", "hubot"))
                .setEvidenceSha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
                .build();
    }

    @Test
    void shouldRoundTripAPipelineEventThroughSingleObjectEncoding() {
        AvroSerde<PipelineEvent> serde = AvroSerde.of(PipelineEvent.class);
        byte[] bytes = serde.serializer().serialize("t", pipelineEvent());

        // Single-object encoding: marker C3 01, then the 8-byte schema fingerprint.
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(pipelineEvent());
    }

    @Test
    void shouldKeepMicrosecondsAndDecimalScoresExactly() {
        ScanResult scan = ScanResult.newBuilder()
                .setId("s1")
                .setTenant("acme")
                .setScope("github.com/acme/shop")
                .setFormat(InputFormat.SARIF)
                .setCategory(ScanCategory.SAST)
                .setTool(
                        Tool.newBuilder().setName("CodeQL").setVersion("2.19.3").build())
                .setSource("ci")
                .setSourceEventId("run-1")
                .setScannedAt(Instant.parse("2026-01-01T00:00:00.000001Z"))
                .setReceivedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setSubject(Subject.newBuilder().build())
                .setFindings(List.of(Finding.newBuilder()
                        .setFingerprint("fp")
                        .setRuleId("py/sql-injection")
                        .setSeverity(Severity.HIGH)
                        .setCvssScore(new BigDecimal("8.8"))
                        .build()))
                .setEvidenceSha256("00")
                .build();
        AvroSerde<ScanResult> serde = AvroSerde.of(ScanResult.class);

        ScanResult back = serde.decode(serde.encode(scan));

        assertThat(back.getScannedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00.000001Z"));
        assertThat(back.getFindings()).singleElement().satisfies(f -> assertThat(f.getCvssScore())
                .isEqualByComparingTo("8.8"));
    }

    @Test
    void shouldPassTombstonesThroughAsNull() {
        AvroSerde<PipelineEvent> serde = AvroSerde.of(PipelineEvent.class);
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void shouldRefuseBytesThatAreNotSingleObjectEncoded() {
        AvroSerde<PipelineEvent> serde = AvroSerde.of(PipelineEvent.class);
        assertThatThrownBy(() -> serde.decode("{\"id\":1}".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not an Avro single-object encoded PipelineEvent");
    }

    @Test
    void shouldRefuseARecordWrittenWithAnUnknownSchema() {
        byte[] bytes = AvroSerde.of(PipelineEvent.class).encode(pipelineEvent());
        // A PipelineEvent is not a ScanResult: its fingerprint is unknown to the ScanResult reader.
        assertThatThrownBy(() -> AvroSerde.of(ScanResult.class).decode(bytes))
                .isInstanceOf(SerializationException.class);
    }
}
