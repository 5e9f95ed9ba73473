package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The driver's bookkeeping against two plain HTTP servers standing in for ingest and audit-api
 * (the real pipeline is PipelineDriverIT's): what it sends, with which key, what it counts, how it
 * matches probes. No timing is asserted.
 */
class PipelineDriverTest {

    static final List<String> TENANTS = List.of("t0", "t1");
    final ObjectMapper mapper = new ObjectMapper();
    final Map<String, String> publisherKeys = Map.of("t0", "pub-0", "t1", "pub-1");
    final Map<String, String> auditorKeys = Map.of("t0", "aud-0", "t1", "aud-1");
    /** Records "indexed" per tenant: id → scope (only probe ids, when visible). */
    final Map<String, Map<String, String>> indexed = new ConcurrentHashMap<>();

    final Set<String> hideProbesOf = ConcurrentHashMap.newKeySet();
    final AtomicInteger badKeys = new AtomicInteger();
    final AtomicInteger searches = new AtomicInteger();
    volatile int refuseEvery;
    final AtomicInteger posts = new AtomicInteger();
    HttpServer ingest;
    HttpServer auditApi;

    @BeforeEach
    void start() throws IOException {
        indexed.put("t0", new ConcurrentHashMap<>());
        indexed.put("t1", new ConcurrentHashMap<>());
        ingest = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ingest.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        ingest.createContext("/v1/events", this::ingest);
        ingest.start();
        auditApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        auditApi.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        auditApi.createContext("/v1/audit/records", this::search);
        auditApi.start();
    }

    @AfterEach
    void stop() {
        ingest.stop(0);
        auditApi.stop(0);
    }

    private void ingest(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String tenant = "Bearer pub-0".equals(auth) ? "t0" : "Bearer pub-1".equals(auth) ? "t1" : null;
        int n = posts.incrementAndGet();
        if (tenant == null) {
            badKeys.incrementAndGet();
            answer(ex, 401, "{\"title\":\"Unauthorized\"}");
            return;
        }
        if (refuseEvery > 0 && n % refuseEvery == 0) {
            answer(
                    ex,
                    400,
                    "{\"type\":\"https://vigil.dev/problems/invalid-field\",\"detail\":\"refused on purpose\"}");
            return;
        }
        String scope = scopeOf(ex, body);
        String id = UUID.randomUUID().toString();
        if (scope.equals(Workload.probeScope(tenant)) && !hideProbesOf.contains(tenant)) {
            indexed.get(tenant).put(id, scope);
        }
        answer(ex, 202, "{\"id\":\"" + id + "\",\"records\":[{\"id\":\"" + id + "\",\"scope\":\"" + scope + "\"}]}");
    }

    private String scopeOf(HttpExchange ex, byte[] body) throws IOException {
        String q = ex.getRequestURI().getRawQuery();
        if (q == null) {
            JsonNode repo = mapper.readTree(body).at("/data/subject/content/repository/id");
            return "github.com/" + repo.asText();
        }
        for (String p : q.split("&")) {
            if (p.startsWith("repository=") || p.startsWith("service=")) {
                return p.substring(p.indexOf('=') + 1);
            }
        }
        return "?";
    }

    private void search(HttpExchange ex) throws IOException {
        searches.incrementAndGet();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String tenant = "Bearer aud-0".equals(auth) ? "t0" : "Bearer aud-1".equals(auth) ? "t1" : null;
        String q = ex.getRequestURI().getQuery();
        if (tenant == null
                || !q.contains("kind=INPUT")
                || !q.contains("from=")
                || !q.contains("scope=" + Workload.probeScope(tenant))) {
            answer(ex, 400, "{\"detail\":\"unexpected search " + q + "\"}");
            return;
        }
        ObjectNode page = mapper.createObjectNode();
        ArrayNode records = page.putArray("records");
        indexed.get(tenant).forEach((id, scope) -> records.addObject()
                .put("scope", scope)
                .putObject("event")
                .put("id", id)
                .put("kind", "INPUT"));
        page.putNull("next");
        answer(ex, 200, mapper.writeValueAsString(page));
    }

    private static void answer(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private BenchEndpoints endpoints() {
        return new BenchEndpoints(
                "http://127.0.0.1:" + ingest.getAddress().getPort() + "/",
                "http://127.0.0.1:" + auditApi.getAddress().getPort(),
                publisherKeys,
                auditorKeys);
    }

    @Test
    void sendsTheScheduledNumberWithTheTenantsKeyAndFollowsEveryProbe() {
        Workload workload = new Workload(5, TENANTS, 10, 0.3);
        try (PipelineDriver driver = new PipelineDriver(endpoints(), workload, 4)) {
            DriverStep step = driver.run("step", 50, Duration.ofSeconds(2), () -> false);
            assertThat(step.sent()).isEqualTo(100); // offsets 0, 20 ms, ... 1980 ms
            assertThat(step.accepted()).isEqualTo(100);
            assertThat(step.failed()).isZero();
            assertThat(badKeys.get()).isZero();
            assertThat(step.recordsAccepted()).isEqualTo(100);
            assertThat(step.accept().count()).isEqualTo(100);
            assertThat(step.probesSent()).isPositive();
            assertThat(step.probesSeen()).isEqualTo(step.probesSent());
            assertThat(step.searchable().count()).isEqualTo(step.probesSeen());
            assertThat(step.searchable().p50()).isPositive();
            assertThat(step.search().count()).isPositive().isLessThanOrEqualTo(searches.get());
            DriverCounters c = driver.counters();
            assertThat(c.sent()).isEqualTo(100);
            assertThat(c.acceptedByMix().values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(100);
            assertThat(c.probesPending()).isZero();
            assertThat(c.takeSearchableLatenciesMs()).hasSize((int) step.probesSeen());
            assertThat(c.takeSearchableLatenciesMs()).isEmpty();

            // a second step adds to the counters, not to the first step
            DriverStep second = driver.run("half", 20, Duration.ofSeconds(1), () -> false);
            assertThat(second.sent()).isEqualTo(20);
            assertThat(c.sent()).isEqualTo(120);
        }
    }

    @Test
    void refusalsAreFailuresWithTheirProblemAndUnseenProbesGetNoLatency() {
        refuseEvery = 5;
        hideProbesOf.add("t1");
        Workload workload = new Workload(9, TENANTS, 10, 0.5);
        try (PipelineDriver driver = new PipelineDriver(endpoints(), workload, 4).probeGrace(Duration.ofMillis(500))) {
            DriverStep step = driver.run("step", 40, Duration.ofSeconds(2), () -> false);
            assertThat(step.sent()).isEqualTo(80);
            assertThat(step.failed()).isEqualTo(16);
            assertThat(step.accepted()).isEqualTo(64);
            assertThat(driver.counters().failures())
                    .isNotEmpty()
                    .allSatisfy(f -> assertThat(f).contains("400").contains("refused on purpose"));
            // t1's probes never become searchable: counted as not seen, without a latency
            assertThat(step.probesSeen()).isPositive().isLessThan(step.probesSent());
            assertThat(step.searchable().count()).isEqualTo(step.probesSeen());
            assertThat(driver.counters().probesNotSeen()).isEqualTo(step.probesSent() - step.probesSeen());
            assertThat(driver.counters().probesPending()).isZero();
        }
    }

    @Test
    void cancellationStopsTheStep() {
        Workload workload = new Workload(1, TENANTS, 10, 0);
        AtomicInteger polls = new AtomicInteger();
        try (PipelineDriver driver = new PipelineDriver(endpoints(), workload, 2)) {
            DriverStep step = driver.run("step", 100, Duration.ofSeconds(30), () -> polls.incrementAndGet() > 50);
            assertThat(step.sent()).isLessThan(60);
            assertThat(step.accepted()).isEqualTo(step.sent());
        }
    }

    @Test
    void aTenantWithoutPublisherKeyIsRefusedUpFront() {
        Workload workload = new Workload(1, List.of("t0", "nobody"), 10, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PipelineDriver(endpoints(), workload, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nobody");
    }
}
