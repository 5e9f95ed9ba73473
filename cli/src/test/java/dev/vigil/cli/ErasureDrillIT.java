package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.privacy.PersonKeyring;
import dev.vigil.trail.privacy.PersonalData;
import dev.vigil.trail.privacy.PseudonymKeyConfig;
import dev.vigil.trail.privacy.Pseudonyms;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The erasure drill (docs/erasure.md) on the real broker and Elasticsearch node: a person's events
 * go through ingest, the streams app and the indexer; {@code vigil erase-subject} erases them;
 * then their id, name and e-mail are nowhere in the indexed trail, their encrypted values no
 * longer open, another person's still do, and {@code vigil verify} finds every chain intact.
 */
class ErasureDrillIT {

    private static final String ERIN_ID = "erin-erasure-7";
    private static final String ERIN_NAME = "Erin Erasmus";
    private static final String ERIN_MAIL = "erin.erasmus@example.org";
    private static final String BOB_ID = "bob-keeper-3";
    private static final String BOB_NAME = "Bob Keeper";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path data;

    @Test
    void shouldLeaveAnErasedPersonUnreadableEverywhereInTheTrailWhileEveryChainVerifies() throws Exception {
        String kafka = SharedServers.kafka().bootstrapServers();
        String elastic = SharedServers.elasticsearch().httpUrl();
        try (PipelineHarness pipeline = new PipelineHarness(kafka, elastic, data).start()) {
            Topics topics = Topics.withPrefix(pipeline.prefix);
            // The raw payloads, as ingest receives them: the evidence the trail names by SHA-256.
            Map<String, byte[]> erinPayloads = new java.util.LinkedHashMap<>();
            for (String repository : List.of("acme/privacy-a", "acme/privacy-b", "acme/privacy-c")) {
                ObjectNode event = mergeBy(ERIN_ID, ERIN_NAME, ERIN_MAIL, repository);
                byte[] body = payload(event);
                erinPayloads.put(EvidenceChunks.sha256(body), body);
                pipeline.postAccepted(event);
            }
            ObjectNode bobEvent = mergeBy(BOB_ID, BOB_NAME, "bob.keeper@example.org", "acme/privacy-a");
            byte[] bobPayload = payload(bobEvent);
            String bobSha = EvidenceChunks.sha256(bobPayload);
            pipeline.postAccepted(bobEvent);
            List<JsonNode> before = awaitTrail(pipeline, docs -> inputsOf(docs) >= 4);
            assertThat(inputsOf(before)).isEqualTo(4);

            // Before the erasure: no cleartext either, and the test can open the values (so "unreadable" below means
            // the key is gone, not that this test cannot decrypt).
            assertNoCleartext(raw(pipeline));
            PersonKeyring keysBefore = readPersonKeys(kafka, topics);
            List<String> erinValues = encryptedValuesOf(before, ERIN_ID, keysBefore);
            List<String> bobValues = encryptedValuesOf(before, BOB_ID, keysBefore);
            assertThat(erinValues).hasSize(3 * 4); // per merge: actor id, name, e-mail and change.author
            assertThat(erinValues)
                    .allSatisfy(v -> assertThat(keysBefore.decrypt("acme", v)).isPresent());
            assertThat(keysBefore.decrypt("acme", actorName(before, BOB_ID, keysBefore)))
                    .contains(BOB_NAME);
            // Every payload readable through the audit API, byte for byte, before the erasure.
            for (Map.Entry<String, byte[]> e : erinPayloads.entrySet()) {
                assertThat(awaitEvidence(pipeline, e.getKey(), 200).body()).isEqualTo(e.getValue());
            }
            assertThat(awaitEvidence(pipeline, bobSha, 200).body()).isEqualTo(bobPayload);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Vigil.run(
                    new String[] {
                        "erase-subject",
                        "--tenant",
                        "acme",
                        "--person",
                        "Erin-Erasure-7",
                        "--reference",
                        "DSR-2026-42",
                        "--data",
                        data.toString(),
                        "--set",
                        "vigil.kafka.bootstrap-servers=" + kafka,
                        "--set",
                        "vigil.topic-prefix=" + pipeline.prefix
                    },
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    System.err);
            assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
            String erin = pseudonyms().ref("acme", ERIN_ID);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains(erin).doesNotContain(ERIN_ID);

            int partitions = topics.pipelineEvents().partitions();
            List<JsonNode> after = awaitTrail(pipeline, docs -> kindCount(docs, "ERASURE") >= partitions);
            List<JsonNode> erasures = after.stream()
                    .filter(d -> d.at("/event/kind").asText().equals("ERASURE"))
                    .toList();
            // One ERASURE record per partition, each in that partition's own chain, naming the pseudonym only.
            assertThat(erasures)
                    .extracting(d -> d.at("/scope").asText())
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, partitions)
                            .mapToObj(PersonalData::erasureScope)
                            .toList());
            assertThat(erasures)
                    .allSatisfy(d -> assertThat(d.at("/chain/seq").asLong()).isEqualTo(1));
            assertThat(erasures).allSatisfy(d -> assertThat(d.at("/labels").toString())
                    .contains(erin)
                    .contains("DSR-2026-42"));
            // Exactly the tasks that had met Erin destroyed a key (three repositories: one to three partitions).
            long destroyed = erasures.stream()
                    .filter(d -> d.at("/labels").toString().contains("\"erasure.keys-destroyed\":\"1\""))
                    .count();
            assertThat(destroyed)
                    .isEqualTo(keysBefore.keysOf("acme", erin).size())
                    .isBetween(1L, 3L);

