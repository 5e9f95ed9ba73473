package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil up} as a user runs it: a separate JVM that starts its own broker and Elasticsearch
 * as child JVMs, serves the README's example, and on SIGTERM leaves no process behind.
 */
class UpCommandIT {

    private static final Pattern PID = Pattern.compile("\\(pid (\\d+)");
    private static final Pattern INGEST = Pattern.compile("ingest\\s+(http://\\S+)");
    private static final Pattern AUDIT = Pattern.compile("audit-api\\s+(http://\\S+)");

    @TempDir
    Path data;

    @Test
    void shouldRunTheReadmeExampleAndLeaveNoProcessBehindOnSigterm() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process up = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-XX:+IgnoreUnrecognizedVMOptions",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Vigil.class.getName(),
                        "up",
                        "--data",
                        data.toString(),
                        "--set",
                        "vigil.embedded.kafka-port=0",
                        "--set",
                        "vigil.embedded.elasticsearch-port=0",
                        "--set",
                        "vigil.ingest.port=0",
                        "--set",
                        "vigil.audit-api.port=0")
                .redirectErrorStream(true)
                .start();
        List<Long> childPids = new ArrayList<>();
        String ingest = null;
        String audit = null;
        List<String> output = new ArrayList<>();
        try {
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            String line;
            while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
                output.add(line);
                Matcher pid = PID.matcher(line);
                if (pid.find()) {
                    childPids.add(Long.parseLong(pid.group(1)));
                }
                Matcher i = INGEST.matcher(line);
                if (i.find()) {
                    ingest = i.group(1);
                }
                Matcher a = AUDIT.matcher(line);
                if (a.find()) {
                    audit = a.group(1);
                }
                if (line.contains("Ctrl-C stops everything")) {
                    break;
                }
            }
            assertThat(ingest)
                    .as("vigil up output:%n%s", String.join("\n", output))
                    .isNotNull();
            assertThat(audit).isNotNull();
            assertThat(childPids).hasSize(2);
            // Keep draining the output so the process never blocks on a full pipe.
            Thread.ofVirtual().start(() -> reader.lines().forEach(l -> {}));

            Properties keys = new Properties();
            try (var in = Files.newBufferedReader(data.resolve("dev-keys.env"))) {
                keys.load(in);
            }
            assertThat(Files.readString(data.resolve("api-keys.json")))
                    .doesNotContain(keys.getProperty("VIGIL_PUBLISHER_KEY"));

            // The README's example: post a CDEvent, then find it through the audit API.
            ObjectNode event = PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), "acme/shop");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> accepted = http.send(
                    HttpRequest.newBuilder(URI.create(ingest + "/v1/events"))
                            .header("Content-Type", "application/cloudevents+json")
                            .header("Authorization", "Bearer " + keys.getProperty("VIGIL_PUBLISHER_KEY"))
                            .POST(HttpRequest.BodyPublishers.ofString(event.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String id = Json.mapper().readTree(accepted.body()).get("id").asText();

            JsonNode found = null;
            long searchDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (found == null && System.nanoTime() < searchDeadline) {
                HttpResponse<String> page = http.send(
                        HttpRequest.newBuilder(URI.create(audit + "/v1/audit/records?scope=acme/shop"))
                                .header("Authorization", "Bearer " + keys.getProperty("VIGIL_AUDITOR_KEY"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
                JsonNode records = Json.mapper().readTree(page.body()).get("records");
                if (records.size() > 0) {
                    found = records.get(0);
                } else {
                    Thread.sleep(250);
                }
            }
            assertThat(found).isNotNull();
            assertThat(found.at("/event/id").asText()).isEqualTo(id);

            // First start generated the checkpoint signing key (0600) and the audit API publishes its public half.
            Path signingKey = data.resolve("keys/signing-key.pem");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(signingKey)))
                    .isEqualTo("rw-------");
            HttpResponse<String> ring = http.send(
                    HttpRequest.newBuilder(URI.create(audit + "/v1/audit/keys"))
                            .header("Authorization", "Bearer " + keys.getProperty("VIGIL_AUDITOR_KEY"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ring.statusCode()).as(ring.body()).isEqualTo(200);
            JsonNode published = Json.mapper().readTree(ring.body()).get("keys");
            assertThat(published).hasSize(2);
            assertThat(published.get(0).get("active").asBoolean()).isTrue();
            assertThat(published.get(0).get("purpose").asText()).isEqualTo("checkpoint");
            assertThat(published.get(0).get("key_id").asText())
                    .isEqualTo(SigningKeys.load(signingKey).keyId());
            // ... and a separate export key (evidence bundles), also 0600: the audit API never holds the checkpoint
            // key.
            Path exportKey = data.resolve("keys/export-signing-key.pem");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(exportKey)))
                    .isEqualTo("rw-------");
            assertThat(published.get(1).get("purpose").asText()).isEqualTo("export");
            assertThat(published.get(1).get("key_id").asText())
                    .isEqualTo(SigningKeys.load(exportKey).keyId())
                    .isNotEqualTo(published.get(0).get("key_id").asText());
        } finally {
            up.destroy(); // SIGTERM, as Ctrl-C or a service manager would send
            boolean exited = up.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                up.destroyForcibly();
            }
            assertThat(exited).as("vigil up exits on SIGTERM").isTrue();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (childPids.stream()
                        .anyMatch(p ->
                                ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(childPids).as("no embedded server outlives vigil up").allSatisfy(p -> assertThat(
                        ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))
                .isFalse());
    }
}
