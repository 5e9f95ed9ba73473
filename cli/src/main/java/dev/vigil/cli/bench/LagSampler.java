package dev.vigil.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the pipeline stands, read once a second with a Kafka {@link Admin}: end offsets of the input topics
 * ({@code pipeline-events}, {@code scan-results}) and of {@code audit-trail}, the committed offsets of the streams app's
 * consumer group on the input topics and of the audit indexer's group on the trail; and the number of documents
 * searchable in the trail alias ({@code _count}, which sees only refreshed documents).
 *
 * <p>Stage rates between two snapshots: {@code ingest} = input end-offset growth/s, {@code evaluate} = streams-group
 * committed growth/s on the inputs, {@code chain} = trail end-offset growth/s, {@code index} = indexer-group committed
 * growth/s on the trail. Offsets count transaction markers too (the streams app writes the trail in transactions, one
 * marker per partition per commit), so {@code chain} and {@code index} overstate records slightly; the searchable rate
 * is taken from {@code _count} instead, which counts documents only.
 */
final class LagSampler implements AutoCloseable {

    static final String STREAMS = "streams";
    static final String INDEXER = "indexer";

    /** One reading. Offsets are summed over partitions; -1 counts mean "unknown". */
    record Snapshot(
            long nanos,
            long inputEnd,
            long trailEnd,
            long streamsCommitted,
            long indexerCommitted,
            long streamsLag,
            long indexerLag,
            long searchable) {

        /** Records not yet searchable-in-principle: streams lag on the inputs plus indexer lag on the trail. */
        long backlog() {
            return Math.max(0, streamsLag) + Math.max(0, indexerLag);
        }

        Map<String, Long> lag() {
            Map<String, Long> lag = new LinkedHashMap<>();
            lag.put(STREAMS, streamsLag);
            lag.put(INDEXER, indexerLag);
            return lag;
        }
    }

    private final Admin admin;
    private final List<String> inputTopics;
    private final String trailTopic;
    private final String streamsGroup;
    private final String indexerGroup;
    private final String countUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private List<TopicPartition> inputPartitions = List.of();
    private List<TopicPartition> trailPartitions = List.of();

    LagSampler(
            String bootstrap,
            Topics topics,
            String streamsGroup,
            String indexerGroup,
            String elasticsearchUrl,
            String trailAlias) {
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000));
        this.inputTopics =
                List.of(topics.pipelineEvents().name(), topics.scanResults().name());
        this.trailTopic = topics.auditTrail().name();
        this.streamsGroup = streamsGroup;
        this.indexerGroup = indexerGroup;
        this.countUrl = elasticsearchUrl.replaceAll("/+$", "") + "/" + trailAlias + "/_count";
    }

    /** Reads offsets and the searchable count now; unknown parts are -1 (a failed call does not throw). */
    synchronized Snapshot sample() {
        long now = System.nanoTime();
        long inputEnd = -1;
        long trailEnd = -1;
        long streamsCommitted = -1;
        long indexerCommitted = -1;
        long streamsLag = -1;
        long indexerLag = -1;
        try {
            if (inputPartitions.isEmpty() || trailPartitions.isEmpty()) {
                discoverPartitions();
            }
            Map<TopicPartition, Long> ends = endOffsets();
            Map<TopicPartition, Long> streams = committed(streamsGroup);
            Map<TopicPartition, Long> indexer = committed(indexerGroup);
            inputEnd = sum(ends, inputPartitions);
            trailEnd = sum(ends, trailPartitions);
            streamsCommitted = sum(streams, inputPartitions);
            indexerCommitted = sum(indexer, trailPartitions);
            streamsLag = lag(ends, streams, inputPartitions);
            indexerLag = lag(ends, indexer, trailPartitions);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // unknown this second
        }
        return new Snapshot(
                now, inputEnd, trailEnd, streamsCommitted, indexerCommitted, streamsLag, indexerLag, searchable());
    }

    /** Per-stage rates between two snapshots (per second); a stage with an unknown end is left out. */
    static Map<String, Double> rates(Snapshot from, Snapshot to) {
        Map<String, Double> rates = new LinkedHashMap<>();
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        if (seconds <= 0) {
            return rates;
        }
        put(rates, "ingest", from.inputEnd(), to.inputEnd(), seconds);
        put(rates, "evaluate", from.streamsCommitted(), to.streamsCommitted(), seconds);
        put(rates, "chain", from.trailEnd(), to.trailEnd(), seconds);
        put(rates, "index", from.indexerCommitted(), to.indexerCommitted(), seconds);
        return rates;
    }

    /** Documents that became searchable per second between two snapshots; 0 when either count is unknown. */
    static double searchableRate(Snapshot from, Snapshot to) {
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        if (seconds <= 0 || from.searchable() < 0 || to.searchable() < 0) {
            return 0;
        }
        return Math.max(0, to.searchable() - from.searchable()) / seconds;
    }

    private static void put(Map<String, Double> rates, String stage, long from, long to, double seconds) {
        if (from >= 0 && to >= 0) {
            rates.put(stage, Math.round(Math.max(0, to - from) / seconds * 10) / 10.0);
        }
    }

    private void discoverPartitions() throws Exception {
        List<String> all = new ArrayList<>(inputTopics);
        all.add(trailTopic);
        Map<String, TopicDescription> described =
                admin.describeTopics(all).allTopicNames().get(10, TimeUnit.SECONDS);
        List<TopicPartition> inputs = new ArrayList<>();
        List<TopicPartition> trail = new ArrayList<>();
        described.forEach((name, d) -> d.partitions().forEach(p -> {
            TopicPartition tp = new TopicPartition(name, p.partition());
            (name.equals(trailTopic) ? trail : inputs).add(tp);
        }));
        inputPartitions = List.copyOf(inputs);
        trailPartitions = List.copyOf(trail);
    }

    private Map<TopicPartition, Long> endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        inputPartitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        trailPartitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    private Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> committed = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                committed.put(tp, om.offset());
            }
        });
        return committed;
    }

    private static long sum(Map<TopicPartition, Long> offsets, List<TopicPartition> partitions) {
        long total = 0;
        for (TopicPartition tp : partitions) {
            total += offsets.getOrDefault(tp, 0L);
        }
        return total;
    }

    private static long lag(
            Map<TopicPartition, Long> ends, Map<TopicPartition, Long> committed, List<TopicPartition> partitions) {
        long lag = 0;
        for (TopicPartition tp : partitions) {
            lag += Math.max(0, ends.getOrDefault(tp, 0L) - committed.getOrDefault(tp, 0L));
        }
        return lag;
    }

    private long searchable() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(countUrl))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return 0; // no trail index yet
            }
            if (response.statusCode() != 200) {
                return -1;
            }
            JsonNode count = mapper.readTree(response.body()).path("count");
            return count.isNumber() ? count.asLong() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