            // Nowhere in the indexed trail: not in any _source, in any field, in any case.
            assertNoCleartext(raw(pipeline));

            // The raw evidence too: Erin's payloads are gone (410), their data keys deleted from the key index,
            // the chunks ciphertext only; Bob's payload still answers byte for byte.
            for (String sha : erinPayloads.keySet()) {
                HttpResponse<byte[]> gone = awaitEvidence(pipeline, sha, 410);
                assertThat(gone.statusCode()).isEqualTo(410);
                assertThat(Json.mapper().readTree(gone.body()).get("type").asText())
                        .endsWith("evidence-erased");
                assertThat(evidenceKeyDoc(pipeline, sha))
                        .as("data key of %s", sha)
                        .isEqualTo(404);
            }
            assertThat(evidenceKeyDoc(pipeline, bobSha)).isEqualTo(200);
            HttpResponse<byte[]> bobEvidence = pipeline.getAsAuditor("/v1/evidence/" + bobSha);
            assertThat(bobEvidence.statusCode()).isEqualTo(200);
            assertThat(bobEvidence.body()).isEqualTo(bobPayload);
            assertThat(evidenceChunkBytes(pipeline, erinPayloads.keySet()))
                    .hasSize(3)
                    .allSatisfy(
                            chunk -> assertThat(new String(chunk, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT))
                                    .doesNotContain(ERIN_ID)
                                    .doesNotContain("erasmus"));
            long evidenceKeysDestroyed = erasures.stream()
                    .mapToLong(d -> d.at("/labels")
                            .path(PersonalData.ERASURE_EVIDENCE_KEYS_DESTROYED)
                            .asLong(-1))
                    .sum();
            assertThat(evidenceKeysDestroyed)
                    .as("one evidence key per payload of Erin")
                    .isEqualTo(3);
            PersonKeyring keysAfter = readPersonKeys(kafka, topics);
            assertThat(keysAfter.keysOf("acme", erin)).isEmpty();
            assertThat(erinValues)
                    .allSatisfy(v -> assertThat(keysAfter.decrypt("acme", v)).isEmpty());
            // Bob is untouched.
            assertThat(bobValues).isNotEmpty().allSatisfy(v -> assertThat(keysAfter.decrypt("acme", v))
                    .isPresent());
            assertThat(keysAfter.decrypt("acme", actorName(after, BOB_ID, keysBefore)))
                    .contains(BOB_NAME);

