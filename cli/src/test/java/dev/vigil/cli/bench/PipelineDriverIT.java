package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.auditapi.AuditApiConfig;
import dev.vigil.auditapi.AuditApiServer;
import dev.vigil.cli.bench.BenchInput.Mix;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import dev.vigil.embedded.SharedServers;
import dev.vigil.ingest.IngestConfig;
import dev.vigil.ingest.IngestServer;
import dev.vigil.streams.StreamsApp;
import dev.vigil.streams.StreamsAppConfig;
import dev.vigil.streams.indexer.AuditIndexer;
import dev.vigil.trail.checkpoint.SigningKeyConfig;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's inputs against the real pipeline in this JVM (ingest, streams app, audit indexer,
 * audit-api on the shared embedded broker and node): every kind of the mix is accepted, and the
 * driver's probes are found through audit-api. Asserts facts, never timings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineDriverIT {

    static final List<String> TENANTS = List.of("bench-t0", "bench-t1");

    @TempDir
    static Path dataDir;

    final String prefix = "bench-it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    final ApiKeys keys = new ApiKeys(List.of());
    final Map<String, String> publisherKeys = new LinkedHashMap<>();
    final Map<String, String> auditorKeys = new LinkedHashMap<>();
    final ObjectMapper mapper = new ObjectMapper();
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    StreamsApp streams;
    AuditIndexer indexer;
    IngestServer ingest;
    AuditApiServer auditApi;

    @BeforeAll
    void startPipeline() {
        for (String t : TENANTS) {
            publisherKeys.put(
                    t, keys.mint(t, Set.of(Role.PUBLISHER), "bench publisher").key());
            auditorKeys.put(
                    t, keys.mint(t, Set.of(Role.AUDITOR), "bench auditor").key());
        }
        SigningKeys.rotate(SigningKeyConfig.signingKeyFile("", dataDir), SigningKeyConfig.publicKeysDir("", dataDir));
        streams = StreamsApp.start(StreamsAppConfig.from(config(StreamsAppConfig.FIELDS)));
        streams.waitUntilRunning(Duration.ofSeconds(120));
        indexer = AuditIndexer.start(StreamsAppConfig.from(config(StreamsAppConfig.FIELDS)));
        ingest = IngestServer.start(IngestConfig.from(config(IngestConfig.FIELDS)), keys);
        auditApi = AuditApiServer.start(AuditApiConfig.from(config(AuditApiConfig.FIELDS)), keys);
    }

    private Config config(List<ConfigField<?>> fields) {
        return Config.resolve(
                fields,
                null,
                Map.of(),
                Map.of(
                        "vigil.kafka.bootstrap-servers",
                        SharedServers.kafka().bootstrapServers(),
                        "vigil.elasticsearch.url",
                        SharedServers.elasticsearch().httpUrl(),
                        "vigil.topic-prefix",
                        prefix,
                        "vigil.index-prefix",
                        prefix,
                        "vigil.data-dir",
                        dataDir.toString(),
                        "vigil.streams.application-id",
                        prefix + "streams",
                        "vigil.indexer.group-id",
                        prefix + "indexer",
                        "vigil.ingest.port",
                        "0",
                        "vigil.audit-api.port",
                        "0"));
    }

    @AfterAll
    void stopPipeline() {
        for (AutoCloseable c : new AutoCloseable[] {auditApi, ingest, indexer, streams}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // best effort: the next test class uses fresh prefixes
                }
            }
        }
    }

    @Test
    @Order(1)
    void everyKindOfTheMixIsAccepted() throws Exception {
        Workload workload = new Workload(UUID.randomUUID().getMostSignificantBits(), TENANTS, 20, 0.1);
        Map<Mix, Integer> accepted = new EnumMap<>(Mix.class);
        Map<Mix, Integer> records = new EnumMap<>(Mix.class);
        List<String> problems = new ArrayList<>();
        boolean probeSeen = false;
        // three of every kind (and at least one probe), straight to ingest
        while (accepted.size() < Mix.values().length
                || accepted.values().stream().anyMatch(n -> n < 3)
                || !probeSeen) {
            BenchInput in = workload.next();
            if (accepted.getOrDefault(in.mix(), 0) >= 3 && !(in.probe() && !probeSeen)) {
                continue;
            }
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(ingest.baseUrl() + in.pathAndQuery()))
                            .header("Content-Type", in.contentType())
                            .header("Authorization", "Bearer " + publisherKeys.get(in.tenant()))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(in.body()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 202) {
                problems.add(
                        in.mix() + " " + in.pathAndQuery() + " -> " + response.statusCode() + " " + response.body());
                if (problems.size() > 5) {
                    break;
                }
                continue;
            }
            JsonNode answer = mapper.readTree(response.body());
            assertThat(answer.get("records").size()).as(response.body()).isPositive();
            for (JsonNode r : answer.get("records")) {
                assertThat(r.get("id").asText()).isNotBlank();
                assertThat(r.get("scope").asText()).isEqualTo(in.scope());
            }
            accepted.merge(in.mix(), 1, Integer::sum);
            records.merge(in.mix(), answer.get("records").size(), Integer::sum);
            probeSeen |= in.probe();
        }
        System.out.println("accepted per kind: " + accepted + ", records per kind: " + records);
        assertThat(problems).as("inputs ingest refused").isEmpty();
        assertThat(accepted.keySet()).containsExactlyInAnyOrder(Mix.values());
        // a 300 KB Trivy report is split into several ScanResult parts
        assertThat(records.get(Mix.MERGE)).isEqualTo(accepted.get(Mix.MERGE));
        assertThat(records.get(Mix.TRIVY)).isGreaterThanOrEqualTo(accepted.get(Mix.TRIVY));
    }

    @Test
    @Order(2)
    void driverSendsTheMixAndFollowsProbesUntilSearchable() throws Exception {
        Workload workload = new Workload(UUID.randomUUID().getMostSignificantBits(), TENANTS, 20, 0.25);
        BenchEndpoints endpoints = new BenchEndpoints(ingest.baseUrl(), auditApi.baseUrl(), publisherKeys, auditorKeys);
        DriverStep step;
        DriverCounters counters;
        TrailWatch watch = new TrailWatch();
        // a longer grace than the bench's 15 s: on a loaded CI box the first probes can take that long,
        // and this test is about the probes being found, not how fast (the step returns once all are)
        try (PipelineDriver driver = new PipelineDriver(endpoints, workload, 8).probeGrace(Duration.ofSeconds(60))) {
            step = driver.run("step", 20, Duration.ofSeconds(8), () -> false);
            watch.stop();
            counters = driver.counters();
            System.out.printf(
                    Locale.ROOT,
                    "driver: %.1f s, sent %d, accepted %d (%s), failed %d, records %d, probes %d seen %d,"
                            + " late sends %d, max send delay %.1f ms%n  accept %s%n  searchable %s%n  search %s%n",
                    step.seconds(),
                    step.sent(),
                    step.accepted(),
                    counters.acceptedByMix(),
                    step.failed(),
                    step.recordsAccepted(),
                    step.probesSent(),
                    step.probesSeen(),
                    counters.lateSends(),
                    counters.maxSendDelayMs(),
                    step.accept(),
                    step.searchable(),
                    step.search());
            assertThat(counters.failures()).as("failures").isEmpty();
            double[] taken = counters.takeSearchableLatenciesMs();
            assertThat(taken.length).isEqualTo(step.probesSeen());
            assertThat(counters.takeSearchableLatenciesMs()).isEmpty();
        }
        printWhereProbesWaited();
        assertThat(step.sent()).isEqualTo(160);
        assertThat(step.failed()).isZero();
        assertThat(step.accepted()).isEqualTo(step.sent());
        assertThat(step.recordsAccepted()).isGreaterThanOrEqualTo(step.accepted());
        assertThat(step.accept().count()).isEqualTo(step.accepted());
        assertThat(step.accept().p50()).isPositive();
        assertThat(step.probesSent()).isPositive();
        assertThat(step.probesSeen()).isPositive().isLessThanOrEqualTo(step.probesSent());
        assertThat(step.searchable().count()).isEqualTo(step.probesSeen());
        assertThat(step.searchable().p50()).isPositive();
        assertThat(step.searchable().max())
                .isGreaterThanOrEqualTo(step.searchable().p99());
        assertThat(step.search().count()).isPositive();
        assertThat(counters.probesPending()).isZero();
        assertThat(counters.probesSeen() + counters.probesNotSeen()).isEqualTo(step.probesSent());
    }

    /**
     * Not asserted: when the probe repositories' trail records become readable by a read_committed
     * consumer of the audit trail (as the indexer reads it), relative to their event time (≈ the
     * send): the part of the latency before indexing.
     */
    final class TrailWatch {
        final List<Double> committed = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean running = true;
        final Thread thread;

        TrailWatch() {
            var topic = dev.vigil.schemas.topic.Topics.withPrefix(prefix).auditTrail();
            Map<String, Object> props = Map.of(
                    "bootstrap.servers", SharedServers.kafka().bootstrapServers(),
                    "isolation.level", "read_committed",
                    "enable.auto.commit", "false");
            var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                    props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
            var partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(pi -> new org.apache.kafka.common.TopicPartition(pi.topic(), pi.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = Thread.ofPlatform().daemon().start(() -> {
                try (consumer) {
                    while (running) {
                        for (var rec : consumer.poll(Duration.ofMillis(50))) {
                            if (rec.value() != null
                                    && rec.value().getScope().endsWith("/bench-probe")
                                    && rec.value().getKind().name().equals("INPUT")) {
                                committed.add(
                                        (double) Duration.between(rec.value().getEventTime(), java.time.Instant.now())
                                                .toMillis());
                            }
                        }
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
            System.out.println("probe records: event time -> readable on the trail topic (read_committed), ms: "
                    + LatencyHistogram.of(
                            committed.stream().mapToDouble(Double::doubleValue).toArray()));
        }
    }

    /**
     * Not asserted: for the probe repositories' trail records, event time (≈ the send) → chained by
     * the streams app ({@code event.ingested}), to tell the streams part of the latency from indexing.
     */
    private void printWhereProbesWaited() throws Exception {
        List<Double> chained = new ArrayList<>();
        for (String tenant : TENANTS) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(auditApi.baseUrl() + "/v1/audit/records?scope="
                                    + Workload.probeScope(tenant) + "&kind=INPUT&size=500"))
                            .header("Authorization", "Bearer " + auditorKeys.get(tenant))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            for (JsonNode rec : mapper.readTree(r.body()).get("records")) {
                java.time.Instant at =
                        java.time.Instant.parse(rec.get("@timestamp").asText());
                java.time.Instant ingested =
                        java.time.Instant.parse(rec.at("/event/ingested").asText());
                chained.add((double) Duration.between(at, ingested).toMillis());
            }
        }
        System.out.println("probe records: event time -> chained by streams, ms: "
                + LatencyHistogram.of(
                        chained.stream().mapToDouble(Double::doubleValue).toArray()));
    }
}
