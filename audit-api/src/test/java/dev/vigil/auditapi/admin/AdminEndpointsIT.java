package dev.vigil.auditapi.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.auditapi.AuditApiConfig;
import dev.vigil.auditapi.AuditApiServer;
import dev.vigil.auditapi.TestConfigs;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.http.Problem;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys and tenants administration against the real server, a real key file and the shared broker:
 * who may mint, list and revoke what, that a revoked key is refused without a restart (also by a
 * second store watching the same file, as ingest does), and that every change is in the trail
 * without its secret.
 */
class AdminEndpointsIT {

    @TempDir
    Path dir;

    Path file;
    String prefix;
    ApiKeys keys;
    AuditApiServer server;
    ApiKeys.Minted acmeAdmin;
    ApiKeys.Minted acmeAuditor;
    ApiKeys.Minted globexAdmin;
    ApiKeys.Minted platformAdmin;

    @BeforeEach
    void start() {
        file = dir.resolve("api-keys.json");
        ApiKeys setup = ApiKeys.load(file);
        acmeAdmin = setup.mint("acme", Set.of(Role.ADMIN), "acme admin");
        acmeAuditor = setup.mint("acme", Set.of(Role.AUDITOR), "acme auditor");
        globexAdmin = setup.mint("globex", Set.of(Role.ADMIN), "globex admin");
        platformAdmin = setup.mint(AdminEndpoints.PLATFORM_TENANT, Set.of(Role.ADMIN), "platform");
        setup.save(file);
        keys = ApiKeys.watching(file);
        prefix = "it-admin-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        AuditApiConfig config = TestConfigs.onSharedServers(
                new AuditApiConfig(SharedServers.elasticsearch().httpUrl(), prefix, "127.0.0.1", 0, 500, "1m")
                        .withDataDir(dir),
                prefix);
        server = AuditApiServer.start(config, keys);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Reply(int status, String contentType, JsonNode body, String raw) {}

