package dev.vigil.trail.verify;

import dev.vigil.trail.AuditChain;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.CheckpointSignatures;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Verifies one chain fed in seq order, keeping only the last accepted link, a one-document
 * look-ahead (given by the caller) and the anomalies found so far, so memory does not grow with the
 * chain. Anomalies are classified when the chain ends, so that one tampering yields one finding:
 *
 * <ul>
 *   <li>a document whose hash does not recompute, but whose neighbours link: EDITED;
 *   <li>two such documents that recompute when each takes the other's seq: REORDERED (and the
 *       broken links around them are explained by it);
 *   <li>a seq gap: DELETED; duplicate seqs: the document that links best is kept, the others are
 *       INSERTED; a self-consistent document that does not link while its successor links over
 *       it (or that ends the chain): INSERTED;
 *   <li>any other broken link at seq s: the document s-1 was rewritten with a recomputed hash: EDITED s-1;
 *   <li>checkpoints: signature (UNKNOWN_KEY, BAD_SIGNATURE), then the document at their seq must
 *       carry their hash (CHECKPOINT_MISMATCH unless that seq is already reported), and the chain
 *       must reach the highest valid checkpoint and the Kafka head (TRUNCATED).
 * </ul>
 */
final class ChainCheck {

    /** At most this many anomalies are kept per chain; beyond, the chain is reported as heavily damaged. */
    static final int MAX_ANOMALIES = 10_000;

    /** A stored trail document with what verification needs from it. */
    record Link(String id, AuditDocument doc, long seq, String hash, String prevHash, boolean selfOk) {

        static Link of(String id, AuditDocument doc) {
            boolean ok;
            try {
                ok = Objects.equals(AuditChain.recomputeHash(doc), doc.chain().hash());
            } catch (RuntimeException e) {
                ok = false;
            }
            return new Link(
                    id,
                    doc,
                    doc.chain().seq(),
                    String.valueOf(doc.chain().hash()),
                    String.valueOf(doc.chain().prevHash()),
                    ok);
        }

        /** True when this document's content, numbered {@code seq}, hashes to its stored hash. */
        boolean recomputesAt(long seq) {
            AuditDocument.Chain c = doc.chain();
            AuditDocument moved = new AuditDocument(
                    doc.timestamp(),
                    doc.tenant(),
                    doc.scope(),
                    new AuditDocument.Chain(c.id(), seq, c.prevHash(), c.hash(), c.version()),
                    doc.event(),
                    doc.subject(),
                    doc.user(),
                    doc.message(),
                    doc.verdicts(),
                    doc.catalogVersion(),
                    doc.labels(),
                    doc.evidence(),
                    doc.kafka());
            try {
                return AuditChain.recomputeHash(moved).equals(hash);
            } catch (RuntimeException e) {
                return false;
            }
        }
    }

    /** The last accepted link (seq, stored hash), or null before the first one. */
    private long lastSeq;

    private String lastHash;
    private final String chain;
    private final long firstSeq;
    private final Map<String, PublicKey> keys;
    private final List<Finding> findings = new ArrayList<>();
    private final List<Link> selfBad = new ArrayList<>();
    private final List<Long> breaks = new ArrayList<>();
    private final Set<Long> reported = new HashSet<>();
    private final TreeMap<Long, CheckpointDocument> pendingCheckpoints = new TreeMap<>();
    private final List<Long> checkpointMismatches = new ArrayList<>();
    private long maxCheckpointSeq = 0;
    private long documents;
    private long checkpoints;
    private boolean overflow;

    /**
     * @param firstSeq the first seq expected: 1 for a whole chain (its first document must link to
     *     the genesis hash); for a range, the seq before the range, whose document is the anchor
     */
    ChainCheck(String chain, long firstSeq, Map<String, PublicKey> keys) {
        this.chain = chain;
        this.firstSeq = firstSeq;
        this.keys = keys;
        if (firstSeq == 1) {
            lastSeq = 0;
            lastHash = AuditChain.GENESIS_HASH;
        } else {
            lastSeq = -1;
        }
    }

    long documents() {
        return documents;
    }

    long checkpoints() {
        return checkpoints;
    }

