package dev.vigil.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.mapping.DynamicMapping;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedElasticsearchIT {

    record AuditDocument(String subject, String verdict, String at) {}

    @TempDir
    static Path tempDir;

    private EmbeddedElasticsearch es;
    private ElasticsearchClient client;

    @BeforeAll
    void startNode() {
        es = EmbeddedElasticsearch.start(tempDir.resolve("shared-node"), 0);
        client = client(es);
    }

    @AfterAll
    void stopNode() throws Exception {
        if (client != null) {
            client.close();
        }
        if (es != null) {
            es.close();
        }
    }

    @Test
    void shouldAnswerTheRootEndpointLikeADistribution() throws Exception {
        assertThat(es.httpUrl()).isEqualTo("http://127.0.0.1:" + es.httpPort());
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> get = http.send(
                    HttpRequest.newBuilder(URI.create(es.httpUrl() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).contains("\"cluster_name\"", "\"tagline\"");

            HttpResponse<Void> head = http.send(
                    HttpRequest.newBuilder(URI.create(es.httpUrl() + "/"))
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(head.statusCode()).isEqualTo(200);
        }

        assertThat(client.ping().value()).isTrue();
        var info = client.info();
        assertThat(info.clusterName()).isEqualTo("vigil");
        assertThat(info.version().number()).startsWith("9.5.");
    }

    @Test
    void shouldIndexAndFindADocumentWithAnExplicitMappingOnAGreenIndex() throws Exception {
        String index = "embedded-es-it-explicit-mapping";
        client.indices().create(c -> c.index(index)
                // best_compression needs the native zstd the node links at start
                .settings(s -> s.codec("best_compression"))
                .mappings(m -> m.dynamic(DynamicMapping.Strict)
                        .properties("subject", p -> p.keyword(k -> k))
                        .properties("verdict", p -> p.keyword(k -> k))
                        .properties("at", p -> p.date(d -> d))));

        client.index(i -> i.index(index)
                .id("evt-1")
                .document(new AuditDocument("github.com/acme/shop", "violation", "2026-11-24T00:00:00Z"))
                .refresh(Refresh.True));

        assertThat(client.get(g -> g.index(index).id("evt-1"), AuditDocument.class)
                        .source())
                .isEqualTo(new AuditDocument("github.com/acme/shop", "violation", "2026-11-24T00:00:00Z"));
        var hits = client.search(
                        s -> s.index(index)
                                .query(q -> q.term(t -> t.field("verdict").value("violation"))),
                        AuditDocument.class)
                .hits();
        assertThat(hits.hits()).singleElement().satisfies(h -> assertThat(h.id())
                .isEqualTo("evt-1"));

        // replicas default to 0 on this node, so a one-node index is green, not yellow
        assertThat(client.indices()
                        .getSettings(g -> g.index(index))
                        .get(index)
                        .settings()
                        .index()
                        .numberOfReplicas())
                .isEqualTo("0");
        assertThat(client.cluster()
                        .health(h ->
                                h.index(index).waitForStatus(HealthStatus.Green).timeout(t -> t.time("10s")))
                        .status())
                .isEqualTo(HealthStatus.Green);
    }

    @Test
    void shouldKeepDataAcrossARestartOnTheSameDirectory() throws Exception {
        Path dir = tempDir.resolve("restart");
        String index = "embedded-es-it-restart";
        try (EmbeddedElasticsearch first = EmbeddedElasticsearch.start(dir, 0);
                ElasticsearchClient c = client(first)) {
            c.indices().create(i -> i.index(index).mappings(m -> m.dynamic(DynamicMapping.Strict)
                    .properties("subject", p -> p.keyword(k -> k))
                    .properties("verdict", p -> p.keyword(k -> k))
                    .properties("at", p -> p.date(d -> d))));
            c.index(i -> i.index(index)
                    .id("kept")
                    .document(new AuditDocument("payments", "pass", "2026-11-24T01:00:00Z"))
                    .refresh(Refresh.True));
        }

        try (EmbeddedElasticsearch second = EmbeddedElasticsearch.start(dir, 0);
                ElasticsearchClient c = client(second)) {
            assertThat(c.get(g -> g.index(index).id("kept"), AuditDocument.class)
                            .source())
                    .isEqualTo(new AuditDocument("payments", "pass", "2026-11-24T01:00:00Z"));
        }
    }

    @Test
    void shouldNameTheTakenPort() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedElasticsearch.start(tempDir.resolve("taken-port"), port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Elasticsearch")
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    void shouldRefuseADataDirectoryAnotherServerUses() {
        assertThatThrownBy(() -> EmbeddedElasticsearch.start(es.dataDir(), 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(es.dataDir().toString())
                .hasMessageContaining("another Elasticsearch server");
    }

    @Test
    void shouldNameADataDirectoryThatIsAFile() throws IOException {
        Path file = Files.writeString(tempDir.resolve("not-a-directory"), "x");

        assertThatThrownBy(() -> EmbeddedElasticsearch.start(file, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
    }

    private static ElasticsearchClient client(EmbeddedElasticsearch es) {
        return ElasticsearchClient.of(b -> b.host(es.httpUrl()));
    }
}
