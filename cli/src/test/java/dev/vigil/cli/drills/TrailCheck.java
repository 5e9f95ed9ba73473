package dev.vigil.cli.drills;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import dev.vigil.common.json.Json;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.ElasticsearchClients;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The drills' verdict, the same for every drill: nothing lost, duplicated, altered or reordered,
 * in the Kafka trail and in Elasticsearch alike.
 */
final class TrailCheck {

    private TrailCheck() {}

    /**
     * Every input exactly once as an INPUT record, each subject's inputs in the order they were
     * produced; every chain gapless from 1 with valid prev_hash links and hashes that recompute.
     */
    static void assertKafkaTrail(List<DrillInputs.Input> inputs, List<TrailLedger.Link> links) {
        Map<String, Long> copies = links.stream()
                .filter(l -> l.kind().equals("INPUT"))
                .collect(Collectors.groupingBy(TrailLedger.Link::id, Collectors.counting()));
        assertThat(copies.keySet())
                .as("inputs in the Kafka trail")
                .containsExactlyInAnyOrderElementsOf(
                        inputs.stream().map(DrillInputs.Input::id).toList());
        assertThat(copies.entrySet().stream().filter(e -> e.getValue() != 1).toList())
                .as("inputs in the Kafka trail more than once")
                .isEmpty();

        Map<String, List<TrailLedger.Link>> chains = byChain(links);
        chains.forEach((chain, records) -> {
            String prev = AuditChain.GENESIS_HASH;
            for (int i = 0; i < records.size(); i++) {
                TrailLedger.Link link = records.get(i);
                assertThat(link.seq()).as("seq of link %d of %s", i, chain).isEqualTo(i + 1L);
                assertThat(link.prevHash())
                        .as("prev_hash of %s:%d", chain, link.seq())
                        .isEqualTo(prev);
                assertThat(link.hashRecomputes())
                        .as("hash of %s:%d recomputes", chain, link.seq())
                        .isTrue();
                prev = link.hash();
            }
        });

        // Kafka Streams keeps the order of each input partition; between the two input topics it
        // interleaves by timestamp, best effort, so order is checked per subject and per topic.
        Map<String, Map<String, List<String>>> produced = inputs.stream()
                .collect(Collectors.groupingBy(
                        i -> AuditChain.chainId(DrillInputs.TENANT, i.scope()),
                        LinkedHashMap::new,
                        Collectors.groupingBy(
                                DrillInputs.Input::topic,
                                LinkedHashMap::new,
                                Collectors.mapping(DrillInputs.Input::id, Collectors.toList()))));
        produced.forEach((chain, perTopic) -> {
            List<String> chained = chains.getOrDefault(chain, List.of()).stream()
                    .filter(l -> l.kind().equals("INPUT"))
                    .map(TrailLedger.Link::id)
                    .toList();
            perTopic.forEach((topic, ids) -> {
                Set<String> ofTopic = new HashSet<>(ids);
                assertThat(chained.stream().filter(ofTopic::contains).toList())
                        .as("order of the inputs from %s in chain %s", topic, chain)
                        .containsExactlyElementsOf(ids);
            });
        });
    }

    /**
     * Waits until the alias counts as many documents as the Kafka trail has records, then reads
     * every document: per chain the same seqs with the same hashes as Kafka, hashes that recompute
     * from the stored document, no {@code event.id} twice.
     */
    static void assertElasticsearchMatches(
            String elasticsearchUrl, String alias, List<TrailLedger.Link> links, Duration timeout)
            throws IOException, InterruptedException {
        ElasticsearchClient es = ElasticsearchClients.create(elasticsearchUrl);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            long count;
            while (true) {
                es.indices().refresh(r -> r.index(alias));
                count = es.count(c -> c.index(alias)).count();
                if (count >= links.size() || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(count).as("documents behind alias %s", alias).isEqualTo(links.size());

            Map<String, String> kafkaHashes = new HashMap<>(links.size() * 2);
            for (TrailLedger.Link link : links) {
                kafkaHashes.put(link.chain() + ":" + link.seq(), link.hash());
            }
            Map<String, String> esHashes = new HashMap<>(links.size() * 2);
            Map<String, Integer> eventIds = new HashMap<>(links.size() * 2);
            List<String> notRecomputing = new ArrayList<>();
            String pit = es.openPointInTime(p -> p.index(alias).keepAlive(k -> k.time("2m")))
                    .id();
            try {
                List<FieldValue> after = null;
                while (true) {
                    List<FieldValue> searchAfter = after;
                    SearchResponse<JsonData> page = es.search(
                            s -> {
                                s.size(5000)
                                        .pit(p -> p.id(pit).keepAlive(k -> k.time("2m")))
                                        .sort(o -> o.field(f -> f.field("_shard_doc")))
                                        .trackTotalHits(t -> t.enabled(false));
                                if (searchAfter != null) {
                                    s.searchAfter(searchAfter);
                                }
                                return s;
                            },
                            JsonData.class);
                    List<Hit<JsonData>> hits = page.hits().hits();
                    if (hits.isEmpty()) {
                        break;
                    }
                    for (Hit<JsonData> hit : hits) {
                        AuditDocument doc =
                                Json.mapper().readValue(hit.source().toJson().toString(), AuditDocument.class);
                        assertThat(hit.id()).isEqualTo(doc.documentId());
                        esHashes.put(doc.documentId(), doc.chain().hash());
                        eventIds.merge(doc.event().id(), 1, Integer::sum);
                        if (!AuditChain.recomputeHash(doc).equals(doc.chain().hash())) {
                            notRecomputing.add(doc.documentId());
                        }
                    }
                    after = hits.get(hits.size() - 1).sort();
                }
            } finally {
                es.closePointInTime(c -> c.id(pit));
            }
            assertThat(notRecomputing)
                    .as("documents whose hash does not recompute")
                    .isEmpty();
            assertThat(eventIds.entrySet().stream()
                            .filter(e -> e.getValue() > 1)
                            .map(Map.Entry::getKey)
                            .toList())
                    .as("event.id stored more than once")
                    .isEmpty();
            List<String> differing = new ArrayList<>();
            kafkaHashes.forEach((id, hash) -> {
                if (!hash.equals(esHashes.get(id))) {
                    differing.add(id + " kafka " + hash + " elasticsearch " + esHashes.get(id));
                }
            });
            esHashes.keySet().stream()
                    .filter(id -> !kafkaHashes.containsKey(id))
                    .forEach(id -> differing.add(id + " only in elasticsearch"));
            assertThat(differing)
                    .as("Elasticsearch documents differing from the Kafka trail (same chain and seq, same hash)")
                    .isEmpty();
            assertThat(esHashes).hasSameSizeAs(kafkaHashes);
        } finally {
            ElasticsearchClients.close(es);
        }
    }

    private static Map<String, List<TrailLedger.Link>> byChain(List<TrailLedger.Link> links) {
        return links.stream()
                .collect(Collectors.groupingBy(TrailLedger.Link::chain, LinkedHashMap::new, Collectors.toList()));
    }
}
