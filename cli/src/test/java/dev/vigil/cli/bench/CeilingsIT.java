package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.GetResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ceilings on the real embedded broker and node: what they count, and that they leave nothing behind. */
class CeilingsIT {

    static String bootstrap;
    static String esUrl;
    static Admin admin;
    static ElasticsearchClient es;

    @BeforeAll
    static void servers() {
        bootstrap = SharedServers.kafka().bootstrapServers();
        esUrl = SharedServers.elasticsearch().httpUrl();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        es = ElasticsearchClients.create(esUrl);
    }

    @AfterAll
    static void close() {
        admin.close();
        ElasticsearchClients.close(es);
    }

    @Test
    void measuresEveryCeilingOnIngestsRecordsAndCleansUp() throws Exception {
        String prefix = "it-ceilings-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<BenchInput> inputs = CeilingFixtures.inputs(3);
        CeilingInputs material = CeilingInputs.of(inputs, Topics.DEFAULT_PARTITIONS);
        int perPass = material.records().size();
        long minCount = 25;
        long passes = (minCount + perPass - 1) / perPass;
        long expected = perPass * passes;
        Map<String, Long> endOffsets = new HashMap<>();
        Map<String, Long> held = new HashMap<>();
        List<JsonNode> firstLinks = new ArrayList<>();
        List<ScratchResources> seen = new ArrayList<>();
        List<String> progress = new ArrayList<>();

        List<BenchResult.Ceiling> ceilings = new Ceilings(bootstrap, esUrl, prefix)
                .minimum(Duration.ZERO, minCount)
                .beforeCleanup(scratch -> {
                    seen.add(scratch);
                    try {
                        for (String topic : scratch.topics()) {
                            endOffsets.put(topic, endOffsetSum(topic));
                        }
                        for (String index : scratch.indices()) {
                            held.put(index, es.count(c -> c.index(index)).count());
                        }
                        // The first link of the first subject's chain, by the indexer's _id.
                        String chain = CeilingFixtures.TENANT + "/github.com/acme/repo-0";
                        for (String index : scratch.indices()) {
                            GetResponse<JsonNode> doc =
                                    es.get(g -> g.index(index).id(chain + ":1"), JsonNode.class);
                            if (doc.found()) {
                                firstLinks.add(doc.source());
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .measure(inputs, progress::add);

        Map<String, BenchResult.Ceiling> byName =
                ceilings.stream().collect(Collectors.toMap(BenchResult.Ceiling::name, c -> c));
        assertThat(byName)
                .as("progress: %s", progress)
                .containsOnlyKeys(
                        "kafka.produce",
                        "kafka.produce-with-evidence",
                        "kafka.consume",
                        "kafka.consume-produce",
                        "kafka.consume-produce-eos",
                        "elasticsearch.bulk-create");
        assertThat(byName.get("kafka.produce").count()).isEqualTo(expected);
        assertThat(byName.get("kafka.produce").bytes()).isEqualTo(CeilingInputs.bytes(material.records()) * passes);
        assertThat(byName.get("kafka.produce-with-evidence").count()).isEqualTo(expected);
        assertThat(byName.get("kafka.produce-with-evidence").bytes())
                .isEqualTo(CeilingInputs.bytes(material.writes()) * passes);
        assertThat(byName.get("kafka.consume").count()).isEqualTo(expected);
        assertThat(byName.get("kafka.consume").bytes())
                .isEqualTo(byName.get("kafka.produce").bytes());
        assertThat(byName.get("kafka.consume-produce").count()).isEqualTo(expected);
        assertThat(byName.get("kafka.consume-produce-eos").count()).isEqualTo(expected);
        assertThat(byName.get("elasticsearch.bulk-create").count()).isEqualTo(expected);
        assertThat(byName.get("elasticsearch.bulk-create").unit()).isEqualTo("documents");
        assertThat(ceilings).allSatisfy(c -> {
            assertThat(c.seconds()).isPositive();
            assertThat(c.perSecond()).isEqualTo(c.count() / c.seconds());
            assertThat(c.bytes()).isPositive();
            assertThat(c.note()).isNotBlank();
            assertThat(progress).anyMatch(line -> line.startsWith(c.name() + " "));
        });

        // What the scratch resources held just before they were deleted.
        assertThat(seen).hasSize(1);
        ScratchResources scratch = seen.get(0);
        assertThat(endOffsets.get(prefix + "bench.records")).isEqualTo(expected);
        assertThat(endOffsets.get(prefix + "bench.ingest-writes"))
                .isEqualTo((long) material.writes().size() * passes);
        assertThat(endOffsets.get(prefix + "bench.copy")).isEqualTo(expected);
        // Transactional: one commit marker per partition written in each transaction on top of the copies.
        assertThat(endOffsets.get(prefix + "bench.copy-eos")).isGreaterThan(expected);
        AuditIndex index = new AuditIndex(prefix);
        assertThat(scratch.indices()).isNotEmpty().allMatch(i -> i.startsWith(prefix + "vigil-audit-v"));
        assertThat(scratch.indexTemplate()).isEqualTo(index.templateName());
        assertThat(held.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(expected);
        assertThat(firstLinks).hasSize(1);
        JsonNode first = firstLinks.get(0);
        assertThat(first.at("/chain/prev_hash").asText()).isEqualTo("0".repeat(64));
        assertThat(first.at("/event/kind").asText()).isEqualTo("INPUT");
        assertThat(first.at("/verdicts").size())
                .as("verdicts of the built-in catalog")
                .isPositive();

        // Nothing left behind.
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        assertThat(topics).noneMatch(t -> t.startsWith(prefix));
        assertThat(admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS))
                .extracting(ConsumerGroupListing::groupId)
                .noneMatch(g -> g.startsWith(prefix));
        assertThat(es.indices()
                        .get(g -> g.index(index.indexPattern()).allowNoIndices(true))
                        .indices())
                .isEmpty();
        assertThat(es.indices()
                        .existsIndexTemplate(t -> t.name(index.templateName()))
                        .value())
                .isFalse();
    }

    private static long endOffsetSum(String topic) throws Exception {
        var description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        description
                .get(topic)
                .partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(r -> r.offset())
                .sum();
    }
}
