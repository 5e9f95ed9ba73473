package dev.vigil.streams;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** Real trail records (the topology's own chaining and hashes), for tests of what consumes the trail. */
public final class TrailFixtures {

    private TrailFixtures() {}

    /** {@code perSubject} pipeline events for each scope, interleaved, chained by {@link ComplianceTopology}. */
    public static List<AuditRecord> chains(Topics topics, List<String> scopes, int perSubject, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "trail-fixtures");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(
                ComplianceTopology.build(
                        topics, Clock.systemUTC(), StreamsApp.engineFor(StreamsAppConfig.of(java.util.Map.of()))),
                props)) {
            TestInputTopic<String, dev.vigil.schemas.PipelineEvent> events = driver.createInputTopic(
                    topics.pipelineEvents().name(),
                    topics.pipelineEvents().keySerde().serializer(),
                    topics.pipelineEvents().valueSerde().serializer());
            Instant t = Instant.parse("2026-03-01T12:00:00Z");
            for (int i = 0; i < perSubject; i++) {
                for (String scope : scopes) {
                    events.pipeInput(
                            SubjectKey.of(Inputs.TENANT, scope),
                            Inputs.merged(scope, scope + "#" + i),
                            t.plusMillis(i));
                }
            }
            return driver.createOutputTopic(
                            topics.auditTrail().name(),
                            topics.auditTrail().keySerde().deserializer(),
                            topics.auditTrail().valueSerde().deserializer())
                    .readValuesToList();
        }
    }
}
