package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.VerdictSummary;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.AuditIndex;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.CheckpointIndex;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small trail built by hand, so every expected answer can be counted on paper. Record names
 * (A1 ... B4, G1, G2, C1, C2) are {@code <chain><seq>} and are also their {@code event.id}; times
 * are offsets from {@link #T0}; a record is chained ({@code event.ingested}) at its event time
 * unless said otherwise.
 *
 * <pre>
 * chain A = acme/github.com/acme/shop
 *   A1 INPUT  CHANGE_MERGED    +1h   alice  CM-01 PASS, CM-02 FAIL
 *   A2 VC     v-cm02 OPENED    +1h          CM-02 HIGH      SOC2:CC8.1
 *   A3 INPUT  SCAN             +1d2h bob    VM-01 FAIL CRITICAL
 *   A4 VC     v-vm01 OPENED    +1d2h        VM-01 CRITICAL  SOC2:CC7.1,SOC2:CC8.1,GDPR:Art.25,GDPR:Art.32
 *   A5 INPUT  SERVICE_DEPLOYED +2d   alice  CM-03 NOT_APPLICABLE, CM-05 PASS
 *   A6 VC     v-cm02 RESOLVED  +2d1h
 *   A7 VC     v-dp01 OPENED    +3d          DP-01 HIGH      SOC2:CC6.1,SOC2:CC6.7,GDPR:Art.32,GDPR:Art.25
 *   A8 INPUT  CHANGE_MERGED    +3d1h alice  CM-01 FAIL      (chained late: +10d)
 *   A9 VC     v-cm02 REOPENED  +6d
 * chain B = acme/github.com/acme/billing
 *   B1 INPUT  CHANGE_MERGED    +12h  carol  CM-01 FAIL, DP-02 PASS
 *   B2 VC     v-cm01 OPENED    +12h         CM-01 HIGH      SOC2:CC8.1,GDPR:Art.25,GDPR:Art.32
 *   B3 VC     v-cm01 RISK_ACCEPTED +1d
 *   B4 VC     v-cm01 RISK_EXPIRED  +8d
 * chain G = globex/github.com/acme/shop (the other tenant, same scope)
 *   G1 INPUT  CHANGE_MERGED    +1h   alice  CM-01 FAIL
 *   G2 VC     v-g OPENED       +1h          CM-01 HIGH
 * chain C = acme/ids-sensor-eu, in 2025: C2's message edited in the index after hashing
 * checkpoints: A at seq 2, 6, 9; G at 2; a forged globex checkpoint naming chain A at seq 4
 * </pre>
 */
final class HandBuiltTrail {

    static final String ACME = "acme";
    static final String GLOBEX = "globex";
    static final String SHOP = "github.com/acme/shop";
    static final String BILLING = "github.com/acme/billing";
    static final String SENSOR = "ids-sensor-eu";
    static final String CHAIN_A = ACME + "/" + SHOP;
    static final String CHAIN_B = ACME + "/" + BILLING;
    static final String CHAIN_C = ACME + "/" + SENSOR;
    static final String CHAIN_G = GLOBEX + "/" + SHOP;
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    static final List<String> CM01_REQ = List.of("SOC2:CC8.1", "GDPR:Art.25", "GDPR:Art.32");
    static final List<String> CC81 = List.of("SOC2:CC8.1");
    static final List<String> VM01_REQ = List.of("SOC2:CC7.1", "SOC2:CC8.1", "GDPR:Art.25", "GDPR:Art.32");
    static final List<String> DP01_REQ = List.of("SOC2:CC6.1", "SOC2:CC6.7", "GDPR:Art.32", "GDPR:Art.25");
    static final List<String> DP02_REQ = List.of("SOC2:C1.2", "GDPR:Art.5(1)(e)", "GDPR:Art.30");

    /** Every document by name (A1 ...), as indexed (C2 with its edited message). */
    final Map<String, AuditDocument> byName = new LinkedHashMap<>();

    final List<CheckpointDocument> checkpoints = new ArrayList<>();

    private final class Chain {
        final String tenant;
        final String scope;
        final String letter;
        String prevHash = AuditChain.GENESIS_HASH;
        long seq;

        Chain(String tenant, String scope, String letter) {
            this.tenant = tenant;
            this.scope = scope;
            this.letter = letter;
        }

        void input(String type, Instant time, Instant chained, String actor, VerdictSummary... verdicts) {
            add(AuditRecordKind.INPUT, "pipeline." + type, time, chained, actor, List.of(verdicts), Map.of(), type);
        }

        void change(
                String violation,
                String state,
                Instant time,
                String control,
                String severity,
                List<String> requirements,
                Instant openedAt) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("violation.id", violation);
            labels.put("violation.control-id", control);
            labels.put("violation.state", state);
            labels.put("violation.severity", severity);
            labels.put("violation.opened-at", openedAt.toString());
            labels.put("violation.requirements", String.join(",", requirements));
            labels.put("violation.subject-key", "commit:abc");
            add(
                    AuditRecordKind.VIOLATION_CHANGE,
                    "violation." + state,
                    time,
                    time,
                    null,
                    List.of(),
                    labels,
                    "Violation " + state + ": " + control);
        }

        private void add(
                AuditRecordKind kind,
                String type,
                Instant time,
                Instant chained,
                String actor,
                List<VerdictSummary> verdicts,
                Map<String, String> labels,
                String summary) {
            seq++;
            AuditRecord r = AuditRecord.newBuilder()
                    .setTenant(tenant)
                    .setScope(scope)
                    .setSeq(seq)
                    .setKind(kind)
                    .setRecordId(letter + seq)
                    .setEventType(type)
                    .setSourceType(kind == AuditRecordKind.INPUT ? "dev.cdevents.test" : "vigil:controls")
                    .setSource("/ci/" + scope)
                    .setSourceEventId("evt-" + letter + seq)
                    .setEventTime(time)
                    .setRecordedAt(chained)
                    .setSubject(
                            Subject.newBuilder().setCommitSha("c0ffee" + seq).build())
                    .setActorId(actor)
                    .setSummary(summary + " " + letter + seq)
                    .setVerdicts(verdicts)
                    .setCatalogVersion(verdicts.isEmpty() ? null : "2026.11")
                    .setAttributes(labels)
                    .setEvidenceSha256(kind == AuditRecordKind.INPUT ? "ab".repeat(32) : null)
                    .setInputTopic("vigil.pipeline-events")
                    .setInputPartition(0)
                    .setInputOffset(seq)
                    .setPrevHash(prevHash)
                    .setHash("")
                    .build();
            r.setHash(AuditChain.computeHash(r));
            prevHash = r.getHash();
            byName.put(letter + seq, AuditChain.document(r));
        }
    }

    static VerdictSummary verdict(String control, String result, String severity, List<String> requirements) {
        return VerdictSummary.newBuilder()
                .setControlId(control)
                .setVerdict(VerdictResult.valueOf(result))
                .setSeverity(Severity.valueOf(severity))
                .setRequirements(requirements)
                .setReason(control + " " + result)
                .build();
    }

    HandBuiltTrail() {
        Chain a = new Chain(ACME, SHOP, "A");
        Instant h1 = T0.plus(Duration.ofHours(1));
        a.input(
                "CHANGE_MERGED",
                h1,
                h1,
                "alice",
                verdict("CM-01", "PASS", "HIGH", CM01_REQ),
                verdict("CM-02", "FAIL", "HIGH", CC81));
        a.change("v-cm02", "OPENED", h1, "CM-02", "HIGH", CC81, h1);
        Instant d1h2 = T0.plus(Duration.ofHours(26));
        a.input("SCAN", d1h2, d1h2, "bob", verdict("VM-01", "FAIL", "CRITICAL", VM01_REQ));
        a.change("v-vm01", "OPENED", d1h2, "VM-01", "CRITICAL", VM01_REQ, d1h2);
        Instant d2 = T0.plus(Duration.ofDays(2));
        a.input(
                "SERVICE_DEPLOYED",
                d2,
                d2,
                "alice",
                verdict("CM-03", "NOT_APPLICABLE", "HIGH", CC81),
                verdict("CM-05", "PASS", "HIGH", CC81));
        a.change("v-cm02", "RESOLVED", d2.plus(Duration.ofHours(1)), "CM-02", "HIGH", CC81, h1);
        Instant d3 = T0.plus(Duration.ofDays(3));
        a.change("v-dp01", "OPENED", d3, "DP-01", "HIGH", DP01_REQ, d3);
        a.input(
                "CHANGE_MERGED",
                d3.plus(Duration.ofHours(1)),
                T0.plus(Duration.ofDays(10)),
                "alice",
                verdict("CM-01", "FAIL", "HIGH", CM01_REQ));
        a.change("v-cm02", "REOPENED", T0.plus(Duration.ofDays(6)), "CM-02", "HIGH", CC81, h1);

        Chain b = new Chain(ACME, BILLING, "B");
        Instant h12 = T0.plus(Duration.ofHours(12));
        b.input(
                "CHANGE_MERGED",
                h12,
                h12,
                "carol",
                verdict("CM-01", "FAIL", "HIGH", CM01_REQ),
                verdict("DP-02", "PASS", "MEDIUM", DP02_REQ));
        b.change("v-cm01", "OPENED", h12, "CM-01", "HIGH", CM01_REQ, h12);
        b.change("v-cm01", "RISK_ACCEPTED", T0.plus(Duration.ofDays(1)), "CM-01", "HIGH", CM01_REQ, h12);
        b.change("v-cm01", "RISK_EXPIRED", T0.plus(Duration.ofDays(8)), "CM-01", "HIGH", CM01_REQ, h12);

        Chain g = new Chain(GLOBEX, SHOP, "G");
        g.input("CHANGE_MERGED", h1, h1, "alice", verdict("CM-01", "FAIL", "HIGH", CM01_REQ));
        g.change("v-g", "OPENED", h1, "CM-01", "HIGH", CM01_REQ, h1);

        Chain c = new Chain(ACME, SENSOR, "C");
        Instant old = Instant.parse("2025-06-01T00:00:00Z");
        c.input("ALERT", old, old, "ids");
        c.input("ALERT", old.plusSeconds(60), old.plusSeconds(60), "ids");
        AuditDocument c2 = byName.get("C2");
        byName.put(
                "C2",
                new AuditDocument(
                        c2.timestamp(),
                        c2.tenant(),
                        c2.scope(),
                        c2.chain(),
                        c2.event(),
                        c2.subject(),
                        c2.user(),
                        "edited after the fact",
                        c2.verdicts(),
                        c2.catalogVersion(),
                        c2.labels(),
                        c2.evidence(),
                        c2.kafka()));

        checkpoints.add(checkpoint(ACME, SHOP, 2, "A2"));
        checkpoints.add(checkpoint(ACME, SHOP, 6, "A6"));
        checkpoints.add(checkpoint(ACME, SHOP, 9, "A9"));
        checkpoints.add(checkpoint(GLOBEX, SHOP, 2, "G2"));
        // Another tenant's checkpoint that names chain A: a lookup must never pick it.
        checkpoints.add(new CheckpointDocument(
                T0.plus(Duration.ofDays(20)).toString(),
                GLOBEX,
                SHOP,
                new CheckpointDocument.Chain(CHAIN_A, 4, "f".repeat(64)),
                "k1",
                "Ed25519",
                "c2lnbmF0dXJl",
                1));
    }

    private CheckpointDocument checkpoint(String tenant, String scope, long seq, String covers) {
        return new CheckpointDocument(
                T0.plus(Duration.ofDays(20)).plusSeconds(seq).toString(),
                tenant,
                scope,
                new CheckpointDocument.Chain(
                        tenant + "/" + scope, seq, byName.get(covers).chain().hash()),
                "k1",
                "Ed25519",
                "c2lnbmF0dXJl",
                1);
    }

    AuditDocument doc(String name) {
        return byName.get(name);
    }

    /** Indexes the documents (each into its month's index) and the checkpoints under {@code prefix}. */
    HandBuiltTrail indexInto(ElasticsearchClient es, String prefix) throws IOException {
        AuditIndex auditIndex = new AuditIndex(prefix);
        auditIndex.install(es);
        CheckpointIndex checkpointIndex = new CheckpointIndex(prefix);
        checkpointIndex.install(es);
        BulkResponse bulk = es.bulk(b -> {
            b.refresh(Refresh.True);
            byName.values()
                    .forEach(d -> b.operations(op -> op.create(c ->
                            c.index(auditIndex.indexFor(d)).id(d.documentId()).document(d))));
            checkpoints.forEach(cp -> b.operations(op -> op.create(c -> c.index(checkpointIndex.alias())
                    .id(cp.tenant() + "|" + cp.documentId())
                    .document(cp))));
            return b;
        });
        assertThat(bulk.errors()).as("bulk create errors: %s", bulk.items()).isFalse();
        return this;
    }
}
