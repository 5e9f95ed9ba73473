package dev.vigil.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.config.Config;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.ingest.IngestConfig;
import dev.vigil.ingest.IngestServer;
import dev.vigil.schemas.RejectedInput;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scanner reports over real HTTP into the real embedded broker. A 202 (or a refusal) is answered
 * only after Kafka acknowledged, so each test reads the topics to their end right after.
 */
class ScanIngestIT {

    static String bootstrap;
    static Topics topics;
    static ApiKeys keys = new ApiKeys(List.of());
    static String publisherKey;
    static IngestServer server;
    static HttpClient http = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;

    @BeforeAll
    static void start() {
        bootstrap = SharedServers.kafka().bootstrapServers();
        String prefix = "it-scan-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        topics = Topics.withPrefix(prefix);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, topics, (short) 1);
        }
        publisherKey = keys.mint("acme", Set.of(Role.PUBLISHER), "ci").key();
        Map<String, String> overrides = new HashMap<>();
        overrides.put("vigil.kafka.bootstrap-servers", bootstrap);
        overrides.put("vigil.topic-prefix", prefix);
        overrides.put("vigil.ingest.port", "0");
        overrides.put("vigil.ingest.max-body-bytes", String.valueOf(8 * 1024 * 1024));
        overrides.put("vigil.data-dir", dataDir.toString());
        server = IngestServer.start(
                IngestConfig.from(Config.resolve(IngestConfig.FIELDS, null, Map.of(), overrides)), keys);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldPublishEveryScannerFamilyAsScanResultsKeyedByTenantAndScope() throws Exception {
        record Case(String sample, String query, String scope, ScanCategory category, int findings) {}
        List<Case> cases = List.of(
                new Case(
                        "sarif-synthetic/gitleaks-provenance-suppressed.sarif",
                        "",
                        "github.com/acme/shop",
                        ScanCategory.SAST,
                        2),
                new Case(
                        "sarif/kics-2.1.8.sarif",
                        "?repository=github.com/acme/infra",
                        "github.com/acme/infra",
                        ScanCategory.IAC,
                        1),
                new Case(
                        "cyclonedx/vex-cisa-case-3.json",
                        "?repository=github.com/acme/ghi",
                        "github.com/acme/ghi",
                        ScanCategory.SCA,
                        19),
                new Case(
                        "trivy/alpine-39-image.json",
                        "?repository=github.com/acme/shop",
                        "github.com/acme/shop",
                        ScanCategory.CONTAINER,
                        6),
                new Case(
                        "grype/busybox-1.32.1-image.json",
                        "?repository=github.com/acme/shop",
                        "github.com/acme/shop",
                        ScanCategory.CONTAINER,
                        15),
                new Case(
                        "gitleaks/gitleaks8_many.json",
                        "?repository=github.com/acme/shop",
                        "github.com/acme/shop",
                        ScanCategory.SECRET,
                        4),
                new Case(
                        "osv/npm-package-lock.json",
                        "?repository=github.com/acme/web",
                        "github.com/acme/web",
                        ScanCategory.SCA,
                        6),
                new Case(
                        "semgrep/one_finding.json",
                        "?repository=github.com/acme/bench&commit=9f2c3a1b4d5e6f708192a3b4c5d6e7f8091a2b3c",
                        "github.com/acme/bench",
                        ScanCategory.SAST,
                        1),
                new Case("wazuh/alert-5712-sshd-bruteforce.json", "?service=bastion", "bastion", ScanCategory.IDS, 1),
                new Case("ocsf/prowler-aws-synthetic.ocsf.json", "", "aws/123456789012", ScanCategory.CLOUD, 3));

        Map<String, Case> byId = new HashMap<>();
        for (Case c : cases) {
            HttpResponse<String> response =
                    post("/v1/events" + c.query(), "application/json", ScanSamples.bytes(c.sample()));
            assertThat(response.statusCode())
                    .as(c.sample() + ": " + response.body())
                    .isEqualTo(202);
            JsonNode first =
                    Json.mapper().readTree(response.body()).get("records").get(0);
            assertThat(first.get("scope").asText()).isEqualTo(c.scope());
            assertThat(first.get("category").asText()).isEqualTo(c.category().name());
            byId.put(first.get("id").asText(), c);
        }

        Map<String, ConsumerRecord<String, ScanResult>> published = new HashMap<>();
        for (var r : readAll(topics.scanResults())) {
            published.put(r.value().getId(), r);
        }
        assertThat(published).containsKeys(byId.keySet().toArray(String[]::new));
        byId.forEach((id, c) -> {
            ConsumerRecord<String, ScanResult> r = published.get(id);
            assertThat(r.key()).isEqualTo("acme/" + c.scope());
            assertThat(r.value().getCategory()).isEqualTo(c.category());
            assertThat(r.value().getFindingCount()).as(c.sample()).isEqualTo(c.findings());
            assertThat(r.value().getFindings()).hasSize(c.findings());
        });
        // The secret never reached Kafka.
        assertThat(published.values())
                .allSatisfy(r -> assertThat(r.value().toString()).doesNotContain("secretAWSsecret"));
        assertThat(dataDir.resolve(ScanAdapters.KEY_FILE)).exists();
    }

