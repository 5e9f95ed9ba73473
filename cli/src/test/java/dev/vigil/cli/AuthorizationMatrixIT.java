package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.auditapi.AuditApiConfig;
import dev.vigil.auditapi.AuditApiServer;
import dev.vigil.auditapi.admin.AdminEndpoints;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigField;
import dev.vigil.common.http.HttpService;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.ingest.IngestConfig;
import dev.vigil.ingest.IngestServer;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.ViolationState;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.streams.AuditRecords;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.CheckpointIndex;
import dev.vigil.trail.evidence.EvidenceDocument;
import dev.vigil.trail.evidence.EvidenceIndex;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of ingest and the audit API × every kind of caller × own or other tenant, against
 * the real services sharing one key file (as under {@code vigil up}), with trail data of tenant
 * "acme" in Elasticsearch. Each call must end exactly as {@link #TABLE} says (401, 403 or allowed),
 * and a caller of tenant "globex" must never see anything of acme's. A route missing from the table
 * fails the test, so no endpoint is added unchecked.
 */
class AuthorizationMatrixIT {

    /** Who calls. PLATFORM_ADMIN holds an admin key of tenant "vigil", so acme is always another tenant to it. */
    enum Caller {
        NO_KEY,
        BAD_KEY,
        PUBLISHER,
        AUDITOR,
        OFFICER,
        ADMIN,
        PLATFORM_ADMIN
    }

    /** Whose data the request is about, relative to the caller's key: acme's own keys, or globex's. */
    enum Tenant {
        OWN,
        OTHER
    }

    enum Outcome {
        UNAUTHORIZED,
        FORBIDDEN,
        ALLOWED,
        /** A route that authenticates the request itself (the UI's session routes): the row's check decides. */
        ROW_DECIDES
    }

    record Req(String method, String path, String contentType, byte[] body) {
        static Req get(String path) {
            return new Req("GET", path, null, null);
        }

        static Req json(String method, String path, String json) {
            return new Req(method, path, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }
    }

    record Reply(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /** What the caller's tenant is when an allowed call is checked. */
    interface AllowedCheck {
        void check(Reply reply, boolean ownTenant, SoftAssertions softly);
    }

    /**
     * One row: who may call the route, how to call it, and (when allowed) what the answer must show.
     * {@code request} may build fresh state per call (a key to revoke).
     */
    record Row(Set<Caller> allowed, Kind kind, Function<Caller, Req> request, AllowedCheck onAllowed) {
        enum Kind {
            KEYED,
            PUBLIC,
            SIGNED,
            SELF
        }

        Outcome expected(Caller caller) {
            return switch (kind) {
                case PUBLIC -> Outcome.ALLOWED;
                case SELF -> Outcome.ROW_DECIDES;
                // Authenticated by the webhook source's secret, which no API key replaces.
                case SIGNED -> Outcome.UNAUTHORIZED;
                case KEYED ->
                    caller == Caller.NO_KEY || caller == Caller.BAD_KEY
                            ? Outcome.UNAUTHORIZED
                            : allowed.contains(caller) ? Outcome.ALLOWED : Outcome.FORBIDDEN;
            };
        }
    }

    static Row keyed(Set<Caller> allowed, Function<Caller, Req> request, AllowedCheck onAllowed) {
        return new Row(allowed, Row.Kind.KEYED, request, onAllowed);
    }

    static Row open(String path) {
        return new Row(EnumSet.allOf(Caller.class), Row.Kind.PUBLIC, c -> Req.get(path), (r, own, s) -> s.assertThat(
                        r.status())
                .isEqualTo(200));
    }

    /** A public UI route that answers every caller the same, whatever key the request carries. */
    static Row uiRoute(Req request, int status) {
        return new Row(EnumSet.allOf(Caller.class), Row.Kind.SELF, c -> request, (r, own, s) -> s.assertThat(r.status())
                .isEqualTo(status));
    }

    static Row signed(String path) {
        return new Row(Set.of(), Row.Kind.SIGNED, c -> Req.json("POST", path, "{}"), (r, own, s) -> {});
    }

    static final Set<Caller> AUDIT_READERS = EnumSet.of(Caller.AUDITOR, Caller.OFFICER);
    static final Set<Caller> ADMINS = EnumSet.of(Caller.ADMIN, Caller.PLATFORM_ADMIN);

    // ---------------------------------------------------------------------------------------------
    // THE TABLE. One row per "<service> <METHOD> <route>" of every running service; routes ending in
    // '*' are prefix routes. At merge, add the rows of new endpoints here (nowhere else).
    // ---------------------------------------------------------------------------------------------
    static Map<String, Row> table(AuthorizationMatrixIT t) {
        Map<String, Row> rows = new LinkedHashMap<>();
        rows.put("ingest POST /v1/events", keyed(EnumSet.of(Caller.PUBLISHER), c -> t.newEvent(), (r, own, s) -> {
            s.assertThat(r.status()).isEqualTo(202);
            // Recorded under the key's tenant, whatever the body says.
            s.assertThat(r.json().get("tenant").asText()).isEqualTo(own ? "acme" : "globex");
        }));
        rows.put("ingest POST /v1/webhooks/github/*", signed("/v1/webhooks/github/acme-hook"));
        rows.put("ingest POST /v1/webhooks/gitlab/*", signed("/v1/webhooks/gitlab/acme-hook"));
        rows.put(
                "ingest GET /openapi.json",
                keyed(EnumSet.of(Caller.PUBLISHER), c -> Req.get("/openapi.json"), (r, own, s) -> s.assertThat(
                                r.json().get("openapi").asText())
                        .startsWith("3.1")));
        rows.put("ingest GET /healthz", open("/healthz"));

        rows.put(
                "audit-api GET /v1/audit/records",
                keyed(AUDIT_READERS, c -> Req.get("/v1/audit/records?size=100"), (r, own, s) -> {
                    s.assertThat(r.status()).isEqualTo(200);
                    List<String> tenants = new ArrayList<>();
                    r.json()
                            .get("records")
                            .forEach(d -> tenants.add(d.get("tenant").asText()));
                    if (own) {
                        s.assertThat(tenants).hasSize(SEEDED).containsOnly("acme");
                    } else {
                        s.assertThat(tenants).isEmpty();
                    }
                }));
        AllowedCheck evidence = (r, own, s) -> s.assertThat(r.status()).isEqualTo(own ? 200 : 404);
        rows.put(
                "audit-api GET /v1/evidence/*",
                keyed(AUDIT_READERS, c -> Req.get("/v1/evidence/" + t.evidenceSha), (r, own, s) -> {
                    evidence.check(r, own, s);
                    if (own) {
                        s.assertThat(r.body()).isEqualTo(EVIDENCE);
                    }
                }));
        rows.put(
                "audit-api HEAD /v1/evidence/*",
                keyed(AUDIT_READERS, c -> new Req("HEAD", "/v1/evidence/" + t.evidenceSha, null, null), evidence));
        rows.put(
                "audit-api GET /v1/audit/checkpoints",
                keyed(AUDIT_READERS, c -> Req.get("/v1/audit/checkpoints"), (r, own, s) -> {
                    s.assertThat(r.status()).isEqualTo(200);
                    s.assertThat(r.json().get("checkpoints")).hasSize(own ? 1 : 0);
                }));
        rows.put(
                "audit-api GET /v1/audit/keys",
                keyed(AUDIT_READERS, c -> Req.get("/v1/audit/keys"), (r, own, s) -> s.assertThat(r.status())
                        .isEqualTo(200)));
        rows.put(
                "audit-api GET /v1/audit/verify",
                keyed(AUDIT_READERS, c -> Req.get("/v1/audit/verify"), (r, own, s) -> {
                    s.assertThat(r.status()).isEqualTo(200);
                    s.assertThat(r.json().at("/counts/documents").asInt()).isEqualTo(own ? SEEDED : 0);
                }));
        rows.put("audit-api GET /v1/admin/keys", keyed(ADMINS, c -> Req.get(AdminEndpoints.KEYS_PATH), (r, own, s) -> {
            s.assertThat(r.status()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            r.json().get("keys").forEach(k -> ids.add(k.get("id").asText()));
            if (own) {
                s.assertThat(ids).contains(t.acme.get(Caller.AUDITOR).entry().id());
            }
        }));
        rows.put(
                "audit-api POST /v1/admin/keys",
                keyed(
                        ADMINS,
                        c -> Req.json("POST", AdminEndpoints.KEYS_PATH, "{\"roles\":[\"admin\"]}"),
                        (r, own, s) -> {
                            s.assertThat(r.status()).isEqualTo(201);
                            s.assertThat(r.json().get("tenant").asText()).isNotEqualTo(own ? "globex" : "acme");
                        }));
        rows.put("audit-api DELETE /v1/admin/keys/*", keyed(ADMINS, c -> t.revokeVictim(), (r, own, s) -> {
            // Only acme's admin and the platform admin reach acme's key; globex's gets the 404 of a key that is not
            // there.
            boolean reaches = own || t.lastCaller == Caller.PLATFORM_ADMIN;
            s.assertThat(r.status()).isEqualTo(reaches ? 204 : 404);
            s.assertThat(t.keys.find(t.victimId).isPresent()).isEqualTo(!reaches);
        }));
        rows.put(
                "audit-api GET /v1/admin/tenants",
                keyed(ADMINS, c -> Req.get(AdminEndpoints.TENANTS_PATH), (r, own, s) -> {
                    s.assertThat(r.status()).isEqualTo(200);
                    List<String> names = new ArrayList<>();
                    r.json()
                            .get("tenants")
                            .forEach(x -> names.add(x.get("tenant").asText()));
                    if (t.lastCaller == Caller.PLATFORM_ADMIN) {
                        s.assertThat(names).contains("acme", "globex", "vigil");
                    } else {
                        s.assertThat(names).containsExactly(own ? "acme" : "globex");
                    }
                }));
        rows.put(
                "audit-api POST /v1/admin/tenants",
                keyed(
                        EnumSet.of(Caller.PLATFORM_ADMIN),
                        c -> Req.json(
                                "POST",
                                AdminEndpoints.TENANTS_PATH,
                                "{\"tenant\":\"t-"
                                        + UUID.randomUUID().toString().substring(0, 8) + "\"}"),
                        (r, own, s) -> s.assertThat(r.status()).isEqualTo(201)));
        rows.put(
                "audit-api GET /v1/audit/record",
                keyed(
                        AUDIT_READERS,
                        c -> Req.get("/v1/audit/record?chain="
                                + java.net.URLEncoder.encode(
                                        AuditChain.chainId("acme", t.scope), StandardCharsets.UTF_8)
                                + "&seq=1"),
                        // Another tenant's record answers exactly like one that does not exist.
                        (r, own, s) -> {
                            s.assertThat(r.status()).isEqualTo(own ? 200 : 404);
                            if (own) {
                                s.assertThat(r.json().at("/record/chain/seq").asLong())
                                        .isEqualTo(1);
                                s.assertThat(r.json().at("/integrity/hash_ok").asBoolean())
                                        .isTrue();
                            }
                        }));
        rows.put(
                "audit-api GET /v1/audit/posture",
                keyed(
                        AUDIT_READERS,
                        c -> Req.get("/v1/audit/posture?from=2026-02-01T00:00:00Z&to=2026-04-01T00:00:00Z"),
                        (r, own, s) -> {
                            s.assertThat(r.status()).isEqualTo(200);
                            s.assertThat(r.json().at("/open_violations/total").asLong())
                                    .isEqualTo(own ? 1 : 0);
                        }));
        rows.put("audit-api GET /v1/controls", keyed(AUDIT_READERS, c -> Req.get("/v1/controls"), (r, own, s) -> {
            s.assertThat(r.status()).isEqualTo(200);
            s.assertThat(r.json().get("controls")).hasSize(25);
        }));
        rows.put(
                "audit-api GET /v1/violations",
                keyed(AUDIT_READERS, c -> Req.get("/v1/violations?state=all"), (r, own, s) -> {
                    s.assertThat(r.status()).isEqualTo(200);
                    List<String> ids = new ArrayList<>();
                    r.json()
                            .get("violations")
                            .forEach(v -> ids.add(v.get("violation_id").asText()));
                    s.assertThat(ids).isEqualTo(own ? List.of(VIOLATION_ID) : List.of());
                }));
        rows.put(
                "audit-api POST /v1/violations/*",
                keyed(
                        EnumSet.of(Caller.OFFICER),
                        c -> Req.json(
                                "POST",
                                "/v1/violations/" + VIOLATION_ID + "/risk-acceptance",
                                "{\"justification\":\"compensating control\",\"expires_at\":\""
                                        + Instant.now().plus(java.time.Duration.ofDays(7)) + "\"}"),
                        // Only acme's officer finds acme's violation; globex's gets the 404 of one that is not there.
                        (r, own, s) -> s.assertThat(r.status()).isEqualTo(own ? 202 : 404)));
        rows.put(
                "audit-api GET /v1/violations/stream",
                keyed(AUDIT_READERS, c -> Req.get("/v1/violations/stream"), (r, own, s) -> {
                    s.assertThat(r.status()).isEqualTo(200);
                    s.assertThat(r.contentType()).startsWith("text/event-stream");
                }));
        AllowedCheck subscriptionList = (r, own, s) -> s.assertThat(r.status()).isEqualTo(200);
        rows.put(
                "audit-api GET /v1/subscriptions",
                keyed(EnumSet.of(Caller.OFFICER), c -> Req.get("/v1/subscriptions"), subscriptionList));
        rows.put(
                "audit-api POST /v1/subscriptions",
                keyed(
                        EnumSet.of(Caller.OFFICER),
                        c -> Req.json("POST", "/v1/subscriptions", "{\"url\":\"https://192.0.2.10/vigil\"}"),
                        (r, own, s) -> s.assertThat(r.status()).isEqualTo(201)));
        rows.put(
                "audit-api GET /v1/subscriptions/*",
                keyed(
                        EnumSet.of(Caller.OFFICER),
                        c -> Req.get("/v1/subscriptions/" + t.acmeSubscription() + "/deliveries"),
                        (r, own, s) -> s.assertThat(r.status()).isEqualTo(own ? 200 : 404)));
        rows.put(
                "audit-api DELETE /v1/subscriptions/*",
                keyed(
                        EnumSet.of(Caller.OFFICER),
                        c -> new Req("DELETE", "/v1/subscriptions/" + t.acmeSubscription(), null, null),
                        (r, own, s) -> s.assertThat(r.status()).isIn(own ? List.of(204) : List.of(404))));
        AllowedCheck exported = (r, own, s) -> {
            s.assertThat(r.status()).isEqualTo(200);
            if (own) {
                s.assertThat(r.body()).contains("acme-matrix-");
            }
        };
        rows.put(
                "audit-api GET /v1/audit/export",
                keyed(AUDIT_READERS, c -> Req.get("/v1/audit/export?format=jsonl"), exported));
        rows.put(
                "audit-api GET /v1/audit/export/bundle",
                keyed(AUDIT_READERS, c -> Req.get("/v1/audit/export/bundle"), (r, own, s) -> s.assertThat(r.status())
                        .isEqualTo(200)));
        // The UI's own routes: static files and redirects are public; the session routes authenticate by the
        // cookie they set, so an API key in the header neither helps nor hurts there.
        rows.put("audit-api GET /", uiRoute(Req.get("/"), 302));
        rows.put("audit-api GET /ui", uiRoute(Req.get("/ui"), 302));
        rows.put("audit-api GET /ui/*", uiRoute(Req.get("/ui/"), 200));
        rows.put("audit-api HEAD /ui/*", uiRoute(new Req("HEAD", "/ui/", null, null), 200));
        rows.put("audit-api GET /ui/session", uiRoute(Req.get("/ui/session"), 401));
        rows.put("audit-api POST /ui/session", uiRoute(Req.json("POST", "/ui/session", "{}"), 400));
        rows.put("audit-api DELETE /ui/session", uiRoute(new Req("DELETE", "/ui/session", null, null), 204));
        rows.put("audit-api GET /openapi.json", open("/openapi.json"));
        rows.put("audit-api GET /healthz", open("/healthz"));
        return rows;
    }

    static final int SEEDED = 4;
    static final String VIOLATION_ID = "acme-matrix-violation";
    static final String EVIDENCE = "{\"acme-only\":\"evidence of acme\"}";

    @TempDir
    static Path data;

    static AuthorizationMatrixIT fixture;

    final String prefix = "it-matrix-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    final String scope =
            "github.com/acme/matrix-" + UUID.randomUUID().toString().substring(0, 6);
    ApiKeys keys;
    final Map<Caller, ApiKeys.Minted> acme = new EnumMap<>(Caller.class);
    final Map<Caller, ApiKeys.Minted> globex = new EnumMap<>(Caller.class);
    ApiKeys.Minted platform;
    String evidenceSha;
    String victimId;
    Caller lastCaller;
    IngestServer ingest;
    AuditApiServer auditApi;
    final List<String> acmeMarkers = new ArrayList<>();

    @BeforeAll
    static void startServices() throws Exception {
        fixture = new AuthorizationMatrixIT();
        fixture.start();
    }

    @AfterAll
    static void stopServices() {
        if (fixture != null) {
            if (fixture.ingest != null) {
                fixture.ingest.close();
            }
            if (fixture.auditApi != null) {
                fixture.auditApi.close();
            }
        }
    }

    void start() throws Exception {
        Path file = data.resolve("api-keys.json");
        ApiKeys setup = ApiKeys.load(file);
        Map<Caller, Set<Role>> roles = Map.of(
                Caller.PUBLISHER, Set.of(Role.PUBLISHER),
                Caller.AUDITOR, Set.of(Role.AUDITOR),
                Caller.OFFICER, Set.of(Role.OFFICER),
                Caller.ADMIN, Set.of(Role.ADMIN));
        roles.forEach((caller, r) -> {
            acme.put(caller, setup.mint("acme", r, "matrix " + caller));
            globex.put(caller, setup.mint("globex", r, "matrix " + caller));
        });
        platform = setup.mint(AdminEndpoints.PLATFORM_TENANT, Set.of(Role.ADMIN), "matrix platform");
        setup.save(file);
        // Both services watch the one file, as under vigil up.
        keys = ApiKeys.watching(file);

        String bootstrap = SharedServers.kafka().bootstrapServers();
        String esUrl = SharedServers.elasticsearch().httpUrl();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, Topics.withPrefix(prefix), (short) 1);
        }
        Map<String, String> wiring = Map.of(
                "vigil.kafka.bootstrap-servers", bootstrap,
                "vigil.elasticsearch.url", esUrl,
                "vigil.topic-prefix", prefix,
                "vigil.index-prefix", prefix,
                "vigil.data-dir", data.toString(),
                "vigil.ingest.port", "0",
                "vigil.audit-api.port", "0");
        // The bundle endpoint signs with the audit API's own export key, as `vigil up` generates it.
        dev.vigil.trail.checkpoint.SigningKeys.writePrivate(
                dev.vigil.trail.checkpoint.SigningKeys.generate(),
                AuditApiConfig.resolveExportSigningKeyFile(
                        "", data.toAbsolutePath().normalize()));
        ingest = IngestServer.start(IngestConfig.from(config(IngestConfig.FIELDS, wiring)), keys);
        auditApi = AuditApiServer.start(AuditApiConfig.from(config(AuditApiConfig.FIELDS, wiring)), keys);
        seed(esUrl);
    }

    static Config config(List<ConfigField<?>> fields, Map<String, String> wiring) {
        return Config.resolve(fields, null, Map.of(), wiring);
    }

    /** Acme's trail: one chain of records, the evidence of its first record and a checkpoint. */
    void seed(String esUrl) throws Exception {
        byte[] payload = EVIDENCE.getBytes(StandardCharsets.UTF_8);
        evidenceSha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        List<AuditDocument> docs = new ArrayList<>();
        String prev = AuditChain.GENESIS_HASH;
        Instant t0 = Instant.parse("2026-03-01T08:00:00Z");
        for (int seq = 1; seq < SEEDED; seq++) {
            AuditRecord r = AuditRecord.newBuilder()
                    .setTenant("acme")
                    .setScope(scope)
                    .setSeq(seq)
                    .setKind(AuditRecordKind.INPUT)
                    .setRecordId("acme-matrix-" + seq)
                    .setEventType("pipeline.BUILD_FINISHED")
                    .setSourceType("dev.cdevents.build.finished.0.3.0")
                    .setSource("/ci/acme")
                    .setSourceEventId("acme-evt-" + seq)
                    .setEventTime(t0.plusSeconds(seq))
                    .setRecordedAt(t0.plusSeconds(seq + 1))
                    .setEvidenceSha256(seq == 1 ? evidenceSha : null)
                    .setSubject(
                            Subject.newBuilder().setCommitSha("acc0ffee" + seq).build())
                    .setSummary("build finished for " + scope)
                    .setInputTopic("vigil.pipeline-events")
                    .setInputPartition(0)
                    .setInputOffset(seq)
                    .setPrevHash(prev)
                    .setHash("")
                    .build();
            r.setHash(AuditChain.computeHash(r));
            prev = r.getHash();
            docs.add(AuditChain.document(r));
        }
        // The last link: a violation opened on the chain, so the violation endpoints have acme data to guard.
        Violation opened = Violation.newBuilder()
                .setId(VIOLATION_ID)
                .setTenant("acme")
                .setScope(scope)
                .setControlId("CM-01")
                .setSubjectKey("commit:acc0ffee1")
                .setState(ViolationState.OPENED)
                .setSeverity(Severity.HIGH)
                .setRequirements(List.of("SOC2:CC8.1"))
                .setReason("merged without an independent approval")
                .setCatalogVersion("test")
                .setOpenedAt(t0.plusSeconds(SEEDED))
                .setChangedAt(t0.plusSeconds(SEEDED))
                .build();
        AuditRecord change = AuditRecord.newBuilder(AuditRecords.violationChange(
                        opened,
                        Subject.newBuilder().setCommitSha("acc0ffee1").build(),
                        new AuditRecords.InputPosition("vigil.pipeline-events", 0, 1),
                        t0.plusSeconds(SEEDED + 1)))
                .setSeq(SEEDED)
                .setPrevHash(prev)
                .setHash("")
                .build();
        change.setHash(AuditChain.computeHash(change));
        prev = change.getHash();
        docs.add(AuditChain.document(change));
        CheckpointDocument checkpoint = new CheckpointDocument(
                "2026-03-01T09:00:00Z",
                "acme",
                scope,
                new CheckpointDocument.Chain(AuditChain.chainId("acme", scope), SEEDED, prev),
                "0000000000000000",
                "Ed25519",
                "AAAA",
                1);
        EvidenceDocument chunk = new EvidenceDocument(
                "acme", evidenceSha, 0, 1, payload.length, "application/json", "2026-03-01T08:00:00Z", payload);
        ElasticsearchClient es = ElasticsearchClients.create(esUrl);
        try {
            AuditIndex auditIndex = new AuditIndex(prefix);
            String evidenceAlias = new EvidenceIndex(prefix).alias();
            String checkpointAlias = new CheckpointIndex(prefix).alias();
            var bulk = es.bulk(b -> {
                b.refresh(Refresh.True);
                docs.forEach(d -> b.operations(op -> op.create(
                        c -> c.index(auditIndex.indexFor(d)).id(d.documentId()).document(d))));
                b.operations(op -> op.create(
                        c -> c.index(evidenceAlias).id(chunk.documentId()).document(chunk)));
                b.operations(op ->
                        op.create(c -> c.index(checkpointAlias).id("acme-cp").document(checkpoint)));
                return b;
            });
            assertThat(bulk.errors()).as("seeding errors: %s", bulk.items()).isFalse();
        } finally {
            ElasticsearchClients.close(es);
        }
        acmeMarkers.add(scope);
        acmeMarkers.add(evidenceSha);
        acmeMarkers.add("acme-matrix-");
        acmeMarkers.add("acc0ffee");
        acmeMarkers.add("evidence of acme");
        acmeMarkers.add(VIOLATION_ID);
        acme.values().forEach(m -> acmeMarkers.add(m.entry().id()));
    }

    Req newEvent() {
        ObjectNode event = PipelineHarness.cloudEvent(PipelineHarness.sample("change_merged.json"), "acme/shop");
        // The body names acme; only the key decides the tenant.
        return new Req(
                "POST",
                "/v1/events",
                "application/cloudevents+json",
                Json.mapper().valueToTree(event).toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh acme subscription, so each caller's attempt is judged on one that exists. */
    String acmeSubscription() throws RuntimeException {
        try {
            Reply created = send(
                    auditApi.baseUrl(),
                    Req.json("POST", "/v1/subscriptions", "{\"url\":\"https://192.0.2.10/acme\"}"),
                    acme.get(Caller.OFFICER).key());
            assertThat(created.status())
                    .as("acme subscription: %s", created.body())
                    .isEqualTo(201);
            String id = created.json().get("id").asText();
            acmeMarkers.add(id);
            return id;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh acme key to revoke, so each caller's attempt is judged on a key that exists. */
    Req revokeVictim() {
        victimId = keys.change(k -> k.mint("acme", Set.of(Role.AUDITOR), "matrix victim"))
                .entry()
                .id();
        acmeMarkers.add(victimId);
        return new Req("DELETE", AdminEndpoints.KEYS_PATH + "/" + victimId, null, null);
    }

    String keyOf(Caller caller, Tenant tenant) {
        return switch (caller) {
            case NO_KEY -> null;
            // Well formed, unknown id: the shape of a real key, so it is the check that refuses it.
            case BAD_KEY -> "vgl_zzzzzzzzzzzz_" + "A".repeat(43);
            case PLATFORM_ADMIN -> platform.key();
            default -> (tenant == Tenant.OWN ? acme : globex).get(caller).key();
        };
    }

    Reply send(String baseUrl, Req req, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + req.path()))
                .method(
                        req.method(),
                        req.body() == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(req.body()));
        if (req.contentType() != null) {
            b.header("Content-Type", req.contentType());
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<java.io.InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            String contentType = r.headers().firstValue("Content-Type").orElse("");
            try (java.io.InputStream in = r.body()) {
                // An event stream never ends: its status and type are judged, not its (live, empty) body.
                String body = contentType.startsWith("text/event-stream")
                        ? ""
                        : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new Reply(r.statusCode(), contentType, body);
            }
        }
    }

    Map<String, List<HttpService.Route>> services() {
        Map<String, List<HttpService.Route>> services = new LinkedHashMap<>();
        services.put("ingest", ingest.routes());
        services.put("audit-api", auditApi.routes());
        return services;
    }

    String baseUrl(String service) {
        return service.equals("ingest") ? ingest.baseUrl() : auditApi.baseUrl();
    }

    @Test
    void shouldHaveAnExpectationForEveryRouteAndNoStaleOnes() {
        Set<String> routes = new TreeSet<>();
        fixture.services()
                .forEach((service, list) -> list.forEach(r -> routes.add(service + " " + r.method() + " " + r.path())));

        assertThat(table(fixture).keySet())
                .as("rows of the authorization table vs. the routes of the running services")
                .containsExactlyInAnyOrderElementsOf(routes);
    }

    @Test
    void shouldAnswerEveryRouteCallerAndTenantExactlyAsTheTableSays() throws Exception {
        AuthorizationMatrixIT t = fixture;
        Map<String, Row> table = table(t);
        SoftAssertions softly = new SoftAssertions();
        int calls = 0;
        for (var service : t.services().entrySet()) {
            for (HttpService.Route route : service.getValue()) {
                String name = service.getKey() + " " + route.method() + " " + route.path();
                Row row = table.get(name);
                if (row == null) {
                    continue; // reported by shouldHaveAnExpectationForEveryRouteAndNoStaleOnes
                }
                for (Caller caller : Caller.values()) {
                    for (Tenant tenant : Tenant.values()) {
                        if (tenant == Tenant.OWN && caller == Caller.PLATFORM_ADMIN) {
                            continue; // acme is never the platform admin's own tenant
                        }
                        t.lastCaller = caller;
                        Req req = row.request().apply(caller);
                        Reply reply = t.send(t.baseUrl(service.getKey()), req, t.keyOf(caller, tenant));
                        calls++;
                        String what =
                                name + " as " + caller + "/" + tenant + " -> " + reply.status() + " " + reply.body();
                        Outcome expected = row.expected(caller);
                        switch (expected) {
                            case UNAUTHORIZED ->
                                softly.assertThat(reply.status()).as(what).isEqualTo(401);
                            case FORBIDDEN ->
                                softly.assertThat(reply.status()).as(what).isEqualTo(403);
                            case ROW_DECIDES -> {
                                SoftAssertions checks = new SoftAssertions();
                                row.onAllowed().check(reply, tenant == Tenant.OWN, checks);
                                checks.errorsCollected().forEach(e -> softly.fail(what + ": " + e.getMessage()));
                            }
                            case ALLOWED -> {
                                softly.assertThat(reply.status())
                                        .as(what)
                                        .isNotIn(401, 403)
                                        .isLessThan(500);
                                boolean own = tenant == Tenant.OWN && caller != Caller.PLATFORM_ADMIN;
                                SoftAssertions checks = new SoftAssertions();
                                try {
                                    row.onAllowed().check(reply, own, checks);
                                } catch (RuntimeException | AssertionError e) {
                                    // An answer not of the allowed shape (a problem instead of data) is a finding too.
                                    checks.fail(e.toString());
                                }
                                checks.errorsCollected().forEach(e -> softly.fail(what + ": " + e.getMessage()));
                            }
                        }
                        if (expected == Outcome.UNAUTHORIZED
                                || expected == Outcome.FORBIDDEN
                                || reply.status() >= 400) {
                            softly.assertThat(reply.contentType()).as(what).isEqualTo("application/problem+json");
                        }
                        if (tenant == Tenant.OTHER || caller == Caller.NO_KEY || caller == Caller.BAD_KEY) {
                            // The request may name acme's key or evidence (echoed in instance/detail); nothing else of
                            // acme's may show.
                            String answer = reply.body().replace(req.path(), "");
                            for (String echoed : req.path().split("/")) {
                                if (!echoed.isEmpty()) {
                                    answer = answer.replace(echoed, "");
                                }
                            }
                            softly.assertThat(answer).as(what).doesNotContain(t.acmeMarkers);
                        }
                    }
                }
            }
        }
        softly.assertThat(calls).isGreaterThanOrEqualTo(table.size() * 10);
        softly.assertAll();
    }

    @Test
    void shouldRefuseARevokedKeyInBothServicesWithoutRestart() throws Exception {
        fixture.refuseRevokedKey();
    }

    void refuseRevokedKey() throws Exception {
        ApiKeys.Minted publisher = keys.change(k -> k.mint("acme", Set.of(Role.PUBLISHER, Role.AUDITOR), "to revoke"));
        assertThat(send(ingest.baseUrl(), newEvent(), publisher.key()).status()).isEqualTo(202);
        assertThat(send(auditApi.baseUrl(), Req.get("/v1/audit/keys"), publisher.key())
                        .status())
                .isEqualTo(200);

        Reply revoked = send(
                auditApi.baseUrl(),
                new Req(
                        "DELETE",
                        AdminEndpoints.KEYS_PATH + "/" + publisher.entry().id(),
                        null,
                        null),
                acme.get(Caller.ADMIN).key());

        assertThat(revoked.status()).isEqualTo(204);
        assertThat(send(ingest.baseUrl(), newEvent(), publisher.key()).status()).isEqualTo(401);
        assertThat(send(auditApi.baseUrl(), Req.get("/v1/audit/keys"), publisher.key())
                        .status())
                .isEqualTo(401);
    }
}
