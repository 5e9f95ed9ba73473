package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.cdevents.Samples;
import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the endpoint would write for a request, encoded with the topics' serdes, without HTTP or Kafka. */
class IngestNormalizerTest {

    static final Topics TOPICS = Topics.withPrefix("t-");
    static final IngestNormalizer NORMALIZER = new IngestNormalizer(TOPICS, "a-test-key-of-16+chars");

    @Test
    void batchBecomesEvidenceThenRecordsKeyedByTenantAndScope() throws Exception {
        byte[] body = Json.mapper()
                .writeValueAsBytes(Json.mapper()
                        .createArrayNode()
                        .add(cloudEvent("change_merged.json", "e-1"))
                        .add(cloudEvent("build_finished.json", "e-2")));

        IngestNormalizer.Normalization n = NORMALIZER.normalize(
                "acme", "application/cloudevents-batch+json; charset=utf-8", "/v1/events", body, Samples.RECEIVED);

        assertThat(n.normalized()).hasSize(2).allMatch(r -> r instanceof Normalized.Event);
        assertThat(n.records()).extracting(IngestNormalizer.Write::topic).containsOnly("t-vigil.pipeline-events");
        Normalized.Event first = (Normalized.Event) n.normalized().get(0);
        assertThat(new String(n.records().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("acme/" + first.scope());
        PipelineEvent decoded = TOPICS.pipelineEvents()
                .valueSerde()
                .deserializer()
                .deserialize(TOPICS.pipelineEvents().name(), n.records().get(0).value());
        assertThat(decoded).isEqualTo(first.event());
        assertThat(decoded.getEvidenceSha256()).isEqualTo(n.input().evidenceSha256());
        // The payload's data key first, then its (encrypted) chunks.
        assertThat(n.evidence())
                .extracting(IngestNormalizer.Write::topic)
                .containsExactly("t-vigil.evidence-keys", "t-vigil.evidence");
        EvidenceChunk chunk = TOPICS.evidence()
                .valueSerde()
                .deserializer()
                .deserialize(TOPICS.evidence().name(), n.evidence().get(1).value());
        assertThat(chunk.getSha256()).isEqualTo(n.input().evidenceSha256());
        assertThat(chunk.getTenant()).isEqualTo("acme");
        assertThat(n.evidence().get(1).bytes()).isGreaterThan(body.length);
    }

    static ObjectNode cloudEvent(String sample, String id) {
        ObjectNode cdevent = Samples.cdevent(sample);
        cdevent.withObjectProperty("context").put("id", id);
        return Samples.cloudEvent(cdevent);
    }

    @Test
    void scopeParameterAndNamedFormatApply() throws Exception {
        byte[] body = Samples.json(Samples.cloudEvent(Samples.cdevent("change_merged.json")));

        IngestNormalizer.Normalization n = NORMALIZER.normalize(
                "acme",
                "application/cloudevents+json",
                "/v1/events?scope=github.com%2Facme%2Fshop",
                body,
                Instant.now());

        assertThat(n.normalized()).extracting(Normalized::scope).containsExactly("github.com/acme/shop");
        assertThat(new String(n.records().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("acme/github.com/acme/shop");
        assertThatThrownBy(() ->
                        NORMALIZER.normalize("acme", "application/json", "/v1/events?format=nope", body, Instant.now()))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> NORMALIZER.normalize(
                        "acme", "text/plain", "/v1/events", "hello".getBytes(StandardCharsets.UTF_8), Instant.now()))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void producerPropertiesAreIngests() {
        assertThat(IngestNormalizer.producerProperties("localhost:1"))
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("bootstrap.servers", "localhost:1")
                .containsEntry("compression.type", "lz4")
                .doesNotContainKey("transactional.id");
    }
}
