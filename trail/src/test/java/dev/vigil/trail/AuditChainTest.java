package dev.vigil.trail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.json.Json;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.VerdictResult;
import dev.vigil.schemas.VerdictSummary;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    static AuditRecord record(long seq, String prevHash) {
        AuditRecord r = AuditRecord.newBuilder()
                .setTenant("acme")
                .setScope("github.com/acme/shop")
                .setSeq(seq)
                .setKind(AuditRecordKind.INPUT)
                .setRecordId("rec-" + seq)
                .setEventType("pipeline.CHANGE_MERGED")
                .setSourceType("dev.cdevents.change.merged.0.3.0")
                .setSource("/event/source/123")
                .setSourceEventId("evt-" + seq)
                .setEventTime(Instant.parse("2023-03-20T14:27:05.315384Z"))
                .setRecordedAt(Instant.parse("2026-11-24T01:02:03.004Z"))
                .setSubject(Subject.newBuilder().setCommitSha("abc").build())
                .setActorId("octocat")
                .setSummary("change merged in github.com/acme/shop")
                .setVerdicts(List.of(VerdictSummary.newBuilder()
                        .setControlId("CM-01")
                        .setVerdict(VerdictResult.PASS)
                        .setSeverity(Severity.HIGH)
                        .setRequirements(List.of("SOC2:CC8.1"))
                        .setReason("approved by hubot")
                        .build()))
                .setAttributes(Map.of("b", "2", "a", "1"))
                .setEvidenceSha256("e3b0")
                .setInputTopic("vigil.pipeline-events")
                .setInputPartition(3)
                .setInputOffset(42)
                .setPrevHash(prevHash)
                .setHash("")
                .build();
        r.setHash(AuditChain.computeHash(r));
        return r;
    }

    @Test
    void shouldHashPrevHashFollowedByTheCanonicalDocument() throws Exception {
        AuditRecord r = record(1, AuditChain.GENESIS_HASH);
        byte[] canonical = AuditChain.canonicalBytes(AuditChain.document(r));

        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(new byte[32]);
        sha.update(canonical);

        assertThat(r.getHash()).isEqualTo(HexFormat.of().formatHex(sha.digest()));
        assertThat(new String(canonical, StandardCharsets.UTF_8))
                .startsWith("{\"@timestamp\":\"2023-03-20T14:27:05.315384Z\",")
                .contains("\"chain\":{\"id\":\"acme/github.com/acme/shop\",\"prev_hash\":\"" + AuditChain.GENESIS_HASH
                        + "\",\"seq\":1,\"version\":1}")
                .contains("\"labels\":{\"a\":\"1\",\"b\":\"2\"}")
                .doesNotContain("\"hash\"");
    }

    @Test
    void shouldRecomputeTheSameHashFromTheStoredDocumentAfterAJsonRoundTrip() throws Exception {
        AuditRecord r = record(1, AuditChain.GENESIS_HASH);
        String stored = Json.mapper().writeValueAsString(AuditChain.document(r));

        AuditDocument fromIndex = Json.mapper().readValue(stored, AuditDocument.class);

        assertThat(fromIndex.chain().hash()).isEqualTo(r.getHash());
        assertThat(AuditChain.recomputeHash(fromIndex)).isEqualTo(r.getHash());
        assertThat(fromIndex.documentId()).isEqualTo("acme/github.com/acme/shop:1");
    }

    @Test
    void shouldDetectAnEditedFieldInTheStoredDocument() throws Exception {
        AuditRecord r = record(1, AuditChain.GENESIS_HASH);
        String stored = Json.mapper().writeValueAsString(AuditChain.document(r));
        String edited = stored.replace("approved by hubot", "approved by octocat");

        AuditDocument tampered = Json.mapper().readValue(edited, AuditDocument.class);

        assertThat(AuditChain.recomputeHash(tampered))
                .isNotEqualTo(tampered.chain().hash());
    }

    @Test
    void shouldChainEachLinkToItsPredecessor() {
        AuditRecord first = record(1, AuditChain.GENESIS_HASH);
        AuditRecord second = record(2, first.getHash());
        AuditRecord forked = record(2, AuditChain.GENESIS_HASH);

        assertThat(second.getHash()).isNotEqualTo(forked.getHash());
        assertThat(AuditChain.document(second).chain().prevHash()).isEqualTo(first.getHash());
    }
}
