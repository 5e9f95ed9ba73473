package dev.vigil.streams;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** Real trail records (the topology's own chaining and hashes), for tests of what consumes the trail. */
public final class TrailFixtures {

    private TrailFixtures() {}

    /**
     * {@code perSubject} pipeline events for each scope, interleaved, chained by {@link ComplianceTopology}
     * with {@link TestEngine}: every fourth merge is unreviewed (a review violation opens, so the trail holds
     * {@code VIOLATION_CHANGE} records), and at the end the clock passes the SAST deadline, so each subject
     * also gets an {@code EVALUATION} record and its violation changes.
     */
    public static List<AuditRecord> chains(Topics topics, List<String> scopes, int perSubject, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "trail-fixtures");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Instant start = Instant.parse("2026-03-01T12:00:00Z");
        MutableClock clock = new MutableClock(start);
        try (TopologyTestDriver driver =
                new TopologyTestDriver(ComplianceTopology.build(topics, clock, new TestEngine()), props, start)) {
            TestInputTopic<String, dev.vigil.schemas.PipelineEvent> events = driver.createInputTopic(
                    topics.pipelineEvents().name(),
                    topics.pipelineEvents().keySerde().serializer(),
                    topics.pipelineEvents().valueSerde().serializer());
            for (int i = 0; i < perSubject; i++) {
                for (String scope : scopes) {
                    String id = scope + "#" + i;
                    events.pipeInput(
                            SubjectKey.of(Inputs.TENANT, scope),
                            i % 4 == 3
                                    ? Inputs.mergedCommit(scope, id, String.format(Locale.ROOT, "%040x", i), false)
                                    : Inputs.merged(scope, id),
                            start.plusMillis(i));
                }
            }
            clock.set(start.plus(TestEngine.SAST_DEADLINE).plusSeconds(1));
            driver.advanceWallClockTime(ComplianceTopology.Settings.DEFAULT_PUNCTUATION_INTERVAL);
            return driver.createOutputTopic(
                            topics.auditTrail().name(),
                            topics.auditTrail().keySerde().deserializer(),
                            topics.auditTrail().valueSerde().deserializer())
                    .readValuesToList();
        }
    }
}