    /** A checkpoint of this chain; feed each before the documents from its seq on. */
    void checkpoint(CheckpointDocument c) {
        checkpoints++;
        long seq = c.chain().seq();
        PublicKey key = keys.get(c.keyId());
        if (key == null) {
            add(new Finding(
                    Finding.Kind.UNKNOWN_KEY,
                    chain,
                    List.of(seq),
                    "checkpoint at seq " + seq + " is signed by key " + c.keyId()
                            + ", which is not in the key ring; it was not trusted"));
            return;
        }
        boolean valid;
        try {
            valid = CheckpointSignatures.verify(c.toCheckpoint(), key);
        } catch (RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            add(new Finding(
                    Finding.Kind.BAD_SIGNATURE,
                    chain,
                    List.of(seq),
                    "checkpoint at seq " + seq + " does not verify with key " + c.keyId()
                            + ": the checkpoint was forged or altered; it was not trusted"));
            return;
        }
        maxCheckpointSeq = Math.max(maxCheckpointSeq, seq);
        pendingCheckpoints.put(seq, c);
    }

    /**
     * The documents with one seq (usually one; several means forged duplicates), and the first
     * document of the next seq (null at the end of the chain).
     */
    void documents(List<Link> sameSeq, Link next) {
        documents += sameSeq.size();
        long seq = sameSeq.getFirst().seq();
        boolean linkable = lastHash != null && seq == lastSeq + 1;
        if (lastSeq >= 0 && seq > lastSeq + 1) {
            add(deleted(lastSeq + 1, seq - 1));
        } else if (lastSeq < 0 && seq > firstSeq) {
            add(deleted(firstSeq, seq - 1));
        }
        String expectedPrev = linkable ? lastHash : null;
        Link genuine = sameSeq.getFirst();
        if (sameSeq.size() > 1) {
            int best = -1;
            for (Link l : sameSeq) {
                int score = (next != null && next.prevHash().equals(l.hash()) ? 4 : 0)
                        + (l.prevHash().equals(expectedPrev) ? 2 : 0)
                        + (l.selfOk() ? 1 : 0);
                if (score > best) {
                    best = score;
                    genuine = l;
                }
            }
            for (Link l : sameSeq) {
                if (l != genuine) {
                    add(new Finding(
                            Finding.Kind.INSERTED,
                            chain,
                            List.of(seq),
                            "a second document claims seq " + seq + " (_id " + l.id() + ", hash " + shortHash(l.hash())
                                    + "); the chain links through the other one, so this one was inserted"));
                }
            }
        }
        if (expectedPrev != null && !genuine.prevHash().equals(expectedPrev)) {
            if (sameSeq.size() == 1
                    && genuine.selfOk()
                    && (next == null || next.prevHash().equals(expectedPrev))) {
                add(new Finding(
                        Finding.Kind.INSERTED,
                        chain,
                        List.of(seq),
                        "document " + genuine.id() + " does not link to seq " + lastSeq
                                + (next == null ? " and ends the chain" : " while seq " + next.seq() + " links over it")
                                + ": it was inserted"));
                return;
            }
            if (!remember(breaks, seq)) {
                return;
            }
        }
        if (!genuine.selfOk()) {
            remember(selfBad, genuine);
        }
        lastSeq = seq;
        lastHash = genuine.hash();
        // Checkpoints below this seq cover documents that are missing: already reported as DELETED.
        while (!pendingCheckpoints.isEmpty() && pendingCheckpoints.firstKey() <= seq) {
            CheckpointDocument c = pendingCheckpoints.pollFirstEntry().getValue();
            if (c.chain().seq() == seq && !c.chain().hash().equals(genuine.hash())) {
                remember(checkpointMismatches, seq);
            }
        }
    }

