package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.json.Json;
import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.VerdictSummary;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.ElasticsearchClients;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.CheckpointIndex;
import dev.vigil.trail.checkpoint.CheckpointSignatures;
import dev.vigil.trail.verify.PemKeyRing;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tamper drills: a realistic trail (three chains in two tenants, {@value #LENGTH} records each,
 * signed checkpoints every 25 seqs and at the head) is written to the real Elasticsearch node,
 * found intact by {@code vigil verify}, then tampered with directly through the Elasticsearch
 * client — one drill per test, each in its own index prefix — and {@code vigil verify} must name
 * exactly the tampering, its chain and seq(s), in JSON and in the human report.
 */
class TamperDrillsIT {

    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    static final int LENGTH = 80;
    static final String SHOP = "acme/shop";
    static final String BILLING = "acme/billing";
    static final List<String[]> CHAINS =
            List.of(new String[] {"acme", "shop"}, new String[] {"acme", "billing"}, new String[] {"globex", "web"});

    static ElasticsearchClient es;
    static String url;
    static KeyPair key;
    static String keyId;
    static Path keyDir;

    @BeforeAll
    static void setUp() throws Exception {
        url = SharedServers.elasticsearch().httpUrl();
        es = ElasticsearchClients.create(url);
        key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        keyId = CheckpointSignatures.keyId(key.getPublic());
        keyDir = Files.createTempDirectory("vigil-verify-keys");
        Files.writeString(keyDir.resolve("checkpoint-2026.pem"), PemKeyRing.pem(key.getPublic()));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (es != null) {
            ElasticsearchClients.close(es);
        }
        if (keyDir != null) {
            try (var files = Files.list(keyDir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(keyDir);
        }
    }

    /** One drill's trail: its index prefix and the records written, by chain id. */
    record Trail(String prefix, Map<String, List<AuditRecord>> chains) {
        String alias() {
            return new AuditIndex(prefix).alias();
        }

        String checkpoints() {
            return new CheckpointIndex(prefix).alias();
        }

        AuditRecord record(String chain, long seq) {
            return chains.get(chain).get((int) seq - 1);
        }
    }

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return Json.mapper().readTree(out);
        }
    }

    // --- the drills ------------------------------------------------------------------------------

    @Test
    void shouldReportOnlyTheEditedSeqWhenADocumentsActorIsChanged() throws Exception {
        Trail t = trail("edit", true);
        assertIntact(t);

        es.update(
                u -> u.index(home(t, SHOP + ":17"))
                        .id(SHOP + ":17")
                        .doc(Map.of("user", Map.of("id", "mallory")))
                        .refresh(Refresh.True),
                Map.class);

        assertSingleFinding(t, "EDITED", SHOP, List.of(17L));
        // A range that holds seq 17 (event times are one minute apart) finds it; one after it does not.
        Run inRange = verify(
                t,
                "--json",
                "--from",
                T0.plusSeconds(60 * 10).toString(),
                "--to",
                T0.plusSeconds(60 * 20).toString());
        assertThat(inRange.code()).isEqualTo(1);
        assertThat(findings(inRange)).containsExactly("EDITED " + SHOP + " [17]");
        Run after = verify(t, "--json", "--from", T0.plusSeconds(60 * 40).toString());
        assertThat(after.code()).as(after.out() + after.err()).isZero();
        assertThat(after.json().at("/counts/documents").asLong()).isEqualTo(3L * (LENGTH - 40 + 1) + 3);
    }

    @Test
    void shouldReportTheEditedSeqWhenAVerdictIsFlippedToPass() throws Exception {
        Trail t = trail("verdict", true);
        AuditDocument doc = get(t, BILLING + ":33");
        assertThat(doc.verdicts()).extracting(AuditDocument.Verdict::result).contains("FAIL");
        List<AuditDocument.Verdict> passed = doc.verdicts().stream()
                .map(v -> new AuditDocument.Verdict(v.controlId(), "PASS", v.severity(), v.requirements(), v.reason()))
                .toList();
        es.index(i -> i.index(home(t, BILLING + ":33"))
                .id(BILLING + ":33")
                .document(withVerdicts(doc, passed))
                .refresh(Refresh.True));

        assertSingleFinding(t, "EDITED", BILLING, List.of(33L));
    }

    @Test
    void shouldReportTheDeletedSeqWhenADocumentIsRemoved() throws Exception {
        Trail t = trail("delete", true);
        es.delete(d -> d.index(home(t, SHOP + ":50")).id(SHOP + ":50").refresh(Refresh.True));

        // seq 50 carries a checkpoint too: the missing document is one finding, not two.
        assertSingleFinding(t, "DELETED", SHOP, List.of(50L, 50L));
    }

    @Test
    void shouldReportAForgedDocumentAsInserted() throws Exception {
        Trail t = trail("insert", true);
        // A careful forger: right seq, links to seq 40, a hash that recomputes; but seq 42 links to the genuine 41.
        AuditDocument genuine = get(t, SHOP + ":41");
        AuditDocument forged = rehash(withUser(genuine, "mallory"));
        String home41 = home(t, SHOP + ":41");
        es.index(i -> i.index(home41).id(SHOP + ":41-b").document(forged).refresh(Refresh.True));

        assertSingleFinding(t, "INSERTED", SHOP, List.of(41L));
    }

    @Test
    void shouldReportBothSeqsWhenTwoDocumentsSwapPlaces() throws Exception {
        Trail t = trail("swap", true);
        AuditDocument a = get(t, SHOP + ":30");
        AuditDocument b = get(t, SHOP + ":52");
        es.index(i -> i.index(home(t, SHOP + ":30"))
                .id(SHOP + ":30")
                .document(withSeq(b, 30))
                .refresh(Refresh.True));
        es.index(i -> i.index(home(t, SHOP + ":52"))
                .id(SHOP + ":52")
                .document(withSeq(a, 52))
                .refresh(Refresh.True));

        assertSingleFinding(t, "REORDERED", SHOP, List.of(30L, 52L));
    }

    @Test
    void shouldReportTheTruncatedTailBelowTheHeadCheckpoint() throws Exception {
        Trail t = trail("truncate", true);
        for (long seq = LENGTH - 3; seq <= LENGTH; seq++) {
            String id = BILLING + ":" + seq;
            es.delete(d -> d.index(home(t, id)).id(id).refresh(Refresh.True));
        }

        assertSingleFinding(t, "TRUNCATED", BILLING, List.of((long) LENGTH - 3, (long) LENGTH));
    }

    @Test
    void shouldFindATailNoCheckpointCoversOnlyAgainstTheKafkaTrail() throws Exception {
        Trail t = trail("kafka", false);
        String bootstrap = SharedServers.kafka().bootstrapServers();
        Topics topics = Topics.withPrefix(t.prefix());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, topics, (short) 1);
        }
        Topic<String, AuditRecord> trail = topics.auditTrail();
        try (KafkaProducer<String, AuditRecord> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                trail.keySerde().serializer(),
                trail.valueSerde().serializer())) {
            for (List<AuditRecord> chain : t.chains().values()) {
                for (AuditRecord r : chain) {
                    producer.send(new ProducerRecord<>(trail.name(), r.getTenant() + "/" + r.getScope(), r));
                }
            }
            producer.flush();
        }
        // The last checkpoint is at seq 75: deleting 78..80 leaves nothing a checkpoint contradicts.
        for (long seq = 78; seq <= LENGTH; seq++) {
            String id = SHOP + ":" + seq;
            es.delete(d -> d.index(home(t, id)).id(id).refresh(Refresh.True));
        }
        Run withoutKafka = verify(t, "--json");
        assertThat(withoutKafka.code()).as(withoutKafka.out()).isZero();

        String[] kafka = {
            "--kafka",
            "--set",
            "vigil.kafka.bootstrap-servers=" + bootstrap,
            "--set",
            "vigil.topic-prefix=" + t.prefix()
        };
        Run json = verify(t, concat(kafka, "--json"));
        assertThat(json.code()).as(json.out() + json.err()).isEqualTo(1);
        assertThat(findings(json)).containsExactly("TRUNCATED " + SHOP + " [78, 80]");
        assertThat(json.json().at("/counts/kafka_chains").asLong()).isEqualTo(3);
        Run human = verify(t, kafka);
        assertThat(human.out())
                .contains("TRUNCATED " + SHOP
                        + " seqs 78..80: the chain ends at seq 77 but the Kafka trail reaches seq 80");
    }

    @Test
    void shouldReportAForgedCheckpointSignature() throws Exception {
        Trail t = trail("badsig", true);
        // Move the signed head forward as if 5 more records existed: the signature no longer covers it.
        CheckpointDocument head = es.get(
                        g -> g.index(t.checkpoints()).id(SHOP + ":" + LENGTH), CheckpointDocument.class)
                .source();
        CheckpointDocument moved = new CheckpointDocument(
                head.timestamp(),
                head.tenant(),
                head.scope(),
                new CheckpointDocument.Chain(
                        head.chain().id(), LENGTH + 5, head.chain().hash()),
                head.keyId(),
                head.algorithm(),
                head.signature(),
                head.version());
        es.index(i ->
                i.index(t.checkpoints()).id(moved.documentId()).document(moved).refresh(Refresh.True));

        assertSingleFinding(t, "BAD_SIGNATURE", SHOP, List.of((long) LENGTH + 5));
    }

    @Test
    void shouldReportACheckpointSignedByAnUnknownKey() throws Exception {
        Trail t = trail("unknownkey", true);
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        AuditRecord r = t.record(BILLING, 60);
        CheckpointDocument foreign = CheckpointDocument.of(CheckpointSignatures.sign(
                unsigned(r), other.getPrivate(), CheckpointSignatures.keyId(other.getPublic())));
        es.index(i -> i.index(t.checkpoints())
                .id(foreign.documentId())
                .document(foreign)
                .refresh(Refresh.True));

        assertSingleFinding(t, "UNKNOWN_KEY", BILLING, List.of(60L));
    }

    @Test
    void shouldExitThreeWhenElasticsearchCannotBeReachedAndTwoOnAUsageError() {
        Run unreachable =
                run("verify", "--set", "vigil.elasticsearch.url=http://127.0.0.1:9", "--keys", keyDir.toString());
        assertThat(unreachable.code()).isEqualTo(3);
        assertThat(unreachable.err()).contains("cannot reach Elasticsearch at http://127.0.0.1:9");
        Run usage = run("verify", "--from", "yesterday-ish", "--keys", keyDir.toString());
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("--from takes an instant");
    }

    @Test
    void shouldVerifyAcrossPagesOfChainsAndOfDocuments() throws Exception {
        // 250 chains (two composite pages of 200) x 10 documents (three search_after pages of 1000).
        String prefix = "drill-pages-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        Trail t = new Trail(prefix, new java.util.LinkedHashMap<>());
        new AuditIndex(prefix).install(es);
        new CheckpointIndex(prefix).install(es);
        List<AuditDocument> docs = new ArrayList<>();
        List<CheckpointDocument> checkpoints = new ArrayList<>();
        for (int c = 0; c < 250; c++) {
            String scope = String.format(Locale.ROOT, "svc-%03d", c);
            String prev = AuditChain.GENESIS_HASH;
            for (int seq = 1; seq <= 10; seq++) {
                AuditRecord r = record("acme", scope, seq, prev);
                prev = r.getHash();
                docs.add(AuditChain.document(r));
                if (seq == 10) {
                    checkpoints.add(
                            CheckpointDocument.of(CheckpointSignatures.sign(unsigned(r), key.getPrivate(), keyId)));
                }
            }
        }
        var bulk = es.bulk(b -> {
            docs.forEach(d -> b.operations(o -> o.create(cr -> cr.index(new AuditIndex(t.prefix()).indexFor(d))
                    .id(d.documentId())
                    .document(d))));
            checkpoints.forEach(d -> b.operations(o ->
                    o.create(cr -> cr.index(t.checkpoints()).id(d.documentId()).document(d))));
            return b.refresh(Refresh.True);
        });
        assertThat(bulk.errors()).isFalse();
        // The 1000th document in sort order (last of the first search page) and one in the second chain page.
        es.update(
                u -> u.index(home(t, "acme/svc-099:10"))
                        .id("acme/svc-099:10")
                        .doc(Map.of("message", "nothing happened"))
                        .refresh(Refresh.True),
                Map.class);
        es.delete(d -> d.index(home(t, "acme/svc-230:5")).id("acme/svc-230:5").refresh(Refresh.True));

        Run json = verify(t, "--json");

        assertThat(json.code()).as(json.out() + json.err()).isEqualTo(1);
        assertThat(json.json().at("/counts/chains").asLong()).isEqualTo(250);
        assertThat(json.json().at("/counts/documents").asLong()).isEqualTo(2499);
        assertThat(json.json().at("/counts/checkpoints").asLong()).isEqualTo(250);
        assertThat(findings(json)).containsExactly("EDITED acme/svc-099 [10]", "DELETED acme/svc-230 [5, 5]");
    }

    // --- helpers ---------------------------------------------------------------------------------

    void assertIntact(Trail t) throws Exception {
        Run json = verify(t, "--json");
        assertThat(json.code()).as(json.out() + json.err()).isZero();
        JsonNode r = json.json();
        assertThat(r.get("intact").asBoolean()).isTrue();
        assertThat(r.at("/counts/chains").asLong()).isEqualTo(3);
        assertThat(r.at("/counts/documents").asLong()).isEqualTo(3L * LENGTH);
        assertThat(r.at("/counts/checkpoints").asLong()).isEqualTo(3L * 4);
        assertThat(r.get("findings")).isEmpty();
        Run human = verify(t);
        assertThat(human.out()).startsWith("INTACT: 3 chain(s), " + 3 * LENGTH + " document(s), 12 checkpoint(s)");
        assertThat(human.err()).contains("verify: " + 3 * LENGTH + "/" + 3 * LENGTH + " documents verified (100%)");
    }

    void assertSingleFinding(Trail t, String kind, String chain, List<Long> seqs) throws Exception {
        Run json = verify(t, "--json");
        assertThat(json.code()).as(json.out() + json.err()).isEqualTo(1);
        assertThat(json.json().get("intact").asBoolean()).isFalse();
        assertThat(findings(json)).containsExactly(kind + " " + chain + " " + seqs);
        Run human = verify(t);
        assertThat(human.code()).isEqualTo(1);
        String seqText = seqs.size() == 2 && (kind.equals("DELETED") || kind.equals("TRUNCATED"))
                ? (seqs.get(0).equals(seqs.get(1)) ? "seq " + seqs.get(0) : "seqs " + seqs.get(0) + ".." + seqs.get(1))
                : (seqs.size() == 1 ? "seq " + seqs.get(0) : "seqs " + seqs.get(0) + ", " + seqs.get(1));
        assertThat(human.out())
                .startsWith("TAMPERED: 3 chain(s)")
                .contains("1 finding(s):\n  " + kind + " " + chain + " " + seqText + ": ");
    }

    static List<String> findings(Run run) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode f : run.json().get("findings")) {
            List<Long> seqs = new ArrayList<>();
            f.get("seqs").forEach(s -> seqs.add(s.asLong()));
            assertThat(f.get("message").asText()).isNotBlank();
            out.add(f.get("kind").asText() + " " + f.get("chain").asText() + " " + seqs);
        }
        return out;
    }

    Run verify(Trail t, String... extra) {
        return run(concat(
                new String[] {
                    "verify",
                    "--set",
                    "vigil.elasticsearch.url=" + url,
                    "--set",
                    "vigil.index-prefix=" + t.prefix(),
                    "--keys",
                    keyDir.toString()
                },
                extra));
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Vigil.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Writes the three chains and their checkpoints (every 25 seqs, and the head when {@code head}). */
    static Trail trail(String drill, boolean head) throws Exception {
        String prefix = "drill-" + drill + "-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        Trail t = new Trail(prefix, new java.util.LinkedHashMap<>());
        new AuditIndex(prefix).install(es);
        new CheckpointIndex(prefix).install(es);
        List<AuditDocument> docs = new ArrayList<>();
        List<CheckpointDocument> checkpoints = new ArrayList<>();
        for (String[] c : CHAINS) {
            List<AuditRecord> chain = new ArrayList<>();
            String prev = AuditChain.GENESIS_HASH;
            for (int seq = 1; seq <= LENGTH; seq++) {
                AuditRecord r = record(c[0], c[1], seq, prev);
                prev = r.getHash();
                chain.add(r);
                docs.add(AuditChain.document(r));
                if (seq % 25 == 0 || (head && seq == LENGTH)) {
                    checkpoints.add(
                            CheckpointDocument.of(CheckpointSignatures.sign(unsigned(r), key.getPrivate(), keyId)));
                }
            }
            t.chains().put(AuditChain.chainId(c[0], c[1]), chain);
        }
        var bulk = es.bulk(b -> {
            docs.forEach(d -> b.operations(o -> o.create(cr -> cr.index(new AuditIndex(t.prefix()).indexFor(d))
                    .id(d.documentId())
                    .document(d))));
            checkpoints.forEach(d -> b.operations(o ->
                    o.create(cr -> cr.index(t.checkpoints()).id(d.documentId()).document(d))));
            return b.refresh(Refresh.True);
        });
        assertThat(bulk.errors()).as("bulk errors").isFalse();
        return t;
    }

    static Checkpoint unsigned(AuditRecord r) {
        return Checkpoint.newBuilder()
                .setTenant(r.getTenant())
                .setScope(r.getScope())
                .setSeq(r.getSeq())
                .setHash(r.getHash())
                .setCreatedAt(r.getRecordedAt().plusSeconds(5))
                .setKeyId("")
                .setAlgorithm("")
                .setSignature(ByteBuffer.wrap(new byte[0]))
                .build();
    }

    /** Inputs and violation changes as the streams app records them: verdicts, actors, evidence. */
    static AuditRecord record(String tenant, String scope, int seq, String prevHash) {
        boolean violation = seq % 10 == 0;
        boolean failing = seq % 3 == 0;
        List<VerdictSummary> verdicts = violation
                ? List.of()
                : List.of(
                        VerdictSummary.newBuilder()
                                .setControlId("SOC2-CC8.1-CHANGE-APPROVED")
                                .setVerdict(failing ? VerdictResult.FAIL : VerdictResult.PASS)
                                .setSeverity(Severity.HIGH)
                                .setRequirements(List.of("SOC2:CC8.1"))
                                .setReason(failing ? "deployment without an approved change" : "change approved by bob")
                                .build(),
                        VerdictSummary.newBuilder()
                                .setControlId("SOC2-CC7.1-SCAN-BEFORE-DEPLOY")
                                .setVerdict(VerdictResult.PASS)
                                .setSeverity(Severity.MEDIUM)
                                .setRequirements(List.of("SOC2:CC7.1"))
                                .setReason("SCA scan of the artifact found no HIGH finding")
                                .build());
        String sha = String.format(Locale.ROOT, "%040x", (long) seq * 7919L + scope.hashCode());
        Map<String, String> attributes = new HashMap<>();
        attributes.put("repository", "github.com/" + tenant + "/" + scope);
        AuditRecord r = AuditRecord.newBuilder()
                .setTenant(tenant)
                .setScope(scope)
                .setSeq(seq)
                .setKind(violation ? AuditRecordKind.VIOLATION_CHANGE : AuditRecordKind.INPUT)
                .setRecordId(tenant + "-" + scope + "-" + seq)
                .setEventType(violation ? "violation.OPENED" : "pipeline.DEPLOYMENT_FINISHED")
                .setSourceType("dev.cdevents.service.deployed.0.2.0")
                .setSource("https://ci.example/" + scope)
                .setSourceEventId("evt-" + seq)
                .setEventTime(T0.plusSeconds(60L * seq))
                .setRecordedAt(T0.plusSeconds(60L * seq + 2))
                .setSubject(Subject.newBuilder()
                        .setCommitSha(sha)
                        .setEnvironment(seq % 2 == 0 ? "production" : "staging")
                        .setService(scope)
                        .build())
                .setActorId(seq % 4 == 0 ? "alice" : "bob")
                .setSummary(
                        (violation ? "violation opened for " : "deployment of ") + scope + " at " + sha.substring(0, 7))
                .setOutcome(violation ? null : "success")
                .setVerdicts(verdicts)
                .setCatalogVersion("2026.03")
                .setAttributes(attributes)
                .setEvidenceSha256(String.format(Locale.ROOT, "%064x", (long) seq))
                .setInputTopic("vigil.pipeline-events")
                .setInputPartition(0)
                .setInputOffset(seq)
                .setPrevHash(prevHash)
                .setHash("")
                .build();
        r.setHash(AuditChain.computeHash(r));
        return r;
    }

    AuditDocument get(Trail t, String id) throws Exception {
        return es.get(g -> g.index(home(t, id)).id(id), AuditDocument.class).source();
    }

    /** The monthly index that holds a document: the trail alias spans several and has no write index. */
    String home(Trail t, String id) {
        List<co.elastic.clients.elasticsearch.core.search.Hit<AuditDocument>> hits;
        try {
            hits = es.search(q -> q.index(t.alias()).query(qq -> qq.ids(i -> i.values(id))), AuditDocument.class)
                    .hits()
                    .hits();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(hits).as("document %s", id).hasSize(1);
        return hits.get(0).index();
    }

    static AuditDocument withUser(AuditDocument d, String user) {
        return new AuditDocument(
                d.timestamp(),
                d.tenant(),
                d.scope(),
                d.chain(),
                d.event(),
                d.subject(),
                new AuditDocument.User(user),
                d.message(),
                d.verdicts(),
                d.catalogVersion(),
                d.labels(),
                d.evidence(),
                d.kafka());
    }

    static AuditDocument withVerdicts(AuditDocument d, List<AuditDocument.Verdict> verdicts) {
        return new AuditDocument(
                d.timestamp(),
                d.tenant(),
                d.scope(),
                d.chain(),
                d.event(),
                d.subject(),
                d.user(),
                d.message(),
                verdicts,
                d.catalogVersion(),
                d.labels(),
                d.evidence(),
                d.kafka());
    }

    static AuditDocument withChain(AuditDocument d, AuditDocument.Chain c) {
        return new AuditDocument(
                d.timestamp(),
                d.tenant(),
                d.scope(),
                c,
                d.event(),
                d.subject(),
                d.user(),
                d.message(),
                d.verdicts(),
                d.catalogVersion(),
                d.labels(),
                d.evidence(),
                d.kafka());
    }

    static AuditDocument withSeq(AuditDocument d, long seq) {
        AuditDocument.Chain c = d.chain();
        return withChain(d, new AuditDocument.Chain(c.id(), seq, c.prevHash(), c.hash(), c.version()));
    }

    static AuditDocument rehash(AuditDocument d) {
        AuditDocument.Chain c = d.chain();
        String hash = AuditChain.recomputeHash(d);
        return withChain(d, new AuditDocument.Chain(c.id(), c.seq(), c.prevHash(), hash, c.version()));
    }
}
