package dev.vigil.streams;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.trail.AuditChain;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Appends each audit-record draft to its subject's hash chain: {@code seq = head.seq + 1},
 * {@code prevHash = head.hash} (genesis for seq 1), {@code hash = AuditChain.computeHash}. The
 * head lives in {@value #STORE_NAME}, whose changelog commits in the same transaction as the
 * trail record (exactly_once_v2), so a crash can neither fork nor gap a chain.
 *
 * <p>It forwards the link already encoded: its size must be checked before the head moves, and
 * the bytes that were checked are the bytes the sink writes, so each link is encoded once.
 */
public final class AuditChainProcessorSupplier implements ProcessorSupplier<String, AuditRecord, String, byte[]> {

    public static final String STORE_NAME = "audit-chain-heads";

    /**
     * Below the defaults of the broker's {@code max.message.bytes} (1048588) and the producer's
     * {@code max.request.size} (1048576), with room for the key, headers and batch overhead.
     */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;

    private final Topic<String, AuditRecord> trail;
    private final int maxRecordBytes;

    public AuditChainProcessorSupplier(Topic<String, AuditRecord> trail, int maxRecordBytes) {
        this.trail = trail;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return Set.of(storeBuilder());
    }

    /**
     * One small entry per subject, never expired: a chain continues for as long as its subject
     * exists, so there is no TTL; erasure of a subject is a later, explicit decision. The changelog
     * is compacted: only the latest head matters.
     */
    public static StoreBuilder<KeyValueStore<String, ChainHead>> storeBuilder() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STORE_NAME), Serdes.String(), ChainHead.serde())
                .withLoggingEnabled(Map.of("cleanup.policy", "compact"))
                .withCachingEnabled();
    }

    @Override
    public Processor<String, AuditRecord, String, byte[]> get() {
        return new ChainProcessor(trail.valueSerde(), maxRecordBytes);
    }

    private static final class ChainProcessor implements Processor<String, AuditRecord, String, byte[]> {

        private final Serializer<AuditRecord> serializer;
        private final int maxRecordBytes;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, ChainHead> heads;

        ChainProcessor(Serde<AuditRecord> serde, int maxRecordBytes) {
            this.serializer = serde.serializer();
            this.maxRecordBytes = maxRecordBytes;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.heads = context.getStateStore(STORE_NAME);
        }

        @Override
        public void process(Record<String, AuditRecord> record) {
            AuditRecord draft = record.value();
            String chain = SubjectKey.of(draft.getTenant(), draft.getScope());
            if (!chain.equals(record.key())) {
                // Co-partitioning assumes key = tenant/scope; another key could put one chain in two
                // tasks and fork it.
                throw new IllegalArgumentException("input " + draft.getRecordId() + " is keyed '" + record.key()
                        + "' but is about " + chain + "; the producer must key inputs by tenant/scope");
            }
            ChainHead head = heads.get(chain);
            AuditRecord link = AuditRecord.newBuilder(draft)
                    .setSeq(head == null ? 1 : head.seq() + 1)
                    .setPrevHash(head == null ? AuditChain.GENESIS_HASH : head.hash())
                    .setHash("")
                    .build();
            link.setHash(AuditChain.computeHash(link));
            byte[] encoded = encodeWithinLimit(chain, link);
            heads.put(chain, new ChainHead(link.getSeq(), link.getHash()));
            context.forward(record.withKey(chain).withValue(encoded));
        }

        /**
         * A link the producer would refuse must fail here, before the head moves: refused after
         * the head moved, it would leave a gap in the chain.
         */
        private byte[] encodeWithinLimit(String chain, AuditRecord link) {
            byte[] bytes = serializer.serialize(null, link);
            if (bytes.length + chain.getBytes(StandardCharsets.UTF_8).length > maxRecordBytes) {
                throw new RecordTooLargeException("audit record of input " + link.getRecordId() + " for " + chain
                        + " is " + bytes.length + " bytes, above the " + maxRecordBytes
                        + "-byte limit; shorten the input's attributes or summary");
            }
            return bytes;
        }
    }
}
