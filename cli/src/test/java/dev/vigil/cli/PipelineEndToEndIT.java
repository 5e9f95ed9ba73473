package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One event travelling the whole way on the real broker and the real Elasticsearch node. */
class PipelineEndToEndIT {

    @TempDir
    Path data;

    private PipelineHarness harness() {
        return new PipelineHarness(
                SharedServers.kafka().bootstrapServers(),
                SharedServers.elasticsearch().httpUrl(),
                data);
    }

    @Test
    void shouldFindAPostedEventThroughTheAuditApi() throws Exception {
        try (PipelineHarness pipeline = harness().start()) {
            String id = pipeline.postAccepted(
                    PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), "acme/shop"));

            List<JsonNode> records = pipeline.awaitRecords("acme/shop", r -> !r.isEmpty(), Duration.ofSeconds(60));

            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.at("/event/id").asText()).isEqualTo(id);
                assertThat(r.at("/event/type").asText()).isEqualTo("pipeline.CHANGE_MERGED");
                assertThat(r.at("/tenant").asText()).isEqualTo("acme");
                assertThat(r.at("/chain/seq").asLong()).isEqualTo(1);
                assertThat(r.at("/chain/prev_hash").asText()).isEqualTo(AuditChain.GENESIS_HASH);
                AuditDocument doc = Json.mapper().treeToValue(r, AuditDocument.class);
                assertThat(AuditChain.recomputeHash(doc)).isEqualTo(doc.chain().hash());
            });
        }
    }

    @Test
    void shouldServeThePostedPayloadByteIdenticalFromTheRecordsEvidenceLink() throws Exception {
        try (PipelineHarness pipeline = harness().start()) {
            ObjectNode event =
                    PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), "acme/evidence");
            byte[] posted = Json.mapper().writeValueAsBytes(event);
            pipeline.postAccepted(event);

            List<JsonNode> records = pipeline.awaitRecords("acme/evidence", r -> !r.isEmpty(), Duration.ofSeconds(60));
            String sha = records.getFirst().at("/evidence/sha256").asText();
            String url = records.getFirst().at("/evidence/url").asText();
            assertThat(url).isEqualTo("/v1/evidence/" + sha);

            // The evidence indexer runs beside the trail indexer: poll until it has caught up.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            java.net.http.HttpResponse<byte[]> served = pipeline.getAsAuditor(url);
            // 410 too: for a moment the chunks may be indexed before the payload's data key (docs/erasure.md).
            while ((served.statusCode() == 404 || served.statusCode() == 410) && System.nanoTime() < deadline) {
                Thread.sleep(250);
                served = pipeline.getAsAuditor(url);
            }

            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo(posted);
            assertThat(java.util.HexFormat.of()
                            .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(served.body())))
                    .isEqualTo(sha);
            assertThat(served.headers().firstValue("Repr-Digest"))
                    .hasValue("sha-256=:"
                            + java.util.Base64.getEncoder()
                                    .encodeToString(java.util.HexFormat.of().parseHex(sha))
                            + ":");
        }
    }

    @Test
    void shouldKeepEveryChainGaplessAndDuplicateFreeAcrossAStreamsRestart() throws Exception {
        List<String> scopes = List.of("acme/billing", "acme/web");
        List<String> posted = new ArrayList<>();
        try (PipelineHarness pipeline = harness().start()) {
            for (int i = 0; i < 40; i++) {
                posted.add(pipeline.postAccepted(
                        PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), scopes.get(i % 2))));
            }
            // Stop the streams app while events are still flowing in, then post more while it is down.
            pipeline.stopStreams();
            for (int i = 40; i < 60; i++) {
                posted.add(pipeline.postAccepted(
                        PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), scopes.get(i % 2))));
            }
            pipeline.startStreams();
            for (int i = 60; i < 80; i++) {
                posted.add(pipeline.postAccepted(
                        PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), scopes.get(i % 2))));
            }

            Set<String> seen = new HashSet<>();
            for (String scope : scopes) {
                List<JsonNode> records = pipeline.awaitRecords(scope, r -> r.size() >= 40, Duration.ofSeconds(120));
                List<Long> seqs = records.stream()
                        .map(r -> r.at("/chain/seq").asLong())
                        .sorted()
                        .toList();
                assertThat(seqs)
                        .as("chain %s", scope)
                        .containsExactlyElementsOf(
                                LongStream.rangeClosed(1, 40).boxed().toList());
                String prev = AuditChain.GENESIS_HASH;
                for (JsonNode r : records.stream()
                        .sorted((a, b) -> Long.compare(
                                a.at("/chain/seq").asLong(), b.at("/chain/seq").asLong()))
                        .toList()) {
                    AuditDocument doc = Json.mapper().treeToValue(r, AuditDocument.class);
                    assertThat(doc.chain().prevHash()).isEqualTo(prev);
                    assertThat(AuditChain.recomputeHash(doc))
                            .isEqualTo(doc.chain().hash());
                    prev = doc.chain().hash();
                    assertThat(seen.add(doc.event().id()))
                            .as("record %s once", doc.event().id())
                            .isTrue();
                }
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(posted);
        }
    }

    @Test
    void shouldRejectAnUnauthenticatedPostAndWriteNothing() throws Exception {
        try (PipelineHarness pipeline = harness().start()) {
            var response = pipeline.post(
                    PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), "acme/secret"), null);

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            // A later, authenticated event on the same scope gets seq 1: nothing was written before it.
            pipeline.postAccepted(
                    PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), "acme/secret"));
            List<JsonNode> records = pipeline.awaitRecords("acme/secret", r -> !r.isEmpty(), Duration.ofSeconds(60));
            assertThat(records)
                    .singleElement()
                    .satisfies(r -> assertThat(r.at("/chain/seq").asLong()).isEqualTo(1));
        }
    }
}
