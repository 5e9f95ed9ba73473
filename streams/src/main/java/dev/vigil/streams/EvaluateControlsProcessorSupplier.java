package dev.vigil.streams;

import dev.vigil.controls.ControlEngine;
import dev.vigil.controls.EngineResult;
import dev.vigil.controls.state.Facet;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.Violation;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.privacy.PersonalData;
import dev.vigil.trail.privacy.Pseudonyms;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the controls for every input of a subject and for its timers, and routes what the
 * engine produced: verdicts to {@code vigil.control-verdicts}, violation changes to
 * {@code vigil.violations}, and audit-record drafts (the input's, carrying its verdicts, then one
 * per violation change; or one per time-based evaluation that produced something) to the chain
 * processor, in that order.
 *
 * <p>Per input: (1) a timer of the subject that is already due fires first, so an input never
 * overtakes a deadline that passed before it; (2) an input id seen within the dedup retention is
 * dropped (no verdicts, no second audit record); (3) the engine runs over a buffered
 * {@link StoreSubjectState}; (4) every draft's size is checked before anything is forwarded, so a
 * dead-lettered input leaves no partial output; (5) state, wake-up and the seen-mark are written.
 * All of it commits in one transaction (exactly_once_v2).
 */
final class EvaluateControlsProcessorSupplier implements ProcessorSupplier<String, Object, String, Object> {

    static final String SEEN_INPUTS = "seen-inputs";
    static final String SUBJECT_WAKEUPS = "subject-wakeups";

    /** Facet entries a sweep visits per store and punctuation: bounds the pause a sweep adds. */
    static final int SWEEP_BUDGET = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(EvaluateControlsProcessorSupplier.class);

    private final ControlEngine engine;
    private final Clock clock;
    private final ComplianceTopology.Settings settings;
    private final Serializer<AuditRecord> auditSerializer;
    private final Map<String, Facet<?>> facets;
    private final PersonalDataProtection protection;
    /** Shared by this app instance's tasks: decoded facts are checked against the stored bytes. */
    private final FactCache factCache;