            // The records Erin's values sit in are unchanged, so every chain still verifies.
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            int verified = Vigil.run(
                    new String[] {
                        "verify",
                        "--tenant",
                        "acme",
                        "--data",
                        data.toString(),
                        "--set",
                        "vigil.elasticsearch.url=" + elastic,
                        "--set",
                        "vigil.index-prefix=" + pipeline.prefix
                    },
                    new PrintStream(report, true, StandardCharsets.UTF_8),
                    System.err);
            String text = report.toString(StandardCharsets.UTF_8);
            assertThat(verified).as(text).isZero();
            // Three repositories, one erasure chain per partition, and the audit API's access chain (the drill
            // fetched evidence through it).
            assertThat(text).startsWith("INTACT").contains((3 + partitions + 1) + " chain(s)");
        }
    }

    private static byte[] payload(ObjectNode event) throws Exception {
        // What PipelineHarness.post sends: the JSON as a UTF-8 string.
        return Json.mapper().writeValueAsString(event).getBytes(StandardCharsets.UTF_8);
    }

    /** The evidence answer once it has the expected status (the evidence indexer is asynchronous). */
    private static HttpResponse<byte[]> awaitEvidence(PipelineHarness pipeline, String sha, int status)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        HttpResponse<byte[]> r = pipeline.getAsAuditor("/v1/evidence/" + sha);
        while (r.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(300);
            r = pipeline.getAsAuditor("/v1/evidence/" + sha);
        }
        assertThat(r.statusCode())
                .as("evidence %s: %s", sha, new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(status);
        return r;
    }

    /** HTTP status of the data key document of a payload in the evidence key index. */
    private static int evidenceKeyDoc(PipelineHarness pipeline, String sha) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(SharedServers.elasticsearch()
                                .httpUrl() + "/"
                        + pipeline.prefix + "vigil-evidence-keys/_doc/"
                        + java.net.URLEncoder.encode(EvidenceChunks.dataKeyId("acme", sha), StandardCharsets.UTF_8)))
                .GET()
                .build();
        return pipeline.http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** The raw chunk bytes (base64-decoded _source data) stored in the evidence index for these payloads. */
    private static List<byte[]> evidenceChunkBytes(PipelineHarness pipeline, java.util.Set<String> shas)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(SharedServers.elasticsearch()
                                .httpUrl() + "/" + pipeline.prefix + "vigil-evidence/_search?size=1000&q=*:*"))
                .GET()
                .build();
        HttpResponse<String> response = pipeline.http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<byte[]> chunks = new ArrayList<>();
        Json.mapper().readTree(response.body()).at("/hits/hits").forEach(h -> {
            JsonNode source = h.get("_source");
            if (shas.contains(source.get("sha256").asText())) {
                assertThat(source.get("encryption").asText()).isEqualTo(EvidenceChunks.AES_256_GCM_V1);
                chunks.add(
                        java.util.Base64.getDecoder().decode(source.get("data").asText()));
            }
        });
        return chunks;
    }

    private Pseudonyms pseudonyms() {
        return PseudonymKeyConfig.Source.of("", "", data).load();
    }

    private static ObjectNode mergeBy(String id, String name, String email, String repository) {
        ObjectNode event = PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), repository);
        ObjectNode custom = ((ObjectNode) event.get("data")).putObject("customData");
        custom.putObject("actor").put("id", id).put("name", name).put("email", email);
        custom.putObject("change").put("author", id);
        return event;
    }

    private static void assertNoCleartext(String raw) {
        String lower = raw.toLowerCase(Locale.ROOT);
        assertThat(lower).isNotEmpty();
        assertThat(lower)
                .doesNotContain(ERIN_ID)
                .doesNotContain(ERIN_NAME.toLowerCase(Locale.ROOT))
                .doesNotContain(ERIN_MAIL)
                .doesNotContain("erasmus")
                .doesNotContain(BOB_ID)
                .doesNotContain("keeper@");
    }

    /** Every trail document of the harness' indices, as raw _source text. */
    private static String raw(PipelineHarness pipeline) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(SharedServers.elasticsearch()
                                .httpUrl() + "/" + pipeline.prefix + "vigil-audit/_search?size=1000&q=*:*"))
                .GET()
                .build();
        HttpResponse<String> response = pipeline.http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static List<JsonNode> docs(PipelineHarness pipeline) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        Json.mapper().readTree(raw(pipeline)).at("/hits/hits").forEach(h -> docs.add(h.get("_source")));
        return docs;
    }

    private static List<JsonNode> awaitTrail(PipelineHarness pipeline, Predicate<List<JsonNode>> done)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> docs = List.of();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> refresh = pipeline.http.send(
                    HttpRequest.newBuilder(URI.create(SharedServers.elasticsearch()
                                            .httpUrl() + "/" + pipeline.prefix + "vigil-audit/_refresh"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (refresh.statusCode() == 200) {
                docs = docs(pipeline);
                if (done.test(docs)) {
                    return docs;
                }
            }
            Thread.sleep(300);
        }
        return docs;
    }

    private static long inputsOf(List<JsonNode> docs) {
        return kindCount(docs, "INPUT");
    }

    private static long kindCount(List<JsonNode> docs, String kind) {
        return docs.stream()
                .filter(d -> d.at("/event/kind").asText().equals(kind))
                .count();
    }

    /** The encrypted values of the input records whose actor id decrypts to {@code login}. */
    private static List<String> encryptedValuesOf(List<JsonNode> docs, String login, PersonKeyring keys) {
        List<String> values = new ArrayList<>();
        for (JsonNode d : inputsBy(docs, login, keys)) {
            d.get("labels").properties().forEach(e -> {
                for (String v : e.getValue().asText().split(",")) {
                    if (PersonalData.isEncrypted(v)) {
                        values.add(v);
                    }
                }
            });
        }
        return values;
    }

    private static String actorName(List<JsonNode> docs, String login, PersonKeyring keys) {
        return inputsBy(docs, login, keys)
                .getFirst()
                .at("/labels")
                .get(PersonalData.ACTOR_NAME)
                .asText();
    }

    private static List<JsonNode> inputsBy(List<JsonNode> docs, String login, PersonKeyring keys) {
        return docs.stream()
                .filter(d -> d.at("/event/kind").asText().equals("INPUT"))
                .filter(d -> d.hasNonNull("labels") && d.get("labels").has(PersonalData.ACTOR_ID))
                .filter(d -> keys.decrypt(
                                "acme",
                                d.get("labels").get(PersonalData.ACTOR_ID).asText())
                        .filter(login::equals)
                        .isPresent())
                .toList();
    }

    /** vigil.person-keys read to its end (read_committed: the streams app writes it in transactions). */
    private static PersonKeyring readPersonKeys(String kafka, Topics topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        PersonKeyring ring = new PersonKeyring();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer
                    .partitionsFor(topics.personKeys().name())
                    .stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ring.apply(r.key(), r.value());
                }
            }
            assertThat(partitions)
                    .allSatisfy(tp -> assertThat(consumer.position(tp)).isGreaterThanOrEqualTo(end.get(tp)));
        }
        return ring;
    }
}
