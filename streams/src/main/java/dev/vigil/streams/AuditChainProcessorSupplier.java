package dev.vigil.streams;

import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.Checkpoint;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.trail.AuditChain;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each audit-record draft to its subject's hash chain: {@code seq = head.seq + 1},
 * {@code prevHash = head.hash} (genesis for seq 1), {@code hash = AuditChain.computeHash}. The
 * head lives in {@value #STORE_NAME}, whose changelog commits in the same transaction as the
 * trail record (exactly_once_v2), so a crash can neither fork nor gap a chain.
 *
 * <p>It forwards the link already encoded: its size must be checked before the head moves, and
 * the bytes that were checked are the bytes the sink writes, so each link is encoded once.
 *
 * <p>It also signs checkpoints ({@link Checkpointing}): one {@link Checkpoint} of the head of each
 * chain that moved since its last checkpoint, every interval of wall-clock time, and at once when
 * a chain grew by {@code every} links. The last checkpointed seq of each chain lives in
 * {@value #CHECKPOINTED_STORE_NAME} (one entry per chain, like the heads); the checkpoints, the
 * trail links and both stores' changelogs commit in the same transaction, so a checkpoint never
 * covers a link that did not commit, and a chain is not checkpointed twice at the same seq.
 */
public final class AuditChainProcessorSupplier implements ProcessorSupplier<String, AuditRecord, String, byte[]> {

    public static final String STORE_NAME = "audit-chain-heads";
    public static final String CHECKPOINTED_STORE_NAME = "audit-checkpointed-seqs";

    private static final Logger LOG = LoggerFactory.getLogger(AuditChainProcessorSupplier.class);

    /**
     * Below the defaults of the broker's {@code max.message.bytes} (1048588) and the producer's
     * {@code max.request.size} (1048576), with room for the key, headers and batch overhead.
     */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;

    private final Topic<String, AuditRecord> trail;
    private final Topic<String, Checkpoint> checkpoints;
    private final int maxRecordBytes;
    private final Clock clock;
    private final Checkpointing checkpointing;

    public AuditChainProcessorSupplier(
            Topic<String, AuditRecord> trail,
            Topic<String, Checkpoint> checkpoints,
            int maxRecordBytes,
            Clock clock,
            Checkpointing checkpointing) {
        this.trail = trail;
        this.checkpoints = checkpoints;
        this.maxRecordBytes = maxRecordBytes;
        this.clock = clock;
        this.checkpointing = checkpointing;
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return Set.of(storeBuilder(), checkpointedStoreBuilder());
    }

    /** Last checkpointed seq per chain: one entry per chain, compacted like the heads. */
    public static StoreBuilder<KeyValueStore<String, Long>> checkpointedStoreBuilder() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CHECKPOINTED_STORE_NAME), Serdes.String(), Serdes.Long())
                .withLoggingEnabled(Map.of("cleanup.policy", "compact"))
                .withCachingEnabled();
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
        return new ChainProcessor(
                trail.valueSerde(), checkpoints.valueSerde().serializer(), maxRecordBytes, clock, checkpointing);
    }

    private static final class ChainProcessor implements Processor<String, AuditRecord, String, byte[]> {

        private final Serializer<AuditRecord> serializer;
        private final Serializer<Checkpoint> checkpointSerializer;
        private final int maxRecordBytes;
        private final Clock clock;
        private final Checkpointing checkpointing;
        /** Chains whose head moved since the last punctuation; rebuilt by a full scan after (re)start. */
        private final Set<String> moved = new LinkedHashSet<>();

        private boolean fullScanPending = true;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, ChainHead> heads;
        private KeyValueStore<String, Long> checkpointed;

        ChainProcessor(
                Serde<AuditRecord> serde,
                Serializer<Checkpoint> checkpointSerializer,
                int maxRecordBytes,
                Clock clock,
                Checkpointing checkpointing) {
            this.serializer = serde.serializer();
            this.checkpointSerializer = checkpointSerializer;
            this.maxRecordBytes = maxRecordBytes;
            this.clock = clock;
            this.checkpointing = checkpointing;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.heads = context.getStateStore(STORE_NAME);
            this.checkpointed = context.getStateStore(CHECKPOINTED_STORE_NAME);
            // The set of moved chains is memory only: after a restart or a task move, the first punctuation
            // compares every head with its last checkpoint instead.
            this.fullScanPending = true;
            this.moved.clear();
            context.schedule(checkpointing.interval(), PunctuationType.WALL_CLOCK_TIME, ts -> checkpointMoved());
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
            ChainHead next = new ChainHead(link.getSeq(), link.getHash());
            heads.put(chain, next);
            context.forward(record.withKey(chain).withValue(encoded), ComplianceTopology.SINK_AUDIT_TRAIL);
            moved.add(chain);
            if (next.seq() - lastCheckpointed(chain) >= checkpointing.every()) {
                checkpoint(chain, next, record.timestamp());
            }
        }

        /** One checkpoint per chain whose head is past its last checkpoint. */
        private void checkpointMoved() {
            long timestamp = clock.millis();
            int signed = 0;
            if (fullScanPending) {
                try (KeyValueIterator<String, ChainHead> all = heads.all()) {
                    while (all.hasNext()) {
                        KeyValue<String, ChainHead> entry = all.next();
                        if (entry.value != null && entry.value.seq() > lastCheckpointed(entry.key)) {
                            checkpoint(entry.key, entry.value, timestamp);
                            signed++;
                        }
                    }
                }
                fullScanPending = false;
            } else {
                for (String chain : moved) {
                    ChainHead head = heads.get(chain);
                    if (head != null && head.seq() > lastCheckpointed(chain)) {
                        checkpoint(chain, head, timestamp);
                        signed++;
                    }
                }
            }
            moved.clear();
            if (signed > 0) {
                LOG.debug(
                        "task {} signed {} checkpoints with key {}",
                        context.taskId(),
                        signed,
                        checkpointing.key().keyId());
            }
        }

        private long lastCheckpointed(String chain) {
            Long seq = checkpointed.get(chain);
            return seq == null ? 0 : seq;
        }

        private void checkpoint(String chain, ChainHead head, long timestamp) {
            SubjectKey subject = SubjectKey.parse(chain);
            Checkpoint signed = checkpointing
                    .key()
                    .sign(Checkpoint.newBuilder()
                            .setTenant(subject.tenant())
                            .setScope(subject.scope())
                            .setSeq(head.seq())
                            .setHash(head.hash())
                            .setCreatedAt(clock.instant())
                            .setKeyId("")
                            .setSignature(ByteBuffer.allocate(0))
                            .build());
            checkpointed.put(chain, head.seq());
            context.forward(
                    new Record<>(chain, checkpointSerializer.serialize(null, signed), timestamp),
                    ComplianceTopology.SINK_AUDIT_CHECKPOINTS);
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
