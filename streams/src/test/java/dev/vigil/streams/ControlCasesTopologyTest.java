package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.controls.ControlCatalog;
import dev.vigil.controls.ControlEngine;
import dev.vigil.controls.ControlEngines;
import dev.vigil.controls.cases.ControlCase;
import dev.vigil.controls.cases.ControlCases;
import dev.vigil.controls.cases.Step;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the controls module's cases through the real topology: the same engine gives the same
 * last verdict when its inputs arrive over Kafka, its state lives in RocksDB and its timers fire
 * from punctuation.
 */
class ControlCasesTopologyTest {

    private final Topics topics = Topics.withPrefix("cases-");

    @TempDir
    Path dataDir;

    static Stream<ControlCase> cases() {
        return ControlCases.all().stream();
    }

    private static final ControlEngine ENGINE = ControlEngines.of(ControlCatalog.builtIn());

    private static ControlEngine engine() {
        return ENGINE;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldEndWithTheCasesExpectedVerdict(ControlCase c) {
        MutableClock clock = new MutableClock(c.start());
        ComplianceTopology.Settings settings = ComplianceTopology.Settings.DEFAULT;
        StreamsAppConfig cfg = StreamsAppConfig.of(
                Map.of("vigil.topic-prefix", topics.prefix(), "vigil.data-dir", dataDir.toString()));
        Properties props = StreamsApp.properties(cfg, topics);
        // At-least-once for the same reason as ComplianceTopologyTest: the driver commits after every record.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        try (TopologyTestDriver driver =
                new TopologyTestDriver(ComplianceTopology.build(topics, clock, engine(), settings), props, c.start())) {
            TestInputTopic<String, dev.vigil.schemas.PipelineEvent> events = driver.createInputTopic(
                    topics.pipelineEvents().name(),
                    topics.pipelineEvents().keySerde().serializer(),
                    topics.pipelineEvents().valueSerde().serializer());
            TestInputTopic<String, dev.vigil.schemas.ScanResult> scans = driver.createInputTopic(
                    topics.scanResults().name(),
                    topics.scanResults().keySerde().serializer(),
                    topics.scanResults().valueSerde().serializer());
            TestOutputTopic<String, ControlVerdict> verdicts = driver.createOutputTopic(
                    topics.controlVerdicts().name(),
                    topics.controlVerdicts().keySerde().deserializer(),
                    topics.controlVerdicts().valueSerde().deserializer());
            TestOutputTopic<byte[], byte[]> deadLetters = driver.createOutputTopic(
                    DeadLetterQueue.topicName(topics), new ByteArrayDeserializer(), new ByteArrayDeserializer());

            for (Step step : c.steps()) {
                switch (step) {
                    case Step.Event e ->
                        events.pipeInput(
                                SubjectKey.of(e.event().getTenant(), e.event().getScope()), e.event(), clock.instant());
                    case Step.Scan s ->
                        scans.pipeInput(
                                SubjectKey.of(s.scan().getTenant(), s.scan().getScope()), s.scan(), clock.instant());
                    case Step.AdvanceTo a -> {
                        Duration elapsed = Duration.between(clock.instant(), a.at());
                        clock.set(a.at());
                        // At least one interval, so the wall-clock punctuator fires even for a short step.
                        driver.advanceWallClockTime(
                                elapsed.compareTo(settings.punctuationInterval()) > 0
                                        ? elapsed
                                        : settings.punctuationInterval());
                    }
                }
            }

            List<ControlVerdict> ofControl = verdicts.readValuesToList().stream()
                    .filter(v -> v.getControlId().equals(c.controlId()))
                    .toList();
            assertThat(deadLetters.isEmpty()).as("dead letters").isTrue();
            assertThat(ofControl).as("verdicts of %s", c.controlId()).isNotEmpty();
            assertThat(ofControl.getLast().getVerdict()).isEqualTo(c.expected());
        }
    }
}
