package dev.vigil.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.config.Config;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.ingest.cdevents.Samples;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Ingest throughput over HTTP against the raw Kafka producer of the very same records, in one run
 * on one broker. Not part of the test suite (tag {@code bench}, excluded by default); it asserts
 * no timing. Run:
 *
 * <pre>
 *   ./mvnw -B -ntp -pl ingest -am verify -Dquick -Dtest=IngestThroughputBench \
 *       -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.test.excludedGroups=none
 * </pre>
 *
 * For each workload: (1) POST the bodies to the real ingest server with several concurrent
 * clients, every request waiting for its 202 (which ingest gives only after Kafka acknowledged
 * the evidence and the normalized records); (2) read back exactly the bytes ingest wrote (evidence
 * chunks and records); (3) send those bytes with a producer configured as ingest's own
 * ({@link KafkaSink#properties}) to fresh topics. The ratio is HTTP units/s over raw units/s.
 * Figures are written to {@code target/bench/ingest-bench.json} and printed as a table.
 */
@Tag("bench")
class IngestThroughputBench {

    static final int CLIENTS = Integer.getInteger("bench.clients", 16);
    static final int EVENTS = Integer.getInteger("bench.events", 20_000);
    static final int BATCH = Integer.getInteger("bench.batch", 100);
    static final int REPORTS = Integer.getInteger("bench.reports", 40);
    static final int FINDINGS_PER_REPORT = Integer.getInteger("bench.findings", 500);
    /** Share of each workload sent first, unmeasured, to its own topics (JIT, connections, metadata). */
    static final double WARMUP = Double.parseDouble(System.getProperty("bench.warmup", "0.1"));
    /** Which workloads to run, comma-separated: {@code single}, {@code batched}, {@code trivy}. */
    static final List<String> WORKLOADS = List.of(
            System.getProperty("bench.workloads", "single,batched,trivy").split(","));
    /** {@code -Dbench.kafka.producer.linger.ms=0} passes {@code vigil.kafka.producer.linger.ms=0} to ingest. */
    static final String PRODUCER_OVERRIDE = "bench.kafka.producer.";

    record Workload(String name, String unit, String path, String contentType, List<byte[]> bodies, long units) {}

    record Result(String workload, String unit, long units, double httpPerSecond, double rawPerSecond) {}

    final HttpClient http = HttpClient.newBuilder().build();
    String bootstrap;

    @Test
    void measure() throws Exception {
        bootstrap = SharedServers.kafka().bootstrapServers();
        List<Workload> workloads = new ArrayList<>();
        if (WORKLOADS.contains("single")) {
            workloads.add(singleEvents(EVENTS / 4));
        }
        if (WORKLOADS.contains("batched")) {
            workloads.add(batchedEvents(EVENTS, BATCH));
        }
        if (WORKLOADS.contains("trivy")) {
            workloads.add(trivyReports(REPORTS, FINDINGS_PER_REPORT));
        }
        List<Result> results = new ArrayList<>();
        for (Workload w : workloads) {
            // A short warm-up on its own topics: JIT, connections, topic metadata.
            run(new Workload(
                    w.name(),
                    w.unit(),
                    w.path(),
                    w.contentType(),
                    w.bodies().subList(0, Math.max(1, Math.min(w.bodies().size(), (int)
                            (w.bodies().size() * WARMUP)))),
                    0));
            Result r = run(w);
            if (r != null) {
                results.add(r);
            }
        }
        report(results);
    }

    private Result run(Workload w) throws Exception {
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Topics topics = Topics.withPrefix(prefix);
        Topics rawTopics = Topics.withPrefix("raw-" + prefix);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, topics, (short) 1);
            TopicAdmin.ensureTopics(admin, rawTopics, (short) 1);
        }
        Map<String, String> settings = new HashMap<>(Map.of(
                "vigil.kafka.bootstrap-servers", bootstrap,
                "vigil.topic-prefix", prefix,
                "vigil.ingest.port", "0"));
        System.getProperties().stringPropertyNames().stream()
                .filter(n -> n.startsWith(PRODUCER_OVERRIDE))
                .forEach(n -> settings.put(
                        IngestConfig.PRODUCER_PREFIX + n.substring(PRODUCER_OVERRIDE.length()), System.getProperty(n)));
        IngestConfig config = IngestConfig.from(Config.resolve(IngestConfig.FIELDS, null, Map.of(), settings));
        ApiKeys keys = new ApiKeys(List.of());
        String benchKey = keys.mint("bench", Set.of(Role.PUBLISHER), "bench").key();
        long httpNanos;
        long httpCpuNanos;
        try (IngestServer ingest = IngestServer.start(config, keys)) {
            HttpResponse<String> probe = post(ingest, w, w.bodies().get(0), benchKey);
            if (probe.statusCode() != 202) {
                System.out.printf(
                        Locale.ROOT,
                        "skipping %s: ingest answered %d %s%n",
                        w.name(),
                        probe.statusCode(),
                        probe.body());
                return null;
            }
            AtomicInteger next = new AtomicInteger(1);
            AtomicInteger failures = new AtomicInteger();
            long[] latencies = new long[w.bodies().size()];
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    clients.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < w.bodies().size(); i = next.getAndIncrement()) {
                            try {
                                long sent = System.nanoTime();
                                // Only 202 counts: a 200 duplicate would mean the workload repeats itself.
                                if (post(ingest, w, w.bodies().get(i), benchKey).statusCode() != 202) {
                                    failures.incrementAndGet();
                                }
                                latencies[i] = System.nanoTime() - sent;
                            } catch (Exception e) {
                                failures.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : clients) {
                    f.get();
                }
            }
            httpNanos = System.nanoTime() - start;
            httpCpuNanos = processCpuNanos() - cpuStart;
            long[] measured = java.util.Arrays.copyOfRange(latencies, 1, latencies.length);
            java.util.Arrays.sort(measured);
            if (measured.length > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "%s: request latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms (%d clients)%n",
                        w.name(),
                        measured[measured.length / 2] / 1e6,
                        measured[(int) (measured.length * 0.9)] / 1e6,
                        measured[(int) (measured.length * 0.99)] / 1e6,
                        CLIENTS);
            }
            if (failures.get() > 0) {
                throw new IllegalStateException(w.name() + ": " + failures.get() + " requests failed");
            }
        }
        if (w.units() == 0) {
            return null;
        }
        // The same bytes, straight from a producer configured like ingest's.
        List<ProducerRecord<byte[], byte[]>> written = new ArrayList<>();
        for (Topic<String, ?> t : List.of(topics.evidence(), topics.pipelineEvents(), topics.scanResults())) {
            String target =
                    rawTopics.prefix() + t.name().substring(topics.prefix().length());
            for (ConsumerRecord<byte[], byte[]> r : readAll(t.name())) {
                written.add(new ProducerRecord<>(target, r.key(), r.value()));
            }
        }
        Map<String, Object> props = new HashMap<>(KafkaSink.properties(config));
        long rawNanos;
        long rawCpuNanos;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            for (ProducerRecord<byte[], byte[]> r : written) {
                producer.send(r);
            }
            producer.flush();
            rawNanos = System.nanoTime() - start;
            rawCpuNanos = processCpuNanos() - cpuStart;
        }
        double httpRate = w.units() / (httpNanos / 1e9);
        double rawRate = w.units() / (rawNanos / 1e9);
        System.out.printf(
                Locale.ROOT,
                "%s: %d %s, %d Kafka records; HTTP %.0f %s/s, raw producer %.0f %s/s, ratio %.2f%n",
                w.name(),
                w.units(),
                w.unit(),
                written.size(),
                httpRate,
                w.unit(),
                rawRate,
                w.unit(),
                httpRate / rawRate);
        // CPU of the whole JVM (clients, ingest, broker) per unit: far less sensitive to a shared box than rates.
        System.out.printf(
                Locale.ROOT,
                "%s: process CPU %.1f us/%s over HTTP, %.1f us/%s raw (load average %s)%n",
                w.name(),
                httpCpuNanos / 1e3 / w.units(),
                w.unit(),
                rawCpuNanos / 1e3 / w.units(),
                w.unit(),
                loadAverage());
        return new Result(w.name(), w.unit(), w.units(), httpRate, rawRate);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return String.format(
                    Locale.ROOT,
                    "%.2f",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());
        }
    }

    private HttpResponse<String> post(IngestServer ingest, Workload w, byte[] body, String benchKey)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(ingest.baseUrl() + w.path()))
                        .header("Authorization", "Bearer " + benchKey)
                        .header("Content-Type", w.contentType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                String.valueOf(4 << 20));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static ObjectNode cloudEvent(String sample) {
        ObjectNode cdevent = Samples.cdevent(sample);
        cdevent.withObjectProperty("context").put("id", UUID.randomUUID().toString());
        return Samples.cloudEvent(cdevent);
    }

    static final List<String> MIX =
            List.of("change_merged.json", "build_finished.json", "service_deployed.json", "artifact_published.json");

    static Workload singleEvents(int n) {
        List<byte[]> bodies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            bodies.add(Samples.json(cloudEvent(MIX.get(i % MIX.size()))));
        }
        return new Workload("structured events", "events", "/v1/events", "application/cloudevents+json", bodies, n);
    }

    static Workload batchedEvents(int n, int batch) {
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < n; i += batch) {
            ArrayNode array = Json.mapper().createArrayNode();
            for (int j = 0; j < batch; j++) {
                array.add(cloudEvent(MIX.get(j % MIX.size())));
            }
            try {
                bodies.add(Json.mapper().writeValueAsBytes(array));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Workload(
                "batched events (" + batch + "/request)",
                "events",
                "/v1/events",
                "application/cloudevents-batch+json",
                bodies,
                (long) bodies.size() * batch);
    }

    /** Trivy image reports of {@code findings} vulnerabilities each, built from the shared sample's first finding. */
    static Workload trivyReports(int reports, int findings) {
        List<byte[]> bodies = new ArrayList<>();
        try (InputStream in = IngestThroughputBench.class.getResourceAsStream("/samples/trivy/alpine-39-image.json")) {
            if (in == null) {
                System.out.println("no Trivy sample on the classpath: the scanner workload is skipped");
                return new Workload(
                        "trivy reports", "findings", "/v1/events", "application/json", List.of(new byte[0]), 0);
            }
            ObjectNode sample = (ObjectNode) Json.mapper().readTree(in);
            ObjectNode first = (ObjectNode) sample.at("/Results/0/Vulnerabilities/0");
            for (int r = 0; r < reports; r++) {
                ObjectNode report = sample.deepCopy();
                // A distinct report each time, or ingest rightly answers the repeats as duplicates.
                report.put("ReportID", UUID.randomUUID().toString());
                ArrayNode vulns = ((ObjectNode) report.at("/Results/0")).putArray("Vulnerabilities");
                for (int f = 0; f < findings; f++) {
                    ObjectNode v = first.deepCopy();
                    v.put("VulnerabilityID", "CVE-2099-" + (r * findings + f));
                    vulns.add(v);
                }
                bodies.add(Json.mapper().writeValueAsBytes(report));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Workload(
                "trivy reports (" + findings + " findings each)",
                "findings",
                "/v1/events?format=trivy&repository=github.com/bench/app&commit=0123456789abcdef0123456789abcdef01234567",
                "application/json",
                bodies,
                (long) reports * findings);
    }

    private static void report(List<Result> results) throws IOException {
        StringBuilder table = new StringBuilder(
                "| workload | units | HTTP ingest /s | raw producer /s | ratio |\n|---|---:|---:|---:|---:|\n");
        List<Map<String, Object>> json = new ArrayList<>();
        for (Result r : results) {
            table.append(String.format(
                    Locale.ROOT,
                    "| %s | %d %s | %.0f | %.0f | %.2f |%n",
                    r.workload(),
                    r.units(),
                    r.unit(),
                    r.httpPerSecond(),
                    r.rawPerSecond(),
                    r.httpPerSecond() / r.rawPerSecond()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", r.workload());
            m.put("unit", r.unit());
            m.put("units", r.units());
            m.put("httpPerSecond", Math.round(r.httpPerSecond()));
            m.put("rawProducerPerSecond", Math.round(r.rawPerSecond()));
            m.put("ratio", Math.round(100 * r.httpPerSecond() / r.rawPerSecond()) / 100.0);
            json.add(m);
        }
        System.out.println(table);
        Path out = Path.of("target", "bench", "ingest-bench.json");
        Files.createDirectories(out.getParent());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("clients", CLIENTS);
        doc.put("cores", Runtime.getRuntime().availableProcessors());
        doc.put("results", json);
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), doc);
        System.out.println("written to " + out.toAbsolutePath());
    }
}
