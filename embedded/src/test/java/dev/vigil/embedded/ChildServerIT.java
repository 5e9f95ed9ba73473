package dev.vigil.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChildServerIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldLaunchKafkaAsAChildAndStopItOnClose() throws Exception {
        Path log = tempDir.resolve("logs/kafka.log");
        ChildServer child = ChildServer.launch(
                "kafka",
                KafkaServerMain.class,
                List.of("--data", tempDir.resolve("kafka").toString(), "--port", "0"),
                log,
                Duration.ofSeconds(90));
        long pid = child.pid();
        try {
            assertThat(child.endpoint()).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(ProcessHandle.of(pid))
                    .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, child.endpoint()))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .hasSize(1);
            }
        } finally {
            child.close();
        }

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(child.isAlive()).isFalse();
        assertThat(Files.readString(log)).contains("VIGIL-READY " + child.endpoint());
    }

    @Test
    void shouldLaunchElasticsearchAsAChild() throws Exception {
        try (ChildServer child = ChildServer.launch(
                "elasticsearch",
                ElasticsearchServerMain.class,
                List.of("--data", tempDir.resolve("es").toString(), "--port", "0"),
                tempDir.resolve("es.log"),
                Duration.ofSeconds(90))) {
            assertThat(child.endpoint()).matches("http://127\\.0\\.0\\.1:\\d+");
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> root = http.send(
                        HttpRequest.newBuilder(URI.create(child.endpoint() + "/"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(root.statusCode()).isEqualTo(200);
                assertThat(root.body()).contains("\"cluster_name\":\"vigil\"", "\"number\":\"9.5.3\"");
            }
        }
    }

    @Test
    void shouldNotOutliveAParentKilledWithSigkill() throws Exception {
        Path dir = tempDir.resolve("orphan");
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(ChildServer.command(ChildServerParent.class, List.of(dir.toString())));
        Process parent = new ProcessBuilder(command)
                .redirectError(dir.resolve("parent.log").toFile())
                .start();
        long childPid;
        try (BufferedReader stdout =
                new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line = stdout.readLine();
            assertThat(line).as("parent output, see " + dir).startsWith("CHILD-PID ");
            childPid = Long.parseLong(line.substring("CHILD-PID ".length()).trim());
        } finally {
            parent.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
        }
        parent.waitFor(10, TimeUnit.SECONDS);

        ProcessHandle child = ProcessHandle.of(childPid).orElse(null);
        if (child != null) {
            assertThat(child.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
        }
    }

    @Test
    void shouldReportAChildThatFailsToStartWithTheLastLinesOfItsLog() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> ChildServer.launch(
                            "kafka",
                            KafkaServerMain.class,
                            List.of("--data", tempDir.resolve("kafka").toString(), "--port", Integer.toString(port)),
                            tempDir.resolve("kafka-failing.log"),
                            Duration.ofSeconds(60)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with code 2")
                    .hasMessageContaining("VIGIL-ERROR kafka:")
                    .hasMessageContaining("127.0.0.1:" + port);
        }
    }

    @Test
    void shouldStopWhenStdinReachesEofAsWhenTheParentDies() throws Exception {
        Process process = new ProcessBuilder(ChildServer.command(
                        KafkaServerMain.class,
                        List.of("--data", tempDir.resolve("kafka-eof").toString(), "--port", "0")))
                .redirectError(tempDir.resolve("kafka-eof.log").toFile())
                .start();
        try (BufferedReader stdout =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(stdout.readLine()).startsWith("VIGIL-READY 127.0.0.1:");

            process.getOutputStream().close();

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
            assertThat(stdout.readLine())
                    .as("nothing but the READY line on stdout")
                    .isNull();
        } finally {
            process.destroyForcibly();
        }
    }
}