    EvaluateControlsProcessorSupplier(
            ControlEngine engine,
            Clock clock,
            ComplianceTopology.Settings settings,
            Serializer<AuditRecord> auditSerializer,
            Pseudonyms pseudonyms) {
        this.protection = new PersonalDataProtection(pseudonyms);
        this.engine = engine;
        this.clock = clock;
        this.settings = settings;
        this.auditSerializer = auditSerializer;
        this.factCache = new FactCache(settings.factCacheBytes());
        Map<String, Facet<?>> byName = new LinkedHashMap<>();
        for (Facet<?> facet : engine.facets()) {
            Facet<?> previous = byName.put(facet.name(), facet);
            if (previous != null && !previous.equals(facet)) {
                throw new IllegalArgumentException("the engine declares facet " + facet.name() + " twice, differently");
            }
        }
        this.facets = Map.copyOf(byName);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        Set<StoreBuilder<?>> stores = new LinkedHashSet<>();
        stores.add(seenInputsStore(settings.dedupRetention()));
        stores.add(PersonalDataProtection.storeBuilder());
        stores.add(PersonalDataProtection.evidenceStoreBuilder());
        stores.add(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(SUBJECT_WAKEUPS), Serdes.String(), Serdes.Long())
                .withLoggingEnabled(Map.of("cleanup.policy", "compact"))
                .withCachingEnabled());
        facets.values()
                .forEach(facet -> stores.add(Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(facet.storeName()), Serdes.String(), Serdes.ByteArray())
                        .withLoggingEnabled(Map.of("cleanup.policy", "compact"))
                        .withCachingEnabled()));
        return stores;
    }

    /**
     * A window store rather than a key-value store: its segments expire with stream time, so the
     * guard stays bounded without a sweep, and its changelog is compact,delete with the same
     * retention (plus Kafka Streams' one-day margin).
     */
    static StoreBuilder<WindowStore<String, Long>> seenInputsStore(Duration retention) {
        return Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(SEEN_INPUTS, retention, Duration.ofMillis(1), false),
                        Serdes.String(),
                        Serdes.Long())
                .withLoggingEnabled(Map.of());
    }

    @Override
    public Processor<String, Object, String, Object> get() {
        return new EvaluateControls();
    }

    private final class EvaluateControls implements Processor<String, Object, String, Object> {

        private ProcessorContext<String, Object> context;
        private WindowStore<String, Long> seen;
        private KeyValueStore<String, Long> wakeUps;
        private KeyValueStore<String, byte[]> personKeys;
        private KeyValueStore<String, byte[]> personEvidence;
        private final Map<String, KeyValueStore<String, byte[]>> facetStores = new HashMap<>();
        /** Where each facet's retention sweep continues; restarts from the beginning after a restart. */
        private final Map<String, String> sweepCursors = new HashMap<>();
        /**
         * No wake-up of this task is due before this (epoch millis): lets a punctuation skip the
         * scan. Long.MIN_VALUE after init, so the first punctuation scans what was restored.
         */
        private long earliestWakeUp = Long.MIN_VALUE;

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.seen = context.getStateStore(SEEN_INPUTS);
            this.wakeUps = context.getStateStore(SUBJECT_WAKEUPS);
            this.personKeys = context.getStateStore(PersonalDataProtection.STORE_NAME);
            this.personEvidence = context.getStateStore(PersonalDataProtection.EVIDENCE_STORE_NAME);
            facets.values().forEach(f -> facetStores.put(f.name(), context.getStateStore(f.storeName())));
            context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, t -> punctuate());
            // Stream time too: timers also fire as inputs advance time, not only when the wall clock ticks.
            context.schedule(settings.punctuationInterval(), PunctuationType.STREAM_TIME, t -> punctuate());
        }

        @Override
        public void process(Record<String, Object> record) {
            Object value = record.value();
            if (value == null) {
                // A tombstone on an input topic is not an input; the error handler dead-letters it with its key.
                throw new IllegalArgumentException(
                        "null value (tombstone) on an input topic, key '" + record.key() + "'");
            }
            Input input = Input.of(value);
            String subject = SubjectKey.of(input.tenant(), input.scope());
            if (!subject.equals(record.key())) {
                // Co-partitioning assumes key = tenant/scope; another key would put one subject's state and
                // chain in two tasks and fork them.
                throw new IllegalArgumentException("input " + input.id() + " is keyed '" + record.key()
                        + "' but is about " + subject + "; the producer must key inputs by tenant/scope");
            }
            RecordMetadata meta = context.recordMetadata()
                    .orElseThrow(() -> new IllegalStateException("input record without topic/partition/offset"));
            Instant now = clock.instant();
            fireIfDue(subject, now);

            String seenKey = subject + StoreSubjectState.SEPARATOR + input.id();
            long ts = record.timestamp();
            if (alreadySeen(seenKey, ts)) {
                LOG.info(
                        "input {} of {} at {}-{}@{} was already evaluated; skipped (duplicate delivery)",
                        input.id(),
                        subject,
                        meta.topic(),
                        meta.partition(),
                        meta.offset());
                return;
            }

            // The engine, its state and everything it emits see pseudonyms only; the record gets the cleartext
            // encrypted with each person's key.
            PersonalDataProtection.Protected protectedInput = protection.protect(value);
            Object view = protectedInput.engineView();
            String erased = erasedPerson(view, meta.partition());
            StoreSubjectState state =
                    new StoreSubjectState(input.tenant(), input.scope(), facets, facetStores, now, factCache);
            EngineResult result = view instanceof PipelineEvent e
                    ? engine.onEvent(e, state, now)
                    : engine.onScan((ScanResult) view, state, now);

            // The input's own timestamp (set when ingest accepted it) makes a replay after a crash rebuild
            // the same record and hash; the clock only stands in for a producer that set none.
            Instant recordedAt = ts >= 0 ? Instant.ofEpochMilli(ts) : now;
            AuditRecords.InputPosition at =
                    new AuditRecords.InputPosition(meta.topic(), meta.partition(), meta.offset());
            AuditRecords.Evaluation evaluation = AuditRecords.Evaluation.of(engine.catalogVersion(), result.verdicts());
            PersonalDataProtection.TaskKeys keys = new PersonalDataProtection.TaskKeys(
                    personKeys,
                    meta.partition(),
                    (key, personKey) -> context.forward(
                            new Record<>(key, (Object) personKey, ts), ComplianceTopology.SINK_PERSON_KEYS));
            AuditRecord inputRecord = protectedInput.seal(
                    view instanceof PipelineEvent e
                            ? AuditRecords.draft(e, at, recordedAt, evaluation)
                            : AuditRecords.draft((ScanResult) view, at, recordedAt, evaluation),
                    keys);
            PersonalDataProtection.TaskEvidence evidence = new PersonalDataProtection.TaskEvidence(
                    personEvidence,
                    (key, tombstone) -> context.forward(
                            new Record<>(key, (Object) tombstone, ts), ComplianceTopology.SINK_EVIDENCE_KEYS));
            if (erased != null) {
                boolean held = keys.erase(input.tenant(), erased);
                int evidenceKeys = evidence.erase(input.tenant(), erased);
                Map<String, String> attributes = new LinkedHashMap<>(inputRecord.getAttributes());
                attributes.put(PersonalData.ERASURE_KEYS_DESTROYED, held ? "1" : "0");
                attributes.put(PersonalData.ERASURE_EVIDENCE_KEYS_DESTROYED, Integer.toString(evidenceKeys));
                inputRecord = AuditRecord.newBuilder(inputRecord)
                        .setAttributes(attributes)
                        .build();
                LOG.info(
                        "erasure of {} in {}: {} person key and {} evidence key(s) of task partition {} destroyed",
                        erased,
                        input.tenant(),
                        held ? "the" : "no",
                        evidenceKeys,
                        meta.partition());
            } else {
                evidence.remember(input.tenant(), protectedInput.people(), evidenceSha256(value));
            }
            List<AuditRecord> drafts = new ArrayList<>();
            drafts.add(inputRecord);
            for (Violation v : result.violationChanges()) {
                drafts.add(AuditRecords.violationChange(v, input.subject(), at, recordedAt));
            }
            emit(subject, recordedAt.toEpochMilli(), drafts, result);
            state.commit();
            rememberWakeUp(subject, result.nextWakeUp());
            seen.put(seenKey, ts, ts);
        }

        /**
         * The person an erasure request names, or null for any other input. The request must come
         * through {@code vigil erase-subject}, which sends one copy to every partition under that
         * partition's own scope: a copy under another scope would put one chain in two tasks.
         */
        private String erasedPerson(Object view, int partition) {
            if (!(view instanceof PipelineEvent e) || e.getKind() != PipelineEventKind.ERASURE_REQUESTED) {
                return null;
            }
            String person = e.getAttributes().get(Attributes.ERASURE_PERSON);
            if (!Pseudonyms.isRef(person)) {
                throw new IllegalArgumentException(
                        "erasure request " + e.getId() + " has no valid " + Attributes.ERASURE_PERSON
                                + " (a person reference p:<32 hex>); send it with vigil erase-subject");
            }
            String expected = PersonalData.erasureScope(partition);
            if (!expected.equals(e.getScope())) {
                throw new IllegalArgumentException("erasure request " + e.getId() + " on partition " + partition
                        + " has scope '" + e.getScope() + "', expected '" + expected
                        + "'; send it with vigil erase-subject, which addresses every partition");
            }
            return person;
        }

        private boolean alreadySeen(String seenKey, long ts) {
            long window = settings.dedupRetention().toMillis();
            try (WindowStoreIterator<Long> hits = seen.fetch(seenKey, Math.max(0, ts - window), ts + window)) {
                return hits.hasNext();
            }
        }

        /** Checks every draft's size first: a refusal after the first forward would leave partial output. */
        private void emit(String subject, long timestamp, List<AuditRecord> drafts, EngineResult result) {
            drafts.forEach(d -> checkSize(subject, d));
            for (AuditRecord draft : drafts) {
                context.forward(new Record<>(subject, draft, timestamp), ComplianceTopology.CHAIN_AUDIT_RECORD);
            }
            for (ControlVerdict verdict : result.verdicts()) {
                context.forward(new Record<>(subject, verdict, timestamp), ComplianceTopology.SINK_CONTROL_VERDICTS);
            }
            for (Violation change : result.violationChanges()) {
                context.forward(new Record<>(subject, change, timestamp), ComplianceTopology.SINK_VIOLATIONS);
            }
        }

        private void checkSize(String subject, AuditRecord draft) {
            // The chain fields take their final width here, so the bytes measured are the link's.
            AuditRecord probe = AuditRecord.newBuilder(draft)
                    .setSeq(Long.MAX_VALUE)
                    .setPrevHash(AuditChain.GENESIS_HASH)
                    .setHash(AuditChain.GENESIS_HASH)
                    .build();
            int size = auditSerializer.serialize(null, probe).length + subject.getBytes(StandardCharsets.UTF_8).length;
            if (size > settings.maxRecordBytes()) {
                throw new RecordTooLargeException("audit record " + draft.getRecordId() + " for " + subject + " is "
                        + size + " bytes, above the " + settings.maxRecordBytes()
                        + "-byte limit; shorten the input's attributes or summary");
            }
        }

        private void rememberWakeUp(String subject, Optional<Instant> next) {
            if (next.isPresent()) {
                long at = next.get().toEpochMilli();
                wakeUps.put(subject, at);
                earliestWakeUp = Math.min(earliestWakeUp, at);
            } else if (wakeUps.get(subject) != null) {
                // Most subjects have no timer: a delete of nothing would still log a tombstone per input.
                wakeUps.delete(subject);
            }
        }

        private void fireIfDue(String subject, Instant now) {
            Long at = wakeUps.get(subject);
            if (at != null && at <= now.toEpochMilli()) {
                fireOrRetryLater(subject, now);
            }
        }

        /** A failing timer must not cost the input that happened to arrive: it is retried instead. */
        private void fireOrRetryLater(String subject, Instant now) {
            try {
                fire(subject, now);
            } catch (RuntimeException e) {
                // Nothing of the failed evaluation was written; its wake-up stays, so it is retried at the
                // next punctuation rather than dropped.
                earliestWakeUp = Long.MIN_VALUE;
                LOG.error(
                        "time-based evaluation of {} failed ({}); retrying at the next punctuation. If it keeps"
                                + " failing, fix the control or its state and restart",
                        subject,
                        e.toString(),
                        e);
            }
        }

        private void punctuate() {
            Instant now = clock.instant();
            if (now.toEpochMilli() >= earliestWakeUp) {
                List<String> due = new ArrayList<>();
                long next = Long.MAX_VALUE;
                try (KeyValueIterator<String, Long> all = wakeUps.all()) {
                    while (all.hasNext()) {
                        KeyValue<String, Long> kv = all.next();
                        if (kv.value <= now.toEpochMilli()) {
                            due.add(kv.key);
                        } else {
                            next = Math.min(next, kv.value);
                        }
                    }
                }
                earliestWakeUp = next;
                for (String subject : due) {
                    fireOrRetryLater(subject, now);
                }
            }
            sweep(now);
        }

        private void fire(String subject, Instant now) {
            SubjectKey key = SubjectKey.parse(subject);
            StoreSubjectState state =
                    new StoreSubjectState(key.tenant(), key.scope(), facets, facetStores, now, factCache);
            EngineResult result = engine.onTime(state, now);
            if (!result.verdicts().isEmpty() || !result.violationChanges().isEmpty()) {
                List<AuditRecord> drafts = new ArrayList<>();
                drafts.add(AuditRecords.timerEvaluation(
                        key.tenant(),
                        key.scope(),
                        now,
                        AuditRecords.Evaluation.of(engine.catalogVersion(), result.verdicts()),
                        result.violationChanges().size()));
                for (Violation v : result.violationChanges()) {
                    drafts.add(AuditRecords.violationChange(v, null, AuditRecords.NO_INPUT, now));
                }
                emit(subject, now.toEpochMilli(), drafts, result);
            }
            state.commit();
            Optional<Instant> next = result.nextWakeUp();
            if (next.isPresent() && !next.get().isAfter(now)) {
                // An engine asking for a time already past would be called again at once, forever.
                LOG.warn(
                        "engine asked to wake {} at {}, not after now ({}); waking it at the next punctuation",
                        subject,
                        next.get(),
                        now);
                next = Optional.of(now.plus(settings.punctuationInterval()));
            }
            rememberWakeUp(subject, next);
        }

        private void sweep(Instant now) {
            facets.values()
                    .forEach(facet -> sweepCursors.put(
                            facet.name(),
                            StoreSubjectState.sweep(
                                    facet,
                                    facetStores.get(facet.name()),
                                    now,
                                    sweepCursors.get(facet.name()),
                                    SWEEP_BUDGET)));
        }
    }

    private static String evidenceSha256(Object input) {
        return input instanceof PipelineEvent e ? e.getEvidenceSha256() : ((ScanResult) input).getEvidenceSha256();
    }

    /** What the processor needs of either input type. */
    private record Input(String id, String tenant, String scope, Subject subject) {
        static Input of(Object value) {
            if (value instanceof PipelineEvent e) {
                return new Input(e.getId(), e.getTenant(), e.getScope(), e.getSubject());
            }
            if (value instanceof ScanResult s) {
                return new Input(s.getId(), s.getTenant(), s.getScope(), s.getSubject());
            }
            throw new IllegalArgumentException(
                    "not an input: " + value.getClass().getName());
        }
    }
}
