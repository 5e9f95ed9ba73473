package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.cli.bench.BenchInput.Mix;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    static final List<String> TENANTS = List.of("bench-t0", "bench-t1", "bench-t2");
    static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    final ObjectMapper mapper = new ObjectMapper();

    @Test
    void sameSeedSameInputsOtherSeedOthers() {
        Workload a = new Workload(42, TENANTS, 50, 0.05, FIXED);
        Workload b = new Workload(42, TENANTS, 50, 0.05, FIXED);
        Workload c = new Workload(43, TENANTS, 50, 0.05, FIXED);
        int differ = 0;
        for (int i = 0; i < 2_000; i++) {
            BenchInput x = a.next();
            BenchInput y = b.next();
            BenchInput z = c.next();
            assertThat(y.tenant()).isEqualTo(x.tenant());
            assertThat(y.scope()).isEqualTo(x.scope());
            assertThat(y.mix()).isEqualTo(x.mix());
            assertThat(y.pathAndQuery()).isEqualTo(x.pathAndQuery());
            assertThat(y.probe()).isEqualTo(x.probe());
            assertThat(y.body()).as("input %d", i).isEqualTo(x.body());
            if (!java.util.Arrays.equals(x.body(), z.body())) {
                differ++;
            }
        }
        assertThat(differ).isEqualTo(2_000);
    }

    @Test
    void mixFollowsTheWeightsAndEveryKindIsProducedWithRealisticSizes() throws Exception {
        int n = 20_000;
        Workload w = new Workload(7, TENANTS, 50, 0.02, FIXED);
        Map<Mix, Integer> count = new EnumMap<>(Mix.class);
        Map<Mix, Long> bytes = new EnumMap<>(Mix.class);
        Map<Mix, Integer> min = new EnumMap<>(Mix.class);
        Map<Mix, Integer> max = new EnumMap<>(Mix.class);
        Set<String> scopes = new HashSet<>();
        Set<String> ids = new HashSet<>();
        int probes = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
            BenchInput in = w.next();
            count.merge(in.mix(), 1, Integer::sum);
            bytes.merge(in.mix(), (long) in.body().length, Long::sum);
            min.merge(in.mix(), in.body().length, Math::min);
            max.merge(in.mix(), in.body().length, Math::max);
            total += in.body().length;
            scopes.add(in.scope());
            assertThat(TENANTS).contains(in.tenant());
            if (in.probe()) {
                probes++;
                assertThat(in.mix()).isIn(Mix.BUILD, Mix.REVIEW, Mix.MERGE);
                assertThat(in.scope()).isEqualTo(Workload.probeScope(in.tenant()));
            } else if (in.mix() == Mix.IDS) {
                assertThat(in.scope()).matches("svc-\\d{3}");
            } else {
                assertThat(in.scope()).matches("github\\.com/" + in.tenant() + "/repo-\\d{3}");
            }
            if (in.pathAndQuery().equals("/v1/events")) {
                assertThat(in.contentType()).isEqualTo("application/cloudevents+json");
                ids.add(mapper.readTree(in.body()).get("id").asText());
            } else {
                assertThat(in.contentType()).isEqualTo("application/json");
                assertThat(in.pathAndQuery()).startsWith("/v1/events?format=");
            }
        }
        StringBuilder table = new StringBuilder("| kind | share | avg bytes | min | max |\n");
        for (Mix m : Mix.values()) {
            table.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1f %% | %,d | %,d | %,d |%n",
                    m,
                    100.0 * count.getOrDefault(m, 0) / n,
                    count.containsKey(m) ? bytes.get(m) / count.get(m) : 0,
                    min.getOrDefault(m, 0),
                    max.getOrDefault(m, 0)));
        }
        table.append(String.format(Locale.ROOT, "overall avg %,d bytes, probes %d%n", total / n, probes));
        System.out.print(table);

        assertThat(count.keySet()).containsExactlyInAnyOrder(Mix.values());
        for (Mix m : Mix.values()) {
            double expected = Workload.WEIGHTS.get(m) / 100.0;
            double share = count.get(m) / (double) n;
            // binomial: 20,000 draws keep every share within ±1.5 percentage points of its weight
            assertThat(share).as("%s share", m).isBetween(expected - 0.015, expected + 0.015);
        }
        // events: every CloudEvent id is distinct (ingest would answer a repeat 200 duplicate)
        assertThat(ids)
                .hasSize(n
                        - count.get(Mix.SARIF)
                        - count.get(Mix.TRIVY)
                        - count.get(Mix.CYCLONEDX)
                        - count.get(Mix.IDS));
        assertThat(probes).isBetween((int) (n * 0.015), (int) (n * 0.025));
        // sizes as designed (see the class Javadoc)
        for (Mix m : List.of(Mix.MERGE, Mix.REVIEW, Mix.BUILD, Mix.DEPLOY, Mix.IDS)) {
            assertThat(min.get(m)).as("%s min", m).isGreaterThan(500);
            assertThat(max.get(m)).as("%s max", m).isLessThan(2_500);
        }
        assertThat(min.get(Mix.SARIF)).isGreaterThan(30_000);
        assertThat(max.get(Mix.SARIF)).isLessThan(250_000);
        assertThat(min.get(Mix.TRIVY)).isGreaterThan(80_000);
        assertThat(max.get(Mix.TRIVY)).isLessThan(800_000);
        assertThat(min.get(Mix.CYCLONEDX)).isGreaterThan(30_000);
        assertThat(max.get(Mix.CYCLONEDX)).isLessThan(300_000);
        assertThat(total / n).isBetween(5_000L, 30_000L);
        assertThat(scopes.size()).isGreaterThan(100);
    }

    @Test
    void reportsHaveTheShapeTheirFormatNeeds() throws Exception {
        Map<Mix, JsonNode> first = new EnumMap<>(Mix.class);
        Map<Mix, String> query = new EnumMap<>(Mix.class);
        for (BenchInput in : Workload.sample(3, TENANTS, 20, 3_000)) {
            if (!first.containsKey(in.mix())) {
                first.put(in.mix(), mapper.readTree(in.body()));
                query.put(in.mix(), in.pathAndQuery());
            }
            assertThat(in.probe()).isFalse();
        }
        JsonNode trivy = first.get(Mix.TRIVY);
        assertThat(trivy.get("SchemaVersion").asInt()).isEqualTo(2);
        assertThat(trivy.get("ArtifactType").asText()).isEqualTo("container_image");
        assertThat(trivy.at("/Results/0/Vulnerabilities").size()).isBetween(100, 500);
        assertThat(query.get(Mix.TRIVY))
                .matches("/v1/events\\?format=trivy&repository=github\\.com/bench-t\\d/repo-\\d{3}"
                        + "&commit=[0-9a-f]{40}&digest=sha256:[0-9a-f]{64}");
        JsonNode cdx = first.get(Mix.CYCLONEDX);
        assertThat(cdx.get("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(cdx.get("components").size()).isBetween(100, 300);
        assertThat(cdx.get("vulnerabilities").size()).isBetween(5, 30);
        assertThat(cdx.at("/metadata/component/type").asText()).isEqualTo("container");
        JsonNode sarif = first.get(Mix.SARIF);
        assertThat(sarif.get("version").asText()).isEqualTo("2.1.0");
        assertThat(sarif.at("/runs/0/results").size()).isBetween(20, 80);
        assertThat(sarif.at("/runs/0/tool/driver/rules").size()).isEqualTo(12);
        JsonNode ids = first.get(Mix.IDS);
        assertThat(ids.at("/rule/level").isInt()).isTrue();
        assertThat(ids.at("/agent/name").asText()).startsWith("svc-");
        assertThat(query.get(Mix.IDS)).matches("/v1/events\\?format=wazuh&service=svc-\\d{3}");
        JsonNode merge = first.get(Mix.MERGE);
        assertThat(merge.at("/data/context/type").asText()).isEqualTo("dev.cdevents.change.merged.0.3.0");
        assertThat(merge.at("/data/customData/change.target-branch").asText()).isEqualTo("main");
        assertThat(merge.at("/data/customData/change.merge-sha").asText()).matches("[0-9a-f]{40}");
    }

    @Test
    void deploysRefertoBuiltImagesAndSomeLackAnApprover() throws Exception {
        Workload w = new Workload(11, List.of("bench-t0"), 5, 0, FIXED);
        Set<String> builtDigests = new HashSet<>();
        int deploys = 0;
        int ofBuilt = 0;
        int unapproved = 0;
        int production = 0;
        for (int i = 0; i < 5_000; i++) {
            BenchInput in = w.next();
            JsonNode json = mapper.readTree(in.body());
            String type = json.path("type").asText();
            if (type.equals("dev.cdevents.build.finished.0.3.0")
                    && json.at("/data/subject/content/outcome").asText().equals("success")) {
                builtDigests.add(json.at("/data/subject/content/artifactId").asText());
            } else if (type.equals("dev.cdevents.service.deployed.0.3.0")) {
                deploys++;
                if (builtDigests.contains(
                        json.at("/data/subject/content/artifactId").asText())) {
                    ofBuilt++;
                }
                if (json.at("/data/customData/deploy.approvers").isMissingNode()) {
                    unapproved++;
                }
                if (json.at("/data/customData/deploy.tier").asText().equals("production")) {
                    production++;
                }
            }
        }
        assertThat(deploys).isGreaterThan(300);
        assertThat(ofBuilt).isBetween(deploys / 2, deploys - 1);
        assertThat(unapproved).isBetween(1, deploys / 3);
        assertThat(production).isBetween(deploys / 5, deploys * 3 / 5);
    }

    @Test
    void generationRate() {
        Workload w = new Workload(1, TENANTS, 100, 0.02);
        for (int i = 0; i < 20_000; i++) {
            w.next(); // warm-up
        }
        int n = 50_000;
        long bytes = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            bytes += w.next().body().length;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // printed, not asserted: the driver needs several thousand inputs/s from one thread
        System.out.printf(
                Locale.ROOT,
                "Workload.next(): %.0f inputs/s, %.1f MB/s on one thread%n",
                n / seconds,
                bytes / seconds / 1e6);
        assertThat(bytes).isPositive();
        assertThat(new String(w.next().body(), StandardCharsets.UTF_8)).startsWith("{");
    }
}
