package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.VerdictSummary;
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
import dev.vigil.trail.verify.BundleManifest;
import dev.vigil.trail.verify.BundleSignatures;
import dev.vigil.trail.verify.BundleVerifier;
import dev.vigil.trail.verify.Finding;
import dev.vigil.trail.verify.PemKeyRing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exports and evidence bundles on the real Elasticsearch node and broker: contents equal to the
 * indexed records in the documented order across several pages (page size 10, 38 records), one
 * tenant only, CSV formula cells neutralised, OSCAL valid against NIST's schema, the bundle
 * verified offline and every tampering inside it named.
 */
class ExportIT {

    static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    static final int PAGE = 10;
    static final String INJECTION = "=HYPERLINK(\"https://evil.example/\",\"click me\")";
    static final String APPROVAL = "change-approval";
    static final String SECRETS = "secret-scan";

    static ElasticsearchClient es;
    static AuditApiServer server;
    static String prefix;
    static String acmeAuditor;
    static String acmePublisher;
    static Path keysDir;
    static SigningKey checkpointKey;
    static SigningKey exportKey;
    static final List<AuditDocument> indexed = new ArrayList<>();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void setUp() throws Exception {
        String url = SharedServers.elasticsearch().httpUrl();
        prefix = "it-export-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT) + "-";
        es = ElasticsearchClients.create(url);
        keysDir = Files.createTempDirectory("vigil-export-keys");
        Path ring = keysDir.resolve("public");
        checkpointKey = SigningKeys.generate();
        PublicKeyRing.publish(ring, checkpointKey.publicKey(), true);
        exportKey = SigningKeys.generate();
        Path exportKeyFile = keysDir.resolve("export-signing-key.pem");
        SigningKeys.writePrivate(exportKey, exportKeyFile);

        ApiKeys keys = new ApiKeys(List.of());
        acmeAuditor = keys.mint("acme", Set.of(Role.AUDITOR), "it auditor").key();
        acmePublisher =
                keys.mint("acme", Set.of(Role.PUBLISHER), "it publisher").key();
        server = AuditApiServer.start(
                TestConfigs.onSharedServers(new AuditApiConfig(url, prefix, "127.0.0.1", 0, PAGE, "1m", ring), prefix)
                        .withExportSigningKeyFile(exportKeyFile),
                keys);

        Map<String, AuditRecord> heads = new LinkedHashMap<>();
        chain("acme", "shop", 32, seq -> T0.plusSeconds(60L * seq), heads);
        chain("acme", "web", 6, seq -> T0.plusSeconds(300L * seq + 30), heads);
        chain("globex", "shop", 8, seq -> T0.plusSeconds(60L * seq), heads);
        AuditIndex index = new AuditIndex(prefix);
        BulkResponse bulk = es.bulk(b -> {
            b.refresh(Refresh.True);
            indexed.forEach(d -> b.operations(op ->
                    op.create(c -> c.index(index.indexFor(d)).id(d.documentId()).document(d))));
            return b;
        });
        assertThat(bulk.errors()).isFalse();

        List<CheckpointDocument> checkpoints = List.of(
                checkpoint("acme", "shop", 10),
                checkpoint("acme", "shop", 20),
                checkpoint("acme", "shop", 30),
                checkpoint("acme", "web", 6),
                checkpoint("globex", "shop", 8));
        CheckpointIndex cpIndex = new CheckpointIndex(prefix);
        cpIndex.install(es);
        BulkResponse cps = es.bulk(b -> {
            b.index(cpIndex.alias()).refresh(Refresh.True);
            checkpoints.forEach(
                    d -> b.operations(op -> op.create(c -> c.id(d.documentId()).document(d))));
            return b;
        });
        assertThat(cps.errors()).isFalse();
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

    interface Times {
        Instant at(int seq);
    }

    static void chain(String tenant, String scope, int length, Times times, Map<String, AuditRecord> heads) {
        String prev = AuditChain.GENESIS_HASH;
        for (int seq = 1; seq <= length; seq++) {
            List<VerdictSummary> verdicts = new ArrayList<>();
            if (seq % 4 == 0) {
                verdicts.add(verdict(APPROVAL, seq == 8 ? VerdictResult.FAIL : VerdictResult.PASS));
            }
            if (seq % 3 == 0) {
                verdicts.add(verdict(SECRETS, VerdictResult.PASS));
            }
            AuditRecord r = AuditRecord.newBuilder()
                    .setTenant(tenant)
                    .setScope(scope)
                    .setSeq(seq)
                    .setKind(verdicts.isEmpty() ? AuditRecordKind.INPUT : AuditRecordKind.EVALUATION)
                    .setRecordId(tenant + "-" + scope + "-" + seq)
                    .setEventType("pipeline.BUILD_FINISHED")
                    .setSourceType("dev.cdevents.build.finished.0.3.0")
                    .setSource("/ci/" + scope)
                    .setSourceEventId("evt-" + seq)
                    .setEventTime(times.at(seq))
                    .setRecordedAt(times.at(seq).plusSeconds(5))
                    .setActorId(seq == 7 ? "@mallory" : "alice")
                    .setEvidenceSha256(seq % 2 == 1 ? String.format(Locale.ROOT, "%064x", seq * 7919L) : null)
                    .setSubject(Subject.newBuilder()
                            .setCommitSha("c0ffee" + seq)
                            .setBranch("main")
                            .build())
                    .setSummary(
                            tenant.equals("acme") && scope.equals("shop") && seq == 5
                                    ? INJECTION
                                    : "build " + seq + " of " + scope + ", approved by alice")
                    .setVerdicts(verdicts)
                    .setInputTopic("vigil.pipeline-events")
                    .setInputPartition(0)
                    .setInputOffset(seq)
                    .setPrevHash(prev)
                    .setHash("")
                    .build();
            r.setHash(AuditChain.computeHash(r));
            prev = r.getHash();
            indexed.add(AuditChain.document(r));
            heads.put(tenant + "/" + scope, r);
        }
    }

    static VerdictSummary verdict(String control, VerdictResult result) {
        return VerdictSummary.newBuilder()
                .setControlId(control)
                .setVerdict(result)
                .setSeverity(Severity.HIGH)
                .setRequirements(List.of("SOC2:CC8.1"))
                .setReason(result == VerdictResult.FAIL ? "deployed without approval" : "approved")
                .build();
    }

    static CheckpointDocument checkpoint(String tenant, String scope, long seq) {
        AuditDocument d = indexed.stream()
                .filter(x -> x.documentId().equals(tenant + "/" + scope + ":" + seq))
                .findFirst()
                .orElseThrow();
        return CheckpointDocument.of(checkpointKey.sign(Checkpoint.newBuilder()
                .setTenant(tenant)
                .setScope(scope)
                .setSeq(seq)
                .setHash(d.chain().hash())
                .setCreatedAt(T0.plusSeconds(3600))
                .setKeyId("")
                .setSignature(ByteBuffer.allocate(0))
                .build()));
    }

    /** The documented order: @timestamp, chain id, seq. */
    static List<AuditDocument> expected(java.util.function.Predicate<AuditDocument> selected) {
        return indexed.stream()
                .filter(selected)
                .sorted(Comparator.comparing((AuditDocument d) -> Instant.parse(d.timestamp()))
                        .thenComparing(d -> d.chain().id())
                        .thenComparingLong(d -> d.chain().seq()))
                .toList();
    }

    static HttpResponse<byte[]> get(String path, String key) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                        .header("Authorization", "Bearer " + key)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static List<AuditDocument> jsonLines(byte[] body) throws Exception {
        List<AuditDocument> docs = new ArrayList<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                docs.add(Json.mapper().readValue(line, AuditDocument.class));
            }
        }
        return docs;
    }

    @Test
    void shouldStreamJsonLinesEqualToTheIndexedRecordsInOrderAcrossPages() throws Exception {
        HttpResponse<byte[]> r = get(ExportEndpoint.PATH + "?format=jsonl", acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/jsonl; charset=utf-8");
        assertThat(r.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"vigil-acme-start-now.jsonl\"");
        List<AuditDocument> lines = jsonLines(r.body());
        List<AuditDocument> expected = expected(d -> d.tenant().equals("acme"));
        assertThat(expected).hasSizeGreaterThan(3 * PAGE);
        assertThat(lines)
                .extracting(AuditDocument::documentId)
                .containsExactlyElementsOf(
                        expected.stream().map(AuditDocument::documentId).toList());
        assertThat(lines)
                .extracting(d -> d.chain().hash())
                .containsExactlyElementsOf(
                        expected.stream().map(d -> d.chain().hash()).toList());
        // Each line re-verifies on its own: its content still hashes to its stored hash.
        assertThat(lines).allSatisfy(d -> assertThat(AuditChain.recomputeHash(d))
                .isEqualTo(d.chain().hash()));
        assertThat(lines).noneMatch(d -> d.tenant().equals("globex"));
    }

    @Test
    void shouldExportCsvWithTheDocumentedColumnsAndNeutraliseFormulaCells() throws Exception {
        HttpResponse<byte[]> r = get(ExportEndpoint.PATH + "?format=csv&scope=shop", acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8; header=present");
        List<List<String>> rows = parseCsv(new String(r.body(), StandardCharsets.UTF_8));
        assertThat(rows.getFirst()).containsExactlyElementsOf(CsvExport.COLUMNS);
        List<AuditDocument> expected =
                expected(d -> d.tenant().equals("acme") && d.scope().equals("shop"));
        List<List<String>> data = rows.subList(1, rows.size());
        assertThat(data).hasSize(expected.size());
        int chainId = CsvExport.COLUMNS.indexOf("chain_id");
        int seq = CsvExport.COLUMNS.indexOf("seq");
        int hash = CsvExport.COLUMNS.indexOf("hash");
        int message = CsvExport.COLUMNS.indexOf("message");
        int actor = CsvExport.COLUMNS.indexOf("actor");
        int verdicts = CsvExport.COLUMNS.indexOf("verdicts");
        assertThat(data)
                .extracting(row -> row.get(chainId) + ":" + row.get(seq))
                .containsExactlyElementsOf(
                        expected.stream().map(AuditDocument::documentId).toList());
        assertThat(data)
                .extracting(row -> row.get(hash))
                .containsExactlyElementsOf(
                        expected.stream().map(d -> d.chain().hash()).toList());
        List<String> five = data.stream()
                .filter(row -> row.get(seq).equals("5"))
                .findFirst()
                .orElseThrow();
        assertThat(five.get(message)).isEqualTo("'" + INJECTION);
        List<String> seven = data.stream()
                .filter(row -> row.get(seq).equals("7"))
                .findFirst()
                .orElseThrow();
        assertThat(seven.get(actor)).isEqualTo("'@mallory");
        List<String> eight = data.stream()
                .filter(row -> row.get(seq).equals("8"))
                .findFirst()
                .orElseThrow();
        assertThat(eight.get(verdicts)).isEqualTo(APPROVAL + "=FAIL");
        // The raw CSV keeps the quoted, prefixed cell: no cell of the file starts a formula.
        assertThat(new String(r.body(), StandardCharsets.UTF_8))
                .contains(",\"'=HYPERLINK(\"\"https://evil.example/\"\",");
    }

    @Test
    void shouldExportOnlyTheRequestedPeriodAndScope() throws Exception {
        Instant from = T0.plusSeconds(60L * 10);
        Instant to = T0.plusSeconds(60L * 25);
        HttpResponse<byte[]> r =
                get(ExportEndpoint.PATH + "?format=jsonl&scope=shop&from=" + from + "&to=" + to, acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"vigil-acme-20260301T081000Z-20260301T082500Z.jsonl\"");
        assertThat(jsonLines(r.body()))
                .extracting(AuditDocument::documentId)
                .containsExactlyElementsOf(expected(d -> d.tenant().equals("acme")
                                && d.scope().equals("shop")
                                && !Instant.parse(d.timestamp()).isBefore(from)
                                && Instant.parse(d.timestamp()).isBefore(to))
                        .stream()
                        .map(AuditDocument::documentId)
                        .toList())
                .hasSize(15);
    }

    @Test
    void shouldExportAnOscalAssessmentResultsDocumentValidAgainstTheNistSchema() throws Exception {
        HttpResponse<byte[]> r = get(ExportEndpoint.PATH + "?format=oscal", acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"vigil-acme-start-now.json\"");
        JsonNode doc = Json.mapper().readTree(r.body());
        JsonSchema schema;
        try (InputStream in = ExportIT.class.getResourceAsStream("/oscal/oscal-ar-1.1.2_schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
        Set<ValidationMessage> errors = schema.validate(doc);
        assertThat(errors)
                .as("OSCAL 1.1.2 assessment-results schema violations")
                .isEmpty();
        // The schema does bite: the same document without its metadata is refused.
        JsonNode withoutMetadata = doc.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) withoutMetadata.get("assessment-results")).remove("metadata");
        assertThat(schema.validate(withoutMetadata)).isNotEmpty();

        JsonNode ar = doc.get("assessment-results");
        assertThat(ar.at("/metadata/oscal-version").asText()).isEqualTo("1.1.2");
        assertThat(ar.at("/import-ap/href").asText()).isEqualTo(OscalExport.IMPORT_AP_PLACEHOLDER);
        JsonNode result = ar.at("/results/0");
        List<AuditDocument> expected = expected(d -> d.tenant().equals("acme"));
        JsonNode observations = result.get("observations");
        assertThat(observations).hasSize(expected.size());
        List<String> hashes = new ArrayList<>();
        Set<String> uuids = new HashSet<>();
        for (JsonNode o : observations) {
            uuids.add(o.get("uuid").asText());
            for (JsonNode p : o.get("props")) {
                if (p.get("name").asText().equals("chain-hash")) {
                    hashes.add(p.get("value").asText());
                }
            }
        }
        assertThat(hashes)
                .containsExactlyElementsOf(
                        expected.stream().map(d -> d.chain().hash()).toList());
        JsonNode seqOne = observations.get(0);
        assertThat(seqOne.at("/relevant-evidence/0/href").asText())
                .isEqualTo(EvidenceEndpoint.url(expected.getFirst().evidence().sha256()));

        Map<String, JsonNode> findings = new LinkedHashMap<>();
        result.get("findings")
                .forEach(f -> findings.put(f.at("/target/target-id").asText(), f));
        assertThat(findings).containsOnlyKeys(APPROVAL, SECRETS);
        assertThat(findings.get(APPROVAL).at("/target/status/state").asText()).isEqualTo("not-satisfied");
        assertThat(findings.get(SECRETS).at("/target/status/state").asText()).isEqualTo("satisfied");
        long approvalRecords = expected.stream()
                .filter(d -> d.verdicts() != null
                        && d.verdicts().stream().anyMatch(v -> v.controlId().equals(APPROVAL)))
                .count();
        JsonNode related = findings.get(APPROVAL).get("related-observations");
        assertThat(related).hasSize((int) approvalRecords);
        related.forEach(
                ro -> assertThat(uuids).contains(ro.get("observation-uuid").asText()));
    }

    @Test
    void shouldExportAnEmptyPeriodAsAValidOscalDocumentWithoutObservations() throws Exception {
        HttpResponse<byte[]> r = get(ExportEndpoint.PATH + "?format=oscal&from=2030-01-01T00:00:00Z", acmeAuditor);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = Json.mapper().readTree(r.body());
        JsonSchema schema;
        try (InputStream in = ExportIT.class.getResourceAsStream("/oscal/oscal-ar-1.1.2_schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
        assertThat(schema.validate(doc)).isEmpty();
        JsonNode result = doc.at("/assessment-results/results/0");
        assertThat(result.get("start").asText()).isEqualTo("2030-01-01T00:00:00Z");
        assertThat(result.get("end").asText()).isEqualTo("2030-01-01T00:00:00Z");
        assertThat(result.has("observations")).isFalse();
        assertThat(result.has("findings")).isFalse();
    }

    @Test
    void shouldRefuseAnUnknownFormatAndAPublisherKey() throws Exception {
        HttpResponse<byte[]> bad = get(ExportEndpoint.PATH + "?format=xlsx", acmeAuditor);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(bad.body()).at("/errors/0/pointer").asText())
                .isEqualTo("/query/format");
        HttpResponse<byte[]> tenant = get(BundleEndpoint.PATH + "?tenant=globex", acmeAuditor);
        assertThat(tenant.statusCode()).isEqualTo(400);
        assertThat(get(ExportEndpoint.PATH + "?format=csv", acmePublisher).statusCode())
                .isEqualTo(403);
    }

    @Test
    void shouldWriteEachExportToTheTrailWithItsFormat() throws Exception {
        assertThat(get(ExportEndpoint.PATH + "?format=oscal&scope=web", acmeAuditor)
                        .statusCode())
                .isEqualTo(200);

        PipelineEvent access = awaitAccess("format=oscal&scope=web");
        assertThat(access.getTenant()).isEqualTo("acme");
        assertThat(access.getScope()).isEqualTo(AccessLog.SCOPE);
        assertThat(access.getAttributes())
                .containsEntry(Attributes.ACCESS_ACTION, "export")
                .containsEntry(Attributes.ACCESS_REQUEST, "GET " + ExportEndpoint.PATH)
                .containsEntry(Attributes.ACCESS_QUERY, "format=oscal&scope=web")
                .containsEntry("access.format", "oscal");
    }

    @Test
    void shouldPublishTheExportKeyNextToTheCheckpointKeys() throws Exception {
        JsonNode keys = Json.mapper()
                .readTree(get(AuditApiServer.KEYS_PATH, acmeAuditor).body());
        Map<String, String> purposes = new LinkedHashMap<>();
        keys.get("keys")
                .forEach(k ->
                        purposes.put(k.get("key_id").asText(), k.get("purpose").asText()));
        assertThat(purposes)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(checkpointKey.keyId(), "checkpoint", exportKey.keyId(), "export"));
    }

    @Test
    void shouldVerifyADownloadedBundleIntactOfflineWithTrustedKeys() throws Exception {
        Path bundle = downloadBundle("");
        Map<String, byte[]> entries = unzip(Files.readAllBytes(bundle));
        assertThat(entries.keySet())
                .containsExactly(
                        BundleManifest.RECORDS,
                        BundleManifest.CHECKPOINTS,
                        BundleManifest.VERIFICATION,
                        BundleManifest.KEYS_DIR + checkpointKey.keyId() + ".pem",
                        BundleManifest.EXPORT_KEY,
                        BundleManifest.MANIFEST,
                        BundleManifest.SIGNATURE);
        BundleManifest manifest = Json.mapper().readValue(entries.get(BundleManifest.MANIFEST), BundleManifest.class);
        assertThat(manifest.tenant()).isEqualTo("acme");
        assertThat(manifest.exporterKeyId()).isEqualTo(exportKey.keyId());
        assertThat(manifest.chains())
                .extracting(c -> c.id() + " " + c.firstSeq() + ".." + c.lastSeq())
                .containsExactly("acme/shop 1..32", "acme/web 1..6");
        assertThat(jsonLines(entries.get(BundleManifest.RECORDS))).hasSize(38).noneMatch(d -> d.tenant()
                .equals("globex"));
        assertThat(Json.mapper()
                        .readTree(entries.get(BundleManifest.VERIFICATION))
                        .get("intact")
                        .asBoolean())
                .isTrue();

        Path trusted = Files.createTempDirectory("vigil-trusted");
        Files.writeString(trusted.resolve("export.pem"), SigningKeys.publicPem(exportKey.publicKey()));
        Files.writeString(trusted.resolve("checkpoint.pem"), SigningKeys.publicPem(checkpointKey.publicKey()));
        BundleVerifier.Result result = BundleVerifier.verify(bundle, PemKeyRing.load(trusted));

        assertThat(result.report().findings()).isEmpty();
        assertThat(result.report().intact()).isTrue();
        assertThat(result.report().counts().chains()).isEqualTo(2);
        assertThat(result.report().counts().documents()).isEqualTo(38);
        assertThat(result.report().counts().checkpoints()).isEqualTo(4);
        assertThat(result.warnings()).isEmpty();

        BundleVerifier.Result untrusted = BundleVerifier.verify(bundle, null);
        assertThat(untrusted.report().intact()).isTrue();
        assertThat(untrusted.warnings()).anyMatch(w -> w.contains("internally consistent"));
    }

    @Test
    void shouldBundleARangeWithItsAnchorSoTheSpanStillVerifies() throws Exception {
        Path bundle = downloadBundle("?scope=shop&from=" + T0.plusSeconds(600) + "&to=" + T0.plusSeconds(1500));
        BundleVerifier.Result result = BundleVerifier.verify(bundle, null);

        assertThat(result.report().findings()).isEmpty();
        assertThat(result.manifest().chains())
                .extracting(c -> c.id() + " " + c.firstSeq() + ".." + c.lastSeq())
                .containsExactly("acme/shop 9..24");
        assertThat(result.report().counts().checkpoints()).isEqualTo(2);
    }

    @Test
    void shouldNameARecordEditedInsideTheBundle() throws Exception {
        byte[] zip = Files.readAllBytes(downloadBundle(""));
        Path tampered = rewrite(
                zip,
                Map.of(
                        BundleManifest.RECORDS,
                        text -> text.replace(
                                "build 12 of shop, approved by alice", "build 12 of shop, approved by bob")));

        List<Finding> findings = BundleVerifier.verify(tampered, null).report().findings();
        assertThat(findings)
                .extracting(f -> f.kind() + " " + f.chain() + " " + f.seqs())
                .containsExactlyInAnyOrder("ENTRY_MISMATCH records.jsonl []", "EDITED acme/shop [12]");
    }

    @Test
    void shouldNameALineDroppedFromTheBundle() throws Exception {
        byte[] zip = Files.readAllBytes(downloadBundle(""));
        Path tampered = rewrite(
                zip, Map.of(BundleManifest.RECORDS, text -> dropLine(text, "\"id\":\"acme/shop\",\"seq\":15,")));

        List<Finding> findings = BundleVerifier.verify(tampered, null).report().findings();
        assertThat(findings)
                .extracting(f -> f.kind() + " " + f.chain() + " " + f.seqs())
                .containsExactlyInAnyOrder("ENTRY_MISMATCH records.jsonl []", "DELETED acme/shop [15, 15]");
    }

    @Test
    void shouldNameAnAlteredManifest() throws Exception {
        byte[] zip = Files.readAllBytes(downloadBundle(""));
        Path tampered = rewrite(
                zip,
                Map.of(
                        BundleManifest.MANIFEST,
                        text -> text.replace("\"tenant\" : \"acme\"", "\"tenant\" : \"initech\"")));

        BundleVerifier.Result result = BundleVerifier.verify(tampered, null);
        assertThat(result.manifest().tenant()).isEqualTo("initech");
        assertThat(result.report().findings())
                .extracting(f -> f.kind() + " " + f.chain())
                .containsExactly("MANIFEST_SIGNATURE manifest.json");
    }

    @Test
    void shouldNameASwappedSignatureAndABundleResignedByAnUntrustedKey() throws Exception {
        byte[] zip = Files.readAllBytes(downloadBundle(""));
        SigningKey forger = SigningKeys.generate();
        byte[] manifest = unzip(zip).get(BundleManifest.MANIFEST);
        Path swapped = rewrite(zip, Map.of(BundleManifest.SIGNATURE, text -> BundleSignatures.sign(manifest, forger)));

        assertThat(BundleVerifier.verify(swapped, null).report().findings())
                .extracting(f -> f.kind() + " " + f.chain())
                .containsExactly("MANIFEST_SIGNATURE manifest.json");

        // A forger who re-signs with their own key and ships its public half passes the
        // self-consistency check only; trusted keys expose them.
        String forgerPem = SigningKeys.publicPem(forger.publicKey());
        BundleManifest original = Json.mapper().readValue(manifest, BundleManifest.class);
        List<BundleManifest.Entry> entries = new ArrayList<>();
        for (BundleManifest.Entry e : original.entries()) {
            entries.add(
                    e.name().equals(BundleManifest.EXPORT_KEY)
                            ? new BundleManifest.Entry(e.name(), sha256(forgerPem), forgerPem.length())
                            : e);
        }
        String forgedManifest = Json.mapper()
                .writeValueAsString(new BundleManifest(
                        original.format(),
                        original.version(),
                        original.tenant(),
                        original.scope(),
                        original.from(),
                        original.to(),
                        original.createdAt(),
                        forger.keyId(),
                        original.algorithm(),
                        entries,
                        original.chains()));
        Path resigned = rewrite(
                zip,
                Map.of(
                        BundleManifest.MANIFEST, text -> forgedManifest,
                        BundleManifest.SIGNATURE,
                                text -> BundleSignatures.sign(forgedManifest.getBytes(StandardCharsets.UTF_8), forger),
                        BundleManifest.EXPORT_KEY, text -> forgerPem));
        assertThat(BundleVerifier.verify(resigned, null).report().findings()).isEmpty();
        Path trusted = Files.createTempDirectory("vigil-trusted");
        Files.writeString(trusted.resolve("export.pem"), SigningKeys.publicPem(exportKey.publicKey()));
        Files.writeString(trusted.resolve("checkpoint.pem"), SigningKeys.publicPem(checkpointKey.publicKey()));
        List<Finding> findings = BundleVerifier.verify(resigned, PemKeyRing.load(trusted))
                .report()
                .findings();
        assertThat(findings)
                .extracting(f -> f.kind() + " " + f.chain())
                .containsExactly("MANIFEST_SIGNATURE manifest.json");
        assertThat(findings.getFirst().message()).contains(forger.keyId()).contains("not among the trusted keys");
    }

    static String sha256(String text) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static Path downloadBundle(String query) throws Exception {
        HttpResponse<byte[]> r = get(BundleEndpoint.PATH + query, acmeAuditor);
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/zip");
        Path file = Files.createTempFile("vigil-bundle", ".zip");
        Files.write(file, r.body());
        return file;
    }

    static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    /** The same bundle with some entries' text replaced, in the same order. */
    static Path rewrite(byte[] zip, Map<String, UnaryOperator<String>> edits) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : unzip(zip).entrySet()) {
                byte[] content = e.getValue();
                UnaryOperator<String> edit = edits.get(e.getKey());
                if (edit != null) {
                    String edited = edit.apply(new String(content, StandardCharsets.UTF_8));
                    assertThat(edited)
                            .as("edit of " + e.getKey())
                            .isNotEqualTo(new String(content, StandardCharsets.UTF_8));
                    content = edited.getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(content);
                out.closeEntry();
            }
        }
        Path file = Files.createTempFile("vigil-tampered", ".zip");
        Files.write(file, bytes.toByteArray());
        return file;
    }

    static String dropLine(String text, String marker) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.contains(marker)) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    PipelineEvent awaitAccess(String query) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedServers.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        var topic = Topics.withPrefix(prefix).pipelineEvents();
        try (KafkaConsumer<String, PipelineEvent> consumer = new KafkaConsumer<>(
                props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (var rec : consumer.poll(Duration.ofMillis(200))) {
                    if (query.equals(rec.value().getAttributes().get(Attributes.ACCESS_QUERY))) {
                        return rec.value();
                    }
                }
            }
        }
        throw new AssertionError("no access record of query " + query + " on " + topic.name());
    }

    /** RFC 4180 reader: quoted fields, doubled quotes, CRLF rows. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                cell.append(c);
            }
        }
        return rows;
    }
}
