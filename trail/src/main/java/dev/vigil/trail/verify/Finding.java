package dev.vigil.trail.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One tampering (or damage) found in the trail: what kind, which chain, which seq(s), and a
 * sentence for a human. JSON field names are part of the report format (docs/audit-chain.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Finding(Kind kind, String chain, List<Long> seqs, String message) {

    public enum Kind {
        /** A document's stored hash is not the hash of its content. */
        EDITED,
        /** Seqs missing inside a chain. {@code seqs} = [first, last] of the missing range. */
        DELETED,
        /** A document that is not part of the chain (duplicate seq, or one that does not link). */
        INSERTED,
        /** Two documents swapped places; {@code seqs} = both positions. */
        REORDERED,
        /** The chain ends below a signed checkpoint or the Kafka trail. {@code seqs} = [first, last] missing. */
        TRUNCATED,
        /** The document at a signed checkpoint's seq has another hash than the checkpoint. */
        CHECKPOINT_MISMATCH,
        /** A checkpoint whose signature does not verify with its key. */
        BAD_SIGNATURE,
        /** A checkpoint signed by a key that is not in the key ring. */
        UNKNOWN_KEY,
        /**
         * Evidence bundles only: an entry whose SHA-256 or size is not the one its manifest lists, or
         * an entry missing from or added to the bundle. {@code chain} names the entry.
         */
        ENTRY_MISMATCH,
        /**
         * Evidence bundles only: the manifest signature is missing, does not verify, or was made by a
         * key that is not trusted. {@code chain} is {@code manifest.json}.
         */
        MANIFEST_SIGNATURE
    }

    public Finding {
        seqs = List.copyOf(seqs);
    }

    String human() {
        return kind + " " + chain + " " + seqText() + ": " + message;
    }

    private String seqText() {
        if (seqs.isEmpty()) {
            return "";
        }
        if (seqs.size() == 2 && (kind == Kind.DELETED || kind == Kind.TRUNCATED)) {
            return seqs.get(0).equals(seqs.get(1)) ? "seq " + seqs.get(0) : "seqs " + seqs.get(0) + ".." + seqs.get(1);
        }
        return (seqs.size() == 1 ? "seq " : "seqs ")
                + String.join(", ", seqs.stream().map(String::valueOf).toList());
    }
}
