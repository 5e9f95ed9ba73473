package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.auditapi.AuditApiConfig;
import dev.vigil.auditapi.AuditApiServer;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.CheckpointIndex;
import dev.vigil.trail.checkpoint.PublicKeyRing;
import dev.vigil.trail.checkpoint.SigningKey;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code vigil verify --bundle}: a bundle downloaded from a real audit API (real Elasticsearch and
 * broker) verified by the command's own code, offline, intact; then tampered with and named.
 */
class VerifyBundleIT {

    static final Instant T0 = Instant.parse("2026-04-01T10:00:00Z");

    static ElasticsearchClient es;
    static AuditApiServer server;
    static Path dir;
    static Path bundle;
    static SigningKey checkpointKey;
    static SigningKey exportKey;

    @BeforeAll
    static void setUp() throws Exception {
        String url = SharedServers.elasticsearch().httpUrl();
        String prefix =
                "it-bundle-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT) + "-";
        String bootstrap = SharedServers.kafka().bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, Topics.withPrefix(prefix), (short) 1);
        }
        es = ElasticsearchClients.create(url);
        dir = Files.createTempDirectory("vigil-verify-bundle");
        Path ring = dir.resolve("public");
        checkpointKey = SigningKeys.generate();
        PublicKeyRing.publish(ring, checkpointKey.publicKey(), true);
        exportKey = SigningKeys.generate();
        SigningKeys.writePrivate(exportKey, dir.resolve("export.pem"));
        ApiKeys keys = new ApiKeys(List.of());
        String auditor = keys.mint("acme", Set.of(Role.AUDITOR), "it auditor").key();
        server = AuditApiServer.start(
                new AuditApiConfig(url, prefix, "127.0.0.1", 0, 500, "1m", ring)
                        .withKafka(bootstrap, prefix)
                        .withExportSigningKeyFile(dir.resolve("export.pem")),
                keys);

        List<AuditDocument> docs = new ArrayList<>();
        String prev = AuditChain.GENESIS_HASH;
        for (int seq = 1; seq <= 12; seq++) {
            AuditRecord r = AuditRecord.newBuilder()
                    .setTenant("acme")
                    .setScope("shop")
                    .setSeq(seq)
                    .setKind(AuditRecordKind.INPUT)
                    .setRecordId("acme-shop-" + seq)
                    .setEventType("pipeline.BUILD_FINISHED")
                    .setSourceType("dev.cdevents.build.finished.0.3.0")
                    .setSource("/ci/shop")
                    .setSourceEventId("evt-" + seq)
                    .setEventTime(T0.plusSeconds(60L * seq))
                    .setRecordedAt(T0.plusSeconds(60L * seq + 1))
                    .setSubject(
                            Subject.newBuilder().setCommitSha("c0ffee" + seq).build())
                    .setSummary("build " + seq + " of shop")
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
        AuditIndex index = new AuditIndex(prefix);
        index.install(es);
        es.bulk(b -> {
            b.refresh(Refresh.True);
            docs.forEach(d -> b.operations(op ->
                    op.create(c -> c.index(index.indexFor(d)).id(d.documentId()).document(d))));
            return b;
        });
        CheckpointDocument cp = CheckpointDocument.of(checkpointKey.sign(Checkpoint.newBuilder()
                .setTenant("acme")
                .setScope("shop")
                .setSeq(10)
                .setHash(docs.get(9).chain().hash())
                .setCreatedAt(T0.plusSeconds(3600))
                .setKeyId("")
                .setSignature(ByteBuffer.allocate(0))
                .build()));
        CheckpointIndex cpIndex = new CheckpointIndex(prefix);
        cpIndex.install(es);
        es.index(i -> i.index(cpIndex.alias()).id(cp.documentId()).document(cp).refresh(Refresh.True));

        HttpResponse<byte[]> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/audit/export/bundle"))
                                .header("Authorization", "Bearer " + auditor)
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        bundle = dir.resolve("bundle.zip");
        Files.write(bundle, r.body());
    }

    @AfterAll
    static void tearDown() {
        if (server != null) {
            server.close();
        }
        if (es != null) {
            ElasticsearchClients.close(es);
        }
    }

    record Run(int exit, String out, String err) {}

    static Run verify(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliArgs cli = CliArgs.parse(args);
        int exit = new VerifyCommand(
                        cli,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        false)
                .run();
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReportADownloadedBundleIntactWithAWarningThatOnlyItsOwnKeyVouchesForIt() {
        Run run = verify("--bundle", bundle.toString());

        assertThat(run.exit()).isEqualTo(VerifyCommand.INTACT);
        assertThat(run.out()).startsWith("INTACT: 1 chain(s), 12 document(s), 1 checkpoint(s) verified");
        assertThat(run.err())
                .contains("warning")
                .contains("internally consistent")
                .contains(exportKey.keyId());
    }

    @Test
    void shouldReportTheBundleIntactAgainstTrustedKeysWithoutWarning() throws Exception {
        Path trusted = Files.createDirectories(dir.resolve("trusted"));
        Files.writeString(trusted.resolve("export.pem"), SigningKeys.publicPem(exportKey.publicKey()));
        Files.writeString(trusted.resolve("checkpoint.pem"), SigningKeys.publicPem(checkpointKey.publicKey()));

        Run run = verify("--bundle", bundle.toString(), "--trusted-keys", trusted.toString(), "--json");

        assertThat(run.exit()).isEqualTo(VerifyCommand.INTACT);
        JsonNode report = Json.mapper().readTree(run.out());
        assertThat(report.get("intact").asBoolean()).isTrue();
        assertThat(report.at("/request/tenant").asText()).isEqualTo("acme");
        assertThat(report.at("/counts/documents").asLong()).isEqualTo(12);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldNameARecordEditedInsideTheBundleAndExitOne() throws Exception {
        Path tampered = dir.resolve("tampered.zip");
        Files.write(
                tampered, rewrite(Files.readAllBytes(bundle), "records.jsonl", "build 3 of shop", "build 3 of web"));

        Run run = verify("--bundle", tampered.toString());

        assertThat(run.exit()).isEqualTo(VerifyCommand.FINDINGS);
        assertThat(run.out())
                .startsWith("TAMPERED")
                .contains("ENTRY_MISMATCH records.jsonl")
                .contains("EDITED acme/shop seq 3:");
    }

    @Test
    void shouldRefuseWhatIsNotABundleAndOptionsThatDoNotApply() throws Exception {
        Path notZip = Files.writeString(dir.resolve("not.zip"), "hello");
        Run run = verify("--bundle", notZip.toString());
        assertThat(run.exit()).isEqualTo(VerifyCommand.USAGE);
        assertThat(run.err()).contains("not a zip file");
        assertThat(verify("--bundle", dir.resolve("missing.zip").toString()).exit())
                .isEqualTo(VerifyCommand.USAGE);
        assertThatThrownBy(() -> verify("--bundle", bundle.toString(), "--scope", "shop"))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--scope does not go with --bundle");
    }

    static byte[] rewrite(byte[] zip, String entry, String from, String to) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip));
                ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] content = in.readAllBytes();
                if (e.getName().equals(entry)) {
                    String text = new String(content, StandardCharsets.UTF_8);
                    assertThat(text).contains(from);
                    content = text.replace(from, to).getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(content);
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
