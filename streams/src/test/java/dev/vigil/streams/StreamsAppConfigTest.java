package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsAppConfigTest {

    @Test
    void shouldApplyTheDocumentedDefaults() {
        StreamsAppConfig cfg = StreamsAppConfig.of(Map.of());

        assertThat(cfg.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(cfg.topicPrefix()).isEmpty();
        assertThat(cfg.elasticsearchUrl()).isEqualTo("http://127.0.0.1:9200");
        assertThat(cfg.indexPrefix()).isEmpty();
        assertThat(cfg.dataDir()).isEqualTo(Path.of(".vigil").toAbsolutePath().normalize());
        assertThat(cfg.stateDir()).isEqualTo(cfg.dataDir().resolve("streams-state"));
        assertThat(cfg.applicationId()).isEqualTo("vigil-streams");
        assertThat(cfg.commitIntervalMs()).isEqualTo(100);
        assertThat(cfg.indexerBatchSize()).isEqualTo(1000);
        assertThat(cfg.indexerFlushIntervalMs()).isEqualTo(500);
        assertThat(cfg.indexerGroupId()).isEqualTo("vigil-indexer");
        assertThat(cfg.controlFiles()).isEmpty();
        assertThat(cfg.dedupRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(cfg.punctuationInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cfg.topologySettings()).isEqualTo(ComplianceTopology.Settings.DEFAULT);
    }

    @Test
    void shouldReadCommaSeparatedControlFilesAndTheEvaluationIntervals() {
        StreamsAppConfig cfg = StreamsAppConfig.of(Map.of(
                "vigil.controls.files", " /etc/vigil/extra.yaml, ,rel/more.yaml ",
                "vigil.streams.dedup-retention-ms", "86400000",
                "vigil.streams.punctuation-interval-ms", "5000"));

        assertThat(cfg.controlFiles())
                .containsExactly(
                        Path.of("/etc/vigil/extra.yaml"),
                        Path.of("rel/more.yaml").toAbsolutePath().normalize());
        assertThat(cfg.topologySettings().dedupRetention()).isEqualTo(Duration.ofDays(1));
        assertThat(cfg.topologySettings().punctuationInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldTakeEnvironmentOverridesByTheirVariableNames() {
        Config config = Config.resolve(
                StreamsAppConfig.FIELDS,
                null,
                Map.of("VIGIL_TOPIC_PREFIX", "prod-", "VIGIL_STREAMS_COMMIT_INTERVAL_MS", "250"),
                Map.of());

        StreamsAppConfig cfg = StreamsAppConfig.from(config);

        assertThat(cfg.topicPrefix()).isEqualTo("prod-");
        assertThat(cfg.commitIntervalMs()).isEqualTo(250);
        assertThat(cfg.topics().auditTrail().name()).isEqualTo("prod-vigil.audit-trail");
    }

    @Test
    void shouldReportEveryInvalidValueAtOnce() {
        assertThatThrownBy(() -> StreamsAppConfig.of(Map.of(
                        "vigil.indexer.batch-size", "0",
                        "vigil.elasticsearch.url", "localhost:9200",
                        "vigil.streams.application-id", "has space")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .hasSize(3)
                        .anySatisfy(p -> assertThat(p).startsWith("vigil.indexer.batch-size"))
                        .anySatisfy(p -> assertThat(p).startsWith("vigil.elasticsearch.url"))
                        .anySatisfy(p -> assertThat(p).startsWith("vigil.streams.application-id")));
    }

    @Test
    void shouldConfigureExactlyOnceNamingAndTheDeadLetterPathWhateverIsPassedThrough() {
        StreamsAppConfig cfg = StreamsAppConfig.of(Map.of(
                "vigil.topic-prefix", "p-",
                "vigil.kafka.streams.num.stream.threads", "2",
                "vigil.kafka.streams.processing.guarantee", "at_least_once"));

        Properties props = StreamsApp.properties(cfg, cfg.topics());

        assertThat(props)
                .containsEntry("num.stream.threads", "2")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L)
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, cfg.stateDir().toString())
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "p-vigil.streams-dlq")
                .containsEntry(
                        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        DeadLetterDeserializationHandler.class)
                .containsEntry(
                        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class)
                .containsEntry(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, TrailProductionHandler.class);
    }
}
