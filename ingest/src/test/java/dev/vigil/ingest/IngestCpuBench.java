package dev.vigil.ingest;

import dev.vigil.ingest.adapter.InputAdapter;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.ingest.scan.SecretHasher;
import dev.vigil.schemas.EvidenceChunk;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CPU ingest spends on one request between the body and the producer (adapter, redaction,
 * normalization, evidence encryption, Avro encoding), on one platform thread and measured in that
 * thread's CPU time, so a busy shared box changes it far less than the throughput figures of
 * {@link IngestThroughputBench}. No HTTP, no Kafka. Tag {@code bench}; asserts nothing about time.
 *
 * <pre>
 *   ./mvnw -B -ntp -pl ingest -am verify -Dquick -Dtest=IngestCpuBench \
 *       -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.test.excludedGroups=none
 * </pre>
 */
@Tag("bench")
class IngestCpuBench {

    static final int ROUNDS = Integer.getInteger("bench.rounds", 5);

    @Test
    void measure() throws Exception {
        SecretHasher hasher = new SecretHasher("bench-secret-hash-key-0123456789".getBytes(StandardCharsets.UTF_8));
        List<InputAdapter> adapters = IngestServer.adapters(hasher);
        Topics topics = Topics.withPrefix("bench-");
        var single = IngestThroughputBench.singleEvents(2_000);
        var batched = IngestThroughputBench.batchedEvents(4_000, 100);
        var trivy = IngestThroughputBench.trivyReports(8, 500);
        for (var w : List.of(single, batched, trivy)) {
            String contentType = w.contentType();
            Map<String, String> params = w.path().contains("format=trivy")
                    ? Map.of(
                            "format", "trivy",
                            "repository", "github.com/bench/app",
                            "commit", "0123456789abcdef0123456789abcdef01234567")
                    : Map.of();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            double best = Double.MAX_VALUE;
            StringBuilder rounds = new StringBuilder();
            long records = 0;
            for (int round = 0; round <= ROUNDS; round++) {
                records = 0;
                long start = threads.getCurrentThreadCpuTime();
                for (byte[] body : w.bodies()) {
                    records += once(adapters, topics, contentType, params, body);
                }
                double perUnit = (threads.getCurrentThreadCpuTime() - start) / 1e3 / w.units();
                if (round == 0) {
                    continue; // warm-up
                }
                best = Math.min(best, perUnit);
                rounds.append(String.format(Locale.ROOT, " %.1f", perUnit));
            }
            System.out.printf(
                    Locale.ROOT,
                    "cpu-bench %s (%d records/round): best %.1f us CPU per %s (rounds:%s)%n",
                    w.name(),
                    records,
                    best,
                    w.unit().replaceAll("s$", ""),
                    rounds);
        }
    }

    /** What EventsEndpoint does with one body before the producer; the number of records. */
    private static int once(
            List<InputAdapter> adapters, Topics topics, String contentType, Map<String, String> params, byte[] body)
            throws Exception {
        RawInput received = RawInput.of(
                "bench", contentType, Map.of("Content-Type", List.of(contentType)), params, body, Instant.now());
        InputAdapter adapter =
                adapters.stream().filter(a -> a.accepts(received)).findFirst().orElseThrow();
        RawInput input = adapter.redact(received);
        List<Normalized> normalized = adapter.normalize(input);
        byte[] dataKey = EvidenceChunks.newDataKey();
        KafkaSink.encode(
                topics.evidenceKeys(), EvidenceChunks.dataKeyId(input.tenant(), input.evidenceSha256()), dataKey);
        for (EvidenceChunk chunk : Evidence.chunks(input, dataKey)) {
            KafkaSink.encode(
                    topics.evidence(), Evidence.key(chunk.getTenant(), chunk.getSha256(), chunk.getIndex()), chunk);
        }
        for (Normalized n : normalized) {
            String key = SubjectKey.of(n.tenant(), n.scope());
            switch (n) {
                case Normalized.Event e -> KafkaSink.encode(topics.pipelineEvents(), key, e.event());
                case Normalized.Scan s -> KafkaSink.encode(topics.scanResults(), key, s.scan());
            }
        }
        return normalized.size();
    }
}
