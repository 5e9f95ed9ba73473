package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.elasticsearch.ElasticsearchContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The walking skeleton against Kafka and Elasticsearch in containers, for machines with Docker.
 * Skipped where no Docker engine runs (as on the build machines, which use the embedded servers).
 */
@Testcontainers(disabledWithoutDocker = true)
class PipelineContainersIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(ContainerImages.KAFKA);

    @Container
    static final ElasticsearchContainer ELASTICSEARCH = new ElasticsearchContainer(ContainerImages.ELASTICSEARCH)
            .withEnv("xpack.security.enabled", "false")
            .withEnv("ES_JAVA_OPTS", "-Xms512m -Xmx512m");

    @TempDir
    Path data;

    @Test
    void shouldFindAPostedEventThroughTheAuditApi() throws Exception {
        try (PipelineHarness pipeline = new PipelineHarness(
                        KAFKA.getBootstrapServers(), "http://" + ELASTICSEARCH.getHttpHostAddress(), data)
                .start()) {
            String id = pipeline.postAccepted(
                    PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), "acme/shop"));

            List<JsonNode> records = pipeline.awaitRecords("acme/shop", r -> !r.isEmpty(), Duration.ofSeconds(60));

            assertThat(records)
                    .singleElement()
                    .satisfies(r -> assertThat(r.at("/event/id").asText()).isEqualTo(id));
        }
    }
}
