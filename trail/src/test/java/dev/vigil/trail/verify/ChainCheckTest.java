package dev.vigil.trail.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.schemas.Subject;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.CheckpointSignatures;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChainCheckTest {

    static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    static final String CHAIN = "acme/shop";
    static final KeyPair KEY = keyPair();
    static final String KEY_ID = CheckpointSignatures.keyId(KEY.getPublic());

    static KeyPair keyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<AuditDocument> chain(int n) {
        List<AuditDocument> docs = new ArrayList<>();
        String prev = AuditChain.GENESIS_HASH;
        for (int seq = 1; seq <= n; seq++) {
            AuditRecord r = AuditRecord.newBuilder()
                    .setTenant("acme")
                    .setScope("shop")
                    .setSeq(seq)
                    .setKind(AuditRecordKind.INPUT)
                    .setRecordId("r-" + seq)
                    .setEventType("pipeline.BUILD_FINISHED")
                    .setSourceType("dev.cdevents.build.finished.0.3.0")
                    .setSource("/ci")
                    .setSourceEventId("evt-" + seq)
                    .setEventTime(T0.plusSeconds(seq))
                    .setRecordedAt(T0.plusSeconds(seq))
                    .setSubject(
                            Subject.newBuilder().setCommitSha("c0ffee" + seq).build())
                    .setActorId("alice")
                    .setSummary("build " + seq)
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
        return docs;
    }

    static CheckpointDocument checkpoint(AuditDocument at) {
        Checkpoint c = Checkpoint.newBuilder()
                .setTenant("acme")
                .setScope("shop")
                .setSeq(at.chain().seq())
                .setHash(at.chain().hash())
                .setCreatedAt(T0)
                .setKeyId("")
                .setAlgorithm("")
                .setSignature(ByteBuffer.wrap(new byte[0]))
                .build();
        return CheckpointDocument.of(CheckpointSignatures.sign(c, KEY.getPrivate(), KEY_ID));
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

    /** Feeds docs sorted by seq (stable), checkpoints merged by seq, like the verifier does. */
    static List<Finding> check(List<AuditDocument> docs, List<CheckpointDocument> cps, long kafkaHead) {
        List<AuditDocument> sorted = new ArrayList<>(docs);
        sorted.sort(java.util.Comparator.comparingLong(d -> d.chain().seq()));
        ChainCheck check = new ChainCheck(CHAIN, 1, Map.of(KEY_ID, KEY.getPublic()));
        int c = 0;
        int i = 0;
        while (i < sorted.size()) {
            List<ChainCheck.Link> same = new ArrayList<>();
            long seq = sorted.get(i).chain().seq();
            while (i < sorted.size() && sorted.get(i).chain().seq() == seq) {
                AuditDocument d = sorted.get(i++);
                same.add(ChainCheck.Link.of(d.documentId() + (same.isEmpty() ? "" : "-" + same.size()), d));
            }
            ChainCheck.Link next = i < sorted.size() ? ChainCheck.Link.of("next", sorted.get(i)) : null;
            while (c < cps.size() && cps.get(c).chain().seq() <= seq) {
                check.checkpoint(cps.get(c++));
            }
            check.documents(same, next);
        }
        while (c < cps.size()) {
            check.checkpoint(cps.get(c++));
        }
        return check.finish(true, kafkaHead);
    }

    @Test
    void shouldFindNothingInAnIntactChainWithValidCheckpoints() {
        List<AuditDocument> docs = chain(30);
        assertThat(check(docs, List.of(checkpoint(docs.get(9)), checkpoint(docs.get(29))), 30))
                .isEmpty();
    }

    @Test
    void shouldReportOnlyTheEditedSeqWhenOneDocumentsActorChanged() {
        List<AuditDocument> docs = chain(30);
        docs.set(11, withUser(docs.get(11), "mallory"));
        assertThat(check(docs, List.of(checkpoint(chain(30).get(11))), 0))
                .extracting(Finding::kind, Finding::seqs)
                .containsExactly(tuple(Finding.Kind.EDITED, List.of(12L)));
    }

    @Test
    void shouldReportTheRewrittenSeqWhenItsHashWasRecomputedToo() {
        List<AuditDocument> docs = chain(30);
        AuditDocument edited = withUser(docs.get(11), "mallory");
        AuditDocument.Chain c = edited.chain();
        edited = withChain(edited, new AuditDocument.Chain(c.id(), c.seq(), c.prevHash(), null, c.version()));
        String rehash = AuditChain.recomputeHash(edited);
        docs.set(11, withChain(edited, new AuditDocument.Chain(c.id(), c.seq(), c.prevHash(), rehash, c.version())));
        assertThat(check(docs, List.of(), 0))
                .extracting(Finding::kind, Finding::seqs)
                .containsExactly(tuple(Finding.Kind.EDITED, List.of(12L)));
    }

    @Test
    void shouldReportTheMissingRangeWhenDocumentsAreDeleted() {
        List<AuditDocument> docs = chain(30);
        docs.subList(14, 17).clear();
        assertThat(check(docs, List.of(), 0))
                .extracting(Finding::kind, Finding::seqs)
                .containsExactly(tuple(Finding.Kind.DELETED, List.of(15L, 17L)));
    }

    @Test
    void shouldReportAForgedDuplicateAsInsertedAndKeepTheGenuineOne() {
        List<AuditDocument> docs = chain(30);
        AuditDocument forged = withUser(docs.get(19), "mallory");
        AuditDocument.Chain c = forged.chain();
        forged = withChain(forged, new AuditDocument.Chain(c.id(), c.seq(), c.prevHash(), null, c.version()));
        String h = AuditChain.recomputeHash(forged);
        forged = withChain(forged, new AuditDocument.Chain(c.id(), c.seq(), c.prevHash(), h, c.version()));
        docs.add(19, forged);
        assertThat(check(docs, List.of(), 0))
                .extracting(Finding::kind, Finding::seqs)
                .containsExactly(tuple(Finding.Kind.INSERTED, List.of(20L)));
    }

    @Test
    void shouldReportBothSeqsWhenTwoDocumentsSwappedPlaces() {
        for (int[] pair : new int[][] {{5, 6}, {5, 21}}) {
            List<AuditDocument> docs = chain(30);
            AuditDocument a = docs.get(pair[0] - 1);
            AuditDocument b = docs.get(pair[1] - 1);
            docs.set(pair[0] - 1, withChain(b, withSeq(b.chain(), pair[0])));
            docs.set(pair[1] - 1, withChain(a, withSeq(a.chain(), pair[1])));
            assertThat(check(docs, List.of(checkpoint(chain(30).get(pair[0] - 1))), 0))
                    .extracting(Finding::kind, Finding::seqs)
                    .containsExactly(tuple(Finding.Kind.REORDERED, List.of((long) pair[0], (long) pair[1])));
        }
    }

    static AuditDocument.Chain withSeq(AuditDocument.Chain c, long seq) {
        return new AuditDocument.Chain(c.id(), seq, c.prevHash(), c.hash(), c.version());
    }

    @Test
    void shouldReportTruncationBelowTheLatestCheckpointAndBelowKafka() {
        List<AuditDocument> full = chain(30);
        List<AuditDocument> docs = new ArrayList<>(full.subList(0, 26));
        assertThat(check(docs, List.of(checkpoint(full.get(29))), 0))
                .extracting(Finding::kind, Finding::seqs)
                .containsExactly(tuple(Finding.Kind.TRUNCATED, List.of(27L, 30L)));
        assertThat(check(docs, List.of(checkpoint(full.get(19))), 30))
                .extracting(Finding::kind, Finding::seqs)
                .containsExactly(tuple(Finding.Kind.TRUNCATED, List.of(27L, 30L)));
        assertThat(check(docs, List.of(checkpoint(full.get(19))), 0)).isEmpty();
    }

    @Test
    void shouldReportForgedAndUnknownKeyCheckpointsWithoutTrustingThem() {
        List<AuditDocument> docs = chain(30);
        CheckpointDocument good = checkpoint(docs.get(29));
        CheckpointDocument forged = new CheckpointDocument(
                good.timestamp(),
                good.tenant(),
                good.scope(),
                new CheckpointDocument.Chain(CHAIN, 35, good.chain().hash()),
                good.keyId(),
                good.algorithm(),
                good.signature(),
                good.version());
        KeyPair other = keyPair();
        Checkpoint unsigned = checkpoint(docs.get(9)).toCheckpoint();
        CheckpointDocument unknown = CheckpointDocument.of(
                CheckpointSignatures.sign(unsigned, other.getPrivate(), CheckpointSignatures.keyId(other.getPublic())));
        assertThat(check(docs, List.of(unknown, forged), 0))
                .extracting(Finding::kind, Finding::seqs)
                .containsExactly(
                        tuple(Finding.Kind.UNKNOWN_KEY, List.of(10L)), tuple(Finding.Kind.BAD_SIGNATURE, List.of(35L)));
    }

    @Test
    void shouldReportACheckpointMismatchWhenTheDocumentAtItsSeqHasAnotherHash() {
        List<AuditDocument> docs = chain(30);
        AuditDocument other = chain(31).get(30);
        CheckpointDocument wrong = checkpoint(withChain(
                other, new AuditDocument.Chain(CHAIN, 10, "x", other.chain().hash(), 1)));
        assertThat(check(docs, List.of(wrong), 0))
                .extracting(Finding::kind, Finding::seqs)
                .containsExactly(tuple(Finding.Kind.CHECKPOINT_MISMATCH, List.of(10L)));
    }
}