    Reply send(String method, String path, String key, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isEmpty() ? null : Json.mapper().readTree(r.body());
            return new Reply(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), body, r.body());
        }
    }

    @Test
    void shouldMintAKeyShownOnceStoredAsAHashAndListedWithoutIt() throws Exception {
        Reply created = send(
                "POST",
                AdminEndpoints.KEYS_PATH,
                acmeAdmin.key(),
                "{\"roles\":[\"auditor\"],\"description\":\"ext audit\"}");

        assertThat(created.status()).isEqualTo(201);
        String key = created.body().get("key").asText();
        String id = created.body().get("id").asText();
        assertThat(key).startsWith("vgl_" + id + "_");
        assertThat(created.body().get("tenant").asText()).isEqualTo("acme");
        assertThat(created.body().get("roles")).extracting(JsonNode::asText).containsExactly("auditor");
        assertThat(created.body().get("created_at").asText()).isNotBlank();
        assertThat(Files.readString(file)).contains(id).doesNotContain(key.substring(key.lastIndexOf('_') + 1));
        assertThat(ApiKeys.load(file).authenticate(key))
                .hasValueSatisfying(p -> assertThat(p.tenant()).isEqualTo("acme"));

        Reply listed = send("GET", AdminEndpoints.KEYS_PATH, acmeAdmin.key(), null);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().get("keys"))
                .extracting(k -> k.get("id").asText())
                .containsExactlyInAnyOrder(
                        acmeAdmin.entry().id(), acmeAuditor.entry().id(), id);
        assertThat(listed.raw())
                .doesNotContain("sha256")
                .doesNotContain(acmeAdmin.entry().sha256());
        assertThat(listed.body().get("keys")).noneMatch(k -> k.has("key"));
    }

    @Test
    void shouldRefuseARevokedKeyAtOnceInThisAndAnotherWatchingService() throws Exception {
        ApiKeys ingestView = ApiKeys.watching(file);
        assertThat(send("GET", "/v1/audit/keys", acmeAuditor.key(), null).status())
                .isEqualTo(200);
        assertThat(ingestView.authenticate(acmeAuditor.key())).isPresent();

        Reply revoked = send(
                "DELETE", AdminEndpoints.KEYS_PATH + "/" + acmeAuditor.entry().id(), acmeAdmin.key(), null);

        assertThat(revoked.status()).isEqualTo(204);
        assertThat(send("GET", "/v1/audit/keys", acmeAuditor.key(), null).status())
                .isEqualTo(401);
        assertThat(ingestView.authenticate(acmeAuditor.key())).isEmpty();
        assertThat(send(
                                "DELETE",
                                AdminEndpoints.KEYS_PATH + "/"
                                        + acmeAuditor.entry().id(),
                                acmeAdmin.key(),
                                null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void shouldAnswerAnotherTenantsKeyAsAbsentAndLeaveItWorking() throws Exception {
        Reply refused = send(
                "DELETE", AdminEndpoints.KEYS_PATH + "/" + acmeAuditor.entry().id(), globexAdmin.key(), null);

        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.contentType()).isEqualTo("application/problem+json");
        assertThat(refused.raw()).doesNotContain("acme");
        assertThat(send("GET", "/v1/audit/keys", acmeAuditor.key(), null).status())
                .isEqualTo(200);
        assertThat(send("GET", AdminEndpoints.KEYS_PATH, globexAdmin.key(), null)
                        .body()
                        .get("keys"))
                .extracting(k -> k.get("tenant").asText())
                .containsOnly("globex");
    }

    @Test
    void shouldKeepATenantAdminInsideItsTenant() throws Exception {
        Reply otherTenantKey = send(
                "POST", AdminEndpoints.KEYS_PATH, acmeAdmin.key(), "{\"roles\":[\"auditor\"],\"tenant\":\"globex\"}");
        Reply platformKey =
                send("POST", AdminEndpoints.KEYS_PATH, acmeAdmin.key(), "{\"roles\":[\"admin\"],\"tenant\":\"vigil\"}");
        Reply otherTenantList = send("GET", AdminEndpoints.KEYS_PATH + "?tenant=globex", acmeAdmin.key(), null);
        Reply newTenant = send("POST", AdminEndpoints.TENANTS_PATH, acmeAdmin.key(), "{\"tenant\":\"initech\"}");
        Reply tenants = send("GET", AdminEndpoints.TENANTS_PATH, acmeAdmin.key(), null);
        Reply self = send(
                "DELETE", AdminEndpoints.KEYS_PATH + "/" + acmeAdmin.entry().id(), acmeAdmin.key(), null);

        assertThat(List.of(otherTenantKey, platformKey, otherTenantList, newTenant))
                .allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(403);
                    assertThat(r.body().get("type").asText()).isEqualTo(Problem.TYPE_BASE + "forbidden");
                });
        assertThat(tenants.body().get("tenants"))
                .extracting(t -> t.get("tenant").asText())
                .containsExactly("acme");
        assertThat(self.status()).isEqualTo(409);
        assertThat(ApiKeys.load(file).tenants())
                .extracting(ApiKeys.Tenant::tenant)
                .doesNotContain("initech");
        assertThat(ApiKeys.load(file).entries()).hasSize(4);
    }

    @Test
    void shouldLetAPlatformAdminCreateATenantAndItsFirstAdmin() throws Exception {
        Reply unknown = send(
                "POST",
                AdminEndpoints.KEYS_PATH,
                platformAdmin.key(),
                "{\"roles\":[\"admin\"],\"tenant\":\"initech\"}");
        Reply tenant = send(
                "POST",
                AdminEndpoints.TENANTS_PATH,
                platformAdmin.key(),
                "{\"tenant\":\"initech\",\"description\":\"Initech\"}");
        Reply again = send("POST", AdminEndpoints.TENANTS_PATH, platformAdmin.key(), "{\"tenant\":\"initech\"}");
        Reply admin = send(
                "POST",
                AdminEndpoints.KEYS_PATH,
                platformAdmin.key(),
                "{\"roles\":[\"admin\"],\"tenant\":\"initech\"}");
        Reply dataRoleInPlatform =
                send("POST", AdminEndpoints.KEYS_PATH, platformAdmin.key(), "{\"roles\":[\"auditor\"]}");
        Reply badRole = send("POST", AdminEndpoints.KEYS_PATH, acmeAdmin.key(), "{\"roles\":[\"root\"]}");

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().at("/errors/0/pointer").asText()).isEqualTo("/body/tenant");
        assertThat(tenant.status()).isEqualTo(201);
        assertThat(tenant.body().get("description").asText()).isEqualTo("Initech");
        assertThat(again.status()).isEqualTo(409);
        assertThat(admin.status()).isEqualTo(201);
        assertThat(keys.authenticate(admin.body().get("key").asText())).hasValueSatisfying(p -> {
            assertThat(p.tenant()).isEqualTo("initech");
            assertThat(p.has(Role.ADMIN)).isTrue();
            assertThat(AdminEndpoints.isPlatformAdmin(p)).isFalse();
        });
        assertThat(dataRoleInPlatform.status()).isEqualTo(400);
        assertThat(dataRoleInPlatform.body().at("/errors/0/pointer").asText()).isEqualTo("/body/roles");
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.body().at("/errors/0/pointer").asText()).isEqualTo("/body/roles/0");
        assertThat(send("GET", AdminEndpoints.TENANTS_PATH, platformAdmin.key(), null)
                        .body()
                        .get("tenants"))
                .extracting(t -> t.get("tenant").asText())
                .containsExactly("acme", "globex", "initech", "vigil");
    }

    @Test
    void shouldWriteEveryKeyChangeToTheTrailWithoutTheKey() throws Exception {
        Reply created = send("POST", AdminEndpoints.KEYS_PATH, acmeAdmin.key(), "{\"roles\":[\"publisher\"]}");
        String id = created.body().get("id").asText();
        String key = created.body().get("key").asText();
        send("DELETE", AdminEndpoints.KEYS_PATH + "/" + id, acmeAdmin.key(), null);

        List<PipelineEvent> events = readAll(Topics.withPrefix(prefix).pipelineEvents(), 2);

        assertThat(events)
                .extracting(e -> e.getAttributes().get(Attributes.ACCESS_ACTION))
                .containsExactly("admin.key-created", "admin.key-revoked");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getKind()).isEqualTo(PipelineEventKind.TRAIL_ACCESSED);
            assertThat(e.getTenant()).isEqualTo("acme");
            assertThat(e.getAttributes())
                    .containsEntry("access.key_id", id)
                    .containsEntry("access.key_roles", "publisher")
                    .containsEntry(Attributes.ACCESS_KEY_ID, acmeAdmin.entry().id());
            assertThat(e.toString()).doesNotContain(key.substring(key.lastIndexOf('_') + 1));
        });
    }

    @Test
    void shouldNotMintAKeyTheTrailCannotRecord() throws Exception {
        server.close();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        server = AuditApiServer.start(
                new AuditApiConfig(SharedServers.elasticsearch().httpUrl(), prefix, "127.0.0.1", 0, 500, "1m")
                        .withKafka("127.0.0.1:" + closedPort, prefix),
                keys);

        Reply refused = send("POST", AdminEndpoints.KEYS_PATH, acmeAdmin.key(), "{\"roles\":[\"auditor\"]}");

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body().has("key")).isFalse();
        assertThat(ApiKeys.load(file).entries()).hasSize(4);
    }

    private static <V> List<V> readAll(Topic<String, V> topic, int expected) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedServers.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(
                props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && values.size() < expected) {
                consumer.poll(Duration.ofMillis(200)).forEach(rec -> values.add(rec.value()));
            }
            consumer.poll(Duration.ofMillis(500)).forEach(rec -> values.add(rec.value()));
        }
        return values;
    }
}