    @Test
    void shouldSplitALargeReportIntoPartsThatShareTheReportIdentity() throws Exception {
        byte[] body = ScanSplittingTest.semgrepReport(5_000);

        HttpResponse<String> response =
                post("/v1/events?format=semgrep&repository=github.com/acme/big", "application/json", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode records = Json.mapper().readTree(response.body()).get("records");
        assertThat(records.size()).isGreaterThan(1);
        List<String> ids = new ArrayList<>();
        records.forEach(r -> ids.add(r.get("id").asText()));
        List<ScanResult> parts = readAll(topics.scanResults()).stream()
                .map(ConsumerRecord::value)
                .filter(s -> ids.contains(s.getId()))
                .toList();
        assertThat(parts).hasSize(ids.size()).allSatisfy(p -> {
            assertThat(p.getPartCount()).isEqualTo(ids.size());
            assertThat(p.getFindingCount()).isEqualTo(5_000);
            assertThat(p.getSourceEventId()).isEqualTo(parts.get(0).getSourceEventId());
            assertThat(p.getEvidenceSha256()).isEqualTo(dev.vigil.ingest.adapter.RawInput.sha256Hex(body));
        });
        assertThat(parts.stream().mapToInt(p -> p.getFindings().size()).sum()).isEqualTo(5_000);
    }

    @Test
    void shouldAnswer415ForAnUnknownFormat() throws Exception {
        HttpResponse<String> response =
                post("/v1/events", "text/csv", "rule,file\nx,y\n".getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.body()).contains("application/sarif+json").contains("application/vnd.cyclonedx+json");
        assertThat(response.headers().firstValue("Accept-Post"))
                .hasValueSatisfying(v -> assertThat(v).contains("application/sarif+json"));
    }

    @Test
    void shouldAnswer415NamingTheKnownFormatsWhenTheCallerNamesAnUnknownOne() throws Exception {
        HttpResponse<String> response = post(
                "/v1/events?format=nessus&repository=github.com/acme/shop",
                "application/json",
                "{\"context\": {}}".getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.body()).contains("Format nessus is not accepted").contains("sarif", "trivy", "cdevents");
    }

    @Test
    void shouldRefuseAMalformedReportWithItsPointerAndKeepIt() throws Exception {
        String marker = "malformed-" + UUID.randomUUID();
        byte[] body = ("{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"" + marker
                        + "\"}},\"results\":{}}]}")
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response =
                post("/v1/events?repository=github.com/acme/shop", "application/sarif+json", body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.mapper()
                        .readTree(response.body())
                        .get("errors")
                        .get(0)
                        .get("pointer")
                        .asText())
                .isEqualTo("/runs/0/results");
        assertThat(rejectedContaining(marker)).singleElement().satisfies(r -> {
            assertThat(r.getPointer()).isEqualTo("/runs/0/results");
            assertThat(bytes(r.getBody())).isEqualTo(body);
        });
    }

    @Test
    void shouldKeepARefusedSecretReportOnlyWithTheSecretsHashed() throws Exception {
        String secret = "ghp_" + UUID.randomUUID().toString().replace("-", "");
        byte[] body = ("[{\"RuleID\":\"github-pat\",\"File\":\"ci.yml\",\"StartLine\":3,\"Secret\":\"" + secret
                        + "\",\"Match\":\"token: " + secret + "\"},{\"File\":\"x\",\"Secret\":\"" + secret + "\"}]")
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response =
                post("/v1/events?format=gitleaks&repository=github.com/acme/shop", "application/json", body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).doesNotContain(secret);
        String hash = Json.mapper()
                .readTree(readAll(topics.ingestRejected()).stream()
                        .map(r -> new String(bytes(r.value().getBody()), StandardCharsets.UTF_8))
                        .filter(b -> b.contains("github-pat") && b.contains("ci.yml"))
                        .reduce((a, b) -> b)
                        .orElseThrow())
                .get(0)
                .get("Secret")
                .asText();
        assertThat(hash).startsWith(SecretHasher.PREFIX);
        assertThat(readAll(topics.ingestRejected()))
                .allSatisfy(r -> assertThat(new String(bytes(r.value().getBody()), StandardCharsets.UTF_8))
                        .doesNotContain(secret));
    }

    @Test
    void shouldAnswer422WhenNothingSaysWhichRepositoryOrServiceAReportIsAbout() throws Exception {
        HttpResponse<String> response =
                post("/v1/events", "application/json", ScanSamples.bytes("semgrep/one_finding.json"));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(Json.mapper().readTree(response.body()).get("type").asText()).endsWith("/missing-context");
    }

    @Test
    void shouldStillHandABareCdEventToTheCdEventsAdapter() throws Exception {
        byte[] cdevent;
        try (InputStream in = getClass().getResourceAsStream("/samples/cdevents/pipelinerun_finished.json")) {
            cdevent = in.readAllBytes();
        }
        String id = UUID.randomUUID().toString();
        JsonNode event = Json.mapper().readTree(cdevent);
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("context")).put("id", id);

        HttpResponse<String> response =
                post("/v1/events", "application/json", Json.mapper().writeValueAsBytes(event));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String recordId = Json.mapper().readTree(response.body()).get("id").asText();
        assertThat(readAll(topics.pipelineEvents()))
                .extracting(r -> r.value().getId())
                .contains(recordId);
    }

    static HttpResponse<String> post(String pathAndQuery, String contentType, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", contentType)
                .header("Authorization", "Bearer " + publisherKey)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static List<RejectedInput> rejectedContaining(String marker) {
        return readAll(topics.ingestRejected()).stream()
                .map(ConsumerRecord::value)
                .filter(r -> new String(bytes(r.getBody()), StandardCharsets.UTF_8).contains(marker))
                .toList();
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static <V> List<ConsumerRecord<String, V>> readAll(Topic<String, V> topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                String.valueOf(16 * 1024 * 1024));
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(
                props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime())
                        .as("reading %s to its end", topic.name())
                        .isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
