package dev.vigil.trail.checkpoint;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.trail.AuditChain;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * A signed checkpoint as stored in Elasticsearch ({@link CheckpointIndex}), id
 * {@code tenant/scope:seq} like the trail document it covers. Holds everything a verifier needs
 * to check the signature offline ({@link #toCheckpoint()} then {@link CheckpointSignatures#verify}).
 */
public record CheckpointDocument(
        @JsonProperty("@timestamp") String timestamp,
        String tenant,
        String scope,
        Chain chain,
        @JsonProperty("key_id") String keyId,
        String algorithm,
        String signature,
        int version) {

    public record Chain(String id, long seq, String hash) {}

    public static CheckpointDocument of(Checkpoint c) {
        ByteBuffer sig = c.getSignature().duplicate();
        byte[] bytes = new byte[sig.remaining()];
        sig.get(bytes);
        return new CheckpointDocument(
                c.getCreatedAt().truncatedTo(ChronoUnit.MILLIS).toString(),
                c.getTenant(),
                c.getScope(),
                new Chain(AuditChain.chainId(c.getTenant(), c.getScope()), c.getSeq(), c.getHash()),
                c.getKeyId(),
                c.getAlgorithm(),
                Base64.getEncoder().encodeToString(bytes),
                CheckpointSignatures.VERSION);
    }

    public Checkpoint toCheckpoint() {
        return Checkpoint.newBuilder()
                .setTenant(tenant)
                .setScope(scope)
                .setSeq(chain.seq())
                .setHash(chain.hash())
                .setCreatedAt(Instant.parse(timestamp))
                .setKeyId(keyId)
                .setAlgorithm(algorithm)
                .setSignature(ByteBuffer.wrap(Base64.getDecoder().decode(signature)))
                .build();
    }

    /** Elasticsearch {@code _id}: the chain and the seq it covers. */
    public String documentId() {
        return chain.id() + ":" + chain.seq();
    }
}
