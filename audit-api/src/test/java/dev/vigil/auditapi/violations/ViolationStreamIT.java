package dev.vigil.auditapi.violations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.auditapi.AuditApiConfig;
import dev.vigil.auditapi.AuditApiServer;
import dev.vigil.auditapi.TestConfigs;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.ViolationState;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The violation stream on the real broker: tenant isolation, filters, and resume after a dropped
 * connection with exactly the events the client had not seen. Every record goes to partition 0 of
 * vigil.violations, so the order of what the stream must send is known.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ViolationStreamIT {

    private static final String SHOP = "github.com/acme/shop";
    private static final String API = "github.com/acme/api";
    private static String prefix;
    private static ApiKeys keys;
    private static String acmeAuditor;
    private static AuditApiConfig config;
    private static KafkaProducer<String, Violation> producer;
    private static Topic<String, Violation> topic;

    @BeforeAll
    static void setUp() {
        prefix = "it-sse-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        keys = new ApiKeys(List.of());
        acmeAuditor = keys.mint("acme", Set.of(Role.AUDITOR), "it auditor").key();
        config = TestConfigs.onSharedServers(
                        new AuditApiConfig(SharedServers.elasticsearch().httpUrl(), prefix, "127.0.0.1", 0, 500, "1m"),
                        prefix)
                .withViolations(ViolationsConfig.defaults().withMaxStreams(3));
        topic = Topics.withPrefix(prefix).violations();
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        SharedServers.kafka().bootstrapServers()),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer());
    }

    @AfterAll
    static void tearDown() {
        producer.close();
    }

    @Test
    void shouldResumeAfterADroppedConnectionWithExactlyTheEventsNotYetSeen() throws Exception {
        try (AuditApiServer server = AuditApiServer.start(config, keys)) {
            String url = server.baseUrl() + ViolationStream.PATH;
            List<SseClient.Event> first = new ArrayList<>();
            try (SseClient live = new SseClient(url, acmeAuditor, null)) {
                assertThat(live.status).isEqualTo(200);
                assertThat(live.contentType).startsWith("text/event-stream");
                live.awaitConnected();
                send(violation("acme", SHOP, "r-1", "CM-04", Severity.HIGH, ViolationState.OPENED));
                send(violation("globex", SHOP, "g-1", "CM-04", Severity.HIGH, ViolationState.OPENED));
                send(violation("acme", SHOP, "r-2", "CM-04", Severity.HIGH, ViolationState.OPENED));
                send(violation("acme", SHOP, "r-3", "CM-04", Severity.HIGH, ViolationState.OPENED));
                first.add(live.next());
                first.add(live.next());
            }
            // Dropped after two events: r-3 was sent by the broker, maybe read by the server, but not seen.
            send(violation("acme", SHOP, "r-1", "CM-04", Severity.HIGH, ViolationState.RESOLVED));
            assertThat(first)
                    .extracting(e -> e.data().get("violation_id").asText())
                    .containsExactly("r-1", "r-2");
            assertThat(first).extracting(SseClient.Event::type).containsOnly("violation");
            assertThat(first.get(0).data().get("change").asText()).isEqualTo("OPENED");
            assertThat(first.get(0).data().get("control_id").asText()).isEqualTo("CM-04");
            assertThat(first.get(0).data().get("scope").asText()).isEqualTo(SHOP);

            try (SseClient resumed =
                    new SseClient(url, acmeAuditor, first.get(1).id())) {
                assertThat(resumed.status).isEqualTo(200);
                List<SseClient.Event> rest = List.of(resumed.next(), resumed.next());
                send(violation("acme", SHOP, "r-4", "CM-04", Severity.HIGH, ViolationState.OPENED));
                SseClient.Event last = resumed.next();

                assertThat(rest)
                        .extracting(e -> e.data().get("violation_id").asText() + ":"
                                + e.data().get("change").asText())
                        .containsExactly("r-3:OPENED", "r-1:RESOLVED");
                assertThat(last.data().get("violation_id").asText()).isEqualTo("r-4");
                assertThat(rest)
                        .allSatisfy(
                                e -> assertThat(e.data().get("tenant").asText()).isEqualTo("acme"));
            }
        }
    }

    @Test
    void shouldSendOnlyTheTenantsViolationsMatchingTheFilters() throws Exception {
        try (AuditApiServer server = AuditApiServer.start(config, keys)) {
            String url = server.baseUrl() + ViolationStream.PATH + "?scope=" + API.replace("/", "%2F")
                    + "&severity=high&framework=SOC2";
            try (SseClient filtered = new SseClient(url, acmeAuditor, null)) {
                filtered.awaitConnected();
                send(violation("acme", SHOP, "f-shop", "CM-04", Severity.HIGH, ViolationState.OPENED));
                send(violation("acme", API, "f-low", "CM-04", Severity.LOW, ViolationState.OPENED));
                send(violation("globex", API, "f-globex", "CM-04", Severity.HIGH, ViolationState.OPENED));
                send(violation("acme", API, "f-hit", "CM-04", Severity.HIGH, ViolationState.OPENED));
                send(violation("acme", API, "f-marker", "CM-05", Severity.HIGH, ViolationState.REOPENED));

                List<SseClient.Event> got = List.of(filtered.next(), filtered.next());

                assertThat(got)
                        .extracting(e -> e.data().get("violation_id").asText())
                        .containsExactly("f-hit", "f-marker");
                assertThat(got.get(1).data().get("change").asText()).isEqualTo("REOPENED");
            }
        }
    }

    @Test
    void shouldRefuseStreamsBeyondTheConfiguredNumberAndBadResumeTokens() throws Exception {
        AuditApiConfig one = config.withViolations(ViolationsConfig.defaults().withMaxStreams(1));
        try (AuditApiServer server = AuditApiServer.start(one, keys)) {
            String url = server.baseUrl() + ViolationStream.PATH;
            try (SseClient bad = new SseClient(url, acmeAuditor, "not-a-token")) {
                assertThat(bad.status).isEqualTo(400);
                assertThat(Json.mapper()
                                .readTree(bad.rawBody())
                                .at("/errors/0/pointer")
                                .asText())
                        .isEqualTo("/header/Last-Event-ID");
            }
            try (SseClient open = new SseClient(url, acmeAuditor, null)) {
                open.awaitConnected();
                try (SseClient refused = new SseClient(url, acmeAuditor, null)) {
                    assertThat(refused.status).isEqualTo(503);
                    assertThat(Json.mapper()
                                    .readTree(refused.rawBody())
                                    .get("type")
                                    .asText())
                            .endsWith("/unavailable");
                }
            }
        }
    }

    private static void send(Violation v) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), 0, v.getTenant() + "/" + v.getScope(), v))
                .get(10, TimeUnit.SECONDS);
    }

    static Violation violation(
            String tenant, String scope, String id, String control, Severity severity, ViolationState state) {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return Violation.newBuilder()
                .setId(id)
                .setTenant(tenant)
                .setScope(scope)
                .setControlId(control)
                .setSubjectKey("branch:main")
                .setState(state)
                .setSeverity(severity)
                .setRequirements(List.of("SOC2:CC8.1"))
                .setReason("force pushes allowed on main")
                .setVerdictId(null)
                .setCatalogVersion("test")
                .setOpenedAt(now.minus(Duration.ofMinutes(5)))
                .setChangedAt(now)
                .setSequence(state == ViolationState.OPENED ? 1 : 2)
                .build();
    }
}
