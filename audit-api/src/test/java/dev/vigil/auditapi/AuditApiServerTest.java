package dev.vigil.auditapi;

import static dev.vigil.auditapi.ApiClient.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.http.Problem;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server with no Elasticsearch behind it: what a client sees while the store is down. */
class AuditApiServerTest {

    static AuditApiServer server;
    static ApiClient api;
    static String auditor;

    @BeforeAll
    static void start() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ApiKeys keys = new ApiKeys(List.of());
        auditor = keys.mint("acme", Set.of(Role.AUDITOR), "test auditor").key();
        server = AuditApiServer.start(
                new AuditApiConfig("http://127.0.0.1:" + closedPort, "unit-", "127.0.0.1", 0, 500, "1m"), keys);
        api = new ApiClient(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void shouldStartAndAnswerHealthChecksWhileElasticsearchIsDown() throws Exception {
        ApiClient.Reply r = api.get("/healthz", null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void shouldAnswer503WithoutInternalsWhenElasticsearchIsUnreachable() throws Exception {
        ApiClient.Reply r = api.records(auditor, Map.of());

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        assertThat(r.raw().headers().firstValue("Retry-After")).contains("5");
        assertThat(r.body().get("type").asText()).isEqualTo(Problem.TYPE_BASE + "unavailable");
        assertThat(r.raw().body())
                .doesNotContain("127.0.0.1")
                .doesNotContain("Exception")
                .doesNotContain("at dev.")
                .doesNotContain("refused");
    }

    @Test
    void shouldValidateParametersBeforeAskingElasticsearch() throws Exception {
        ApiClient.Reply r = api.records(auditor, params("from", "last tuesday"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().at("/errors/0/pointer").asText()).isEqualTo("/query/from");
    }
}