    /**
     * Classifies what was kept and returns the chain's findings.
     *
     * @param tailChecked whether the chain's end is part of what is verified (not for a range with an end)
     * @param kafkaHeadSeq the highest seq of this chain on the Kafka trail, or 0
     */
    List<Finding> finish(boolean tailChecked, long kafkaHeadSeq) {
        Set<Long> reordered = new HashSet<>();
        Set<Link> paired = new HashSet<>();
        for (int i = 0; i < selfBad.size(); i++) {
            Link a = selfBad.get(i);
            if (paired.contains(a)) {
                continue;
            }
            for (int j = i + 1; j < selfBad.size(); j++) {
                Link b = selfBad.get(j);
                if (!paired.contains(b) && a.recomputesAt(b.seq()) && b.recomputesAt(a.seq())) {
                    paired.add(a);
                    paired.add(b);
                    reordered.add(a.seq());
                    reordered.add(b.seq());
                    add(new Finding(
                            Finding.Kind.REORDERED,
                            chain,
                            List.of(a.seq(), b.seq()),
                            "the documents at seqs " + a.seq() + " and " + b.seq()
                                    + " swapped places: each one's hash recomputes only with the other's seq"));
                    break;
                }
            }
        }
        Set<Long> edited = new HashSet<>();
        for (Link l : selfBad) {
            if (!paired.contains(l)) {
                edited.add(l.seq());
                add(new Finding(
                        Finding.Kind.EDITED,
                        chain,
                        List.of(l.seq()),
                        "document " + l.id() + " was changed after it was chained: its stored hash "
                                + shortHash(l.hash()) + " is not the hash of its content"));
            }
        }
        for (long s : breaks) {
            if (reordered.contains(s) || reordered.contains(s - 1) || edited.contains(s) || reported.contains(s - 1)) {
                continue;
            }
            add(new Finding(
                    Finding.Kind.EDITED,
                    chain,
                    List.of(s - 1),
                    "document at seq " + (s - 1) + " has another hash than the one seq " + s
                            + " recorded as its predecessor: it was rewritten and its hash recomputed"));
        }
        for (long s : checkpointMismatches) {
            if (!reported.contains(s)) {
                add(new Finding(
                        Finding.Kind.CHECKPOINT_MISMATCH,
                        chain,
                        List.of(s),
                        "the document at seq " + s + " does not carry the hash its signed checkpoint holds"));
            }
        }
        if (tailChecked) {
            long head = Math.max(maxCheckpointSeq, kafkaHeadSeq);
            long end = Math.max(lastSeq, 0);
            if (head > end) {
                String why = head == maxCheckpointSeq ? "a signed checkpoint covers seq " + head : "";
                if (kafkaHeadSeq == head) {
                    why = why.isEmpty()
                            ? "the Kafka trail reaches seq " + head
                            : why + " and the Kafka trail reaches it";
                }
                add(new Finding(
                        Finding.Kind.TRUNCATED,
                        chain,
                        List.of(end + 1, head),
                        "the chain ends at seq " + end + " but " + why + ": its tail was removed"));
            }
        }
        if (overflow) {
            add(new Finding(
                    Finding.Kind.EDITED,
                    chain,
                    List.of(),
                    "more than " + MAX_ANOMALIES + " anomalies in this chain; only the first were classified"));
        }
        findings.sort(java.util.Comparator.comparing(
                (Finding f) -> f.seqs().isEmpty() ? Long.MAX_VALUE : f.seqs().getFirst()));
        return findings;
    }

    private Finding deleted(long from, long to) {
        return new Finding(
                Finding.Kind.DELETED,
                chain,
                List.of(from, to),
                (from == to
                                ? "the document at seq " + from + " is"
                                : "the documents at seqs " + from + ".." + to + " are")
                        + " missing from the chain");
    }

    private void add(Finding f) {
        findings.add(f);
        if (f.kind() != Finding.Kind.DELETED && f.kind() != Finding.Kind.TRUNCATED) {
            reported.addAll(f.seqs());
        } else if (f.seqs().size() == 2) {
            for (long s = f.seqs().get(0); s <= f.seqs().get(1) && s - f.seqs().get(0) < MAX_ANOMALIES; s++) {
                reported.add(s);
            }
        }
    }

    private <T> boolean remember(List<T> list, T value) {
        if (list.size() >= MAX_ANOMALIES) {
            overflow = true;
            return false;
        }
        list.add(value);
        return true;
    }

    static String shortHash(String hash) {
        return hash == null || hash.length() < 12 ? String.valueOf(hash) : hash.substring(0, 12);
    }
}
