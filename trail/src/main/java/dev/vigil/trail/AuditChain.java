package dev.vigil.trail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.VerdictSummary;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hash chain of the audit trail, canonical encoding version 1 (docs/audit-chain.md):
 *
 * <pre>
 *   canonical(r) = JCS( document(r) without chain.hash )
 *   hash(r)      = hex( SHA-256( bytes(prevHash) || canonical(r) ) ),  prevHash of seq 1 = 32 zero bytes
 * </pre>
 *
 * The same {@link #document} feeds the hash (streams), the index (indexer) and verification
 * (audit-api, CLI), so the three cannot drift apart.
 */
public final class AuditChain {

    public static final int CANONICAL_VERSION = 1;
    public static final String GENESIS_HASH = "0".repeat(64);

    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private AuditChain() {}

    public static String chainId(String tenant, String scope) {
        return tenant + "/" + scope;
    }

    /** The hash a record must carry, given its content and its predecessor's hash. */
    public static String computeHash(AuditRecord record) {
        return hash(record.getPrevHash(), canonicalBytes(document(record)));
    }

    /** Recomputes a stored document's hash from its own fields (the verification path). */
    public static String recomputeHash(AuditDocument doc) {
        return hash(doc.chain().prevHash(), canonicalBytes(doc));
    }

    public static byte[] canonicalBytes(AuditDocument doc) {
        ObjectNode tree = Json.mapper().valueToTree(doc);
        ((ObjectNode) tree.get("chain")).remove("hash");
        return CanonicalJson.bytes(tree);
    }

    static String hash(String prevHashHex, byte[] canonical) {
        if (prevHashHex == null || prevHashHex.length() != 64) {
            throw new IllegalArgumentException("prevHash must be 64 hex characters");
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(HexFormat.of().parseHex(prevHashHex));
            sha.update(canonical);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The document (and canonical form) of a trail record; {@code chain.hash} is the record's own. */
    public static AuditDocument document(AuditRecord r) {
        Subject s = r.getSubject();
        AuditDocument.Subject subject = s == null
                ? null
                : new AuditDocument.Subject(
                        s.getCommitSha(),
                        s.getBranch(),
                        s.getChangeId(),
                        s.getArtifactDigest(),
                        s.getArtifactName(),
                        s.getEnvironment(),
                        s.getPipelineRunId(),
                        s.getService());
        List<AuditDocument.Verdict> verdicts =
                r.getVerdicts().stream().map(AuditChain::verdict).toList();
        Map<String, String> labels = r.getAttributes().isEmpty() ? null : new TreeMap<>(r.getAttributes());
        return new AuditDocument(
                MICROS.format(r.getEventTime()),
                r.getTenant(),
                r.getScope(),
                new AuditDocument.Chain(
                        chainId(r.getTenant(), r.getScope()),
                        r.getSeq(),
                        r.getPrevHash(),
                        r.getHash() == null || r.getHash().isEmpty() ? null : r.getHash(),
                        r.getCanonicalVersion()),
                new AuditDocument.Event(
                        r.getRecordId(),
                        r.getKind().name(),
                        r.getEventType(),
                        r.getSourceType(),
                        r.getSource(),
                        r.getSourceEventId(),
                        MILLIS.format(r.getRecordedAt()),
                        r.getOutcome()),
                subject,
                r.getActorId() == null ? null : new AuditDocument.User(r.getActorId()),
                r.getSummary(),
                verdicts,
                r.getCatalogVersion(),
                labels,
                r.getEvidenceSha256() == null ? null : new AuditDocument.Evidence(r.getEvidenceSha256()),
                new AuditDocument.Kafka(r.getInputTopic(), r.getInputPartition(), r.getInputOffset()));
    }

    private static AuditDocument.Verdict verdict(VerdictSummary v) {
        return new AuditDocument.Verdict(
                v.getControlId(),
                v.getVerdict().name(),
                v.getSeverity().name(),
                List.copyOf(v.getRequirements()),
                v.getReason());
    }

    static String formatMicros(Instant instant) {
        return MICROS.format(instant);
    }
}
