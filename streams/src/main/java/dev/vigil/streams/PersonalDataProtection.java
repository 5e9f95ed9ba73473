package dev.vigil.streams;

import dev.vigil.schemas.Actor;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.evidence.EvidenceChunks;
import dev.vigil.trail.privacy.PersonKeyring;
import dev.vigil.trail.privacy.PersonalData;
import dev.vigil.trail.privacy.Pseudonyms;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Keeps personal data out of everything the streams app writes in cleartext (docs/erasure.md,
 * ADR 9). Per input it builds:
 *
 * <ul>
 *   <li>the <b>engine view</b>: the input with every identity replaced by its pseudonym
 *       ({@link Pseudonyms}) and the actor's name and e-mail dropped, so facts, verdicts and
 *       violations hold references only, and controls still compare identities;
 *   <li>the <b>sealing</b> of the input's audit-record draft: the cleartext of each personal value
 *       encrypted with its person's key ({@link PersonalData}), the actor's id, name and e-mail
 *       as the record attributes {@code actor.*}.
 * </ul>
 *
 * Person keys are random, made by the task the first time it meets a person, kept in the store
 * {@value #STORE_NAME} ({@code tenant/ref}) and published to {@code vigil.person-keys}
 * ({@code tenant/ref/partition}) in the same transaction as the records they encrypt. An erasure
 * deletes the key from both.
 */
final class PersonalDataProtection {

    static final String STORE_NAME = "person-keys";

    /**
     * Which evidence payloads name whom: {@code tenant/ref/sha256} → empty, per task. An erasure
     * destroys the data keys of the person's payloads (tombstones on vigil.evidence-keys) and
     * deletes its entries. Values are empty, so the changelog is just the index.
     */
    static final String EVIDENCE_STORE_NAME = "person-evidence";

    private static final byte[] PRESENT = new byte[0];

    /** Physical-erasure tuning of the store's changelog, like the vigil.person-keys topic. */
    static final Map<String, String> CHANGELOG_CONFIG = Map.of(
            "cleanup.policy", "compact",
            "min.cleanable.dirty.ratio", "0.01",
            "segment.ms", String.valueOf(3600L * 1000),
            "max.compaction.lag.ms", String.valueOf(3600L * 1000),
            "delete.retention.ms", String.valueOf(24L * 3600 * 1000));

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pseudonyms pseudonyms;

    PersonalDataProtection(Pseudonyms pseudonyms) {
        this.pseudonyms = Objects.requireNonNull(pseudonyms, "pseudonyms");
    }

    Pseudonyms pseudonyms() {
        return pseudonyms;
    }

    /** Not cached: a key must leave the store the moment it is erased, not at the next flush. */
    static StoreBuilder<KeyValueStore<String, byte[]>> storeBuilder() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STORE_NAME), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(CHANGELOG_CONFIG);
    }

    /** Not cached, like the keys: an erasure must see every entry the same transaction wrote. */
    static StoreBuilder<KeyValueStore<String, byte[]>> evidenceStoreBuilder() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(EVIDENCE_STORE_NAME), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(CHANGELOG_CONFIG);
    }

    /**
     * The evidence index of one task: remembers that a payload names people, and on an erasure
     * sends the tombstone of each of the person's payload keys to {@code destroy}.
     */
    record TaskEvidence(KeyValueStore<String, byte[]> store, BiConsumer<String, byte[]> destroy) {

        void remember(String tenant, java.util.Collection<String> refs, String sha256) {
            if (sha256 == null || sha256.isBlank()) {
                return;
            }
            for (String ref : refs) {
                store.put(tenant + "/" + ref + "/" + sha256, PRESENT);
            }
        }

        /** Tombstones the key of every payload of the person this task saw; returns how many. */
        int erase(String tenant, String ref) {
            String prefix = tenant + "/" + ref + "/";
            List<String> entries = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, new StringSerializer())) {
                while (it.hasNext()) {
                    entries.add(it.next().key);
                }
            }
            for (String entry : entries) {
                String sha256 = entry.substring(prefix.length());
                destroy.accept(EvidenceChunks.dataKeyId(tenant, sha256), null);
                store.delete(entry);
            }
            return entries.size();
        }
    }

    /** The person keys of one task: its store, its partition and where new keys and tombstones go. */
    record TaskKeys(KeyValueStore<String, byte[]> store, int partition, BiConsumer<String, byte[]> publish) {

        byte[] keyOf(String tenant, String ref) {
            String storeKey = tenant + "/" + ref;
            byte[] key = store.get(storeKey);
            if (key == null) {
                key = new byte[PersonalData.KEY_BYTES];
                RANDOM.nextBytes(key);
                store.put(storeKey, key);
                publish.accept(PersonKeyring.recordKey(tenant, ref, partition), key);
            }
            return key;
        }

        /** Deletes the person's key of this task; always publishes the tombstone (idempotent). */
        boolean erase(String tenant, String ref) {
            String storeKey = tenant + "/" + ref;
            boolean held = store.get(storeKey) != null;
            store.delete(storeKey);
            publish.accept(PersonKeyring.recordKey(tenant, ref, partition), null);
            return held;
        }
    }

    /** One input's engine view and what its record must carry encrypted. */
    final class Protected {
        private final String tenant;
        private Object engineView;
        /** Every person the input names, whose raw evidence therefore holds their data. */
        private final Set<String> people = new LinkedHashSet<>();
        /** Record attribute → cleartext values (comma-separated in the attribute) with their person refs. */
        private final Map<String, List<Personal>> sealed = new LinkedHashMap<>();

        private Protected(String tenant) {
            this.tenant = tenant;
        }

        Object engineView() {
            return engineView;
        }

        Set<String> people() {
            return people;
        }

        private Protected with(Object view) {
            this.engineView = view;
            return this;
        }

        /** The draft with each personal value replaced by its encryption; creates missing person keys. */
        AuditRecord seal(AuditRecord draft, TaskKeys keys) {
            if (sealed.isEmpty()) {
                return draft;
            }
            Map<String, String> attributes = new LinkedHashMap<>(draft.getAttributes());
            sealed.forEach((field, values) -> {
                List<String> encrypted = new ArrayList<>(values.size());
                for (Personal p : values) {
                    encrypted.add(PersonalData.encrypt(keys.keyOf(tenant, p.ref()), p.ref(), field, p.cleartext()));
                }
                attributes.put(field, String.join(",", encrypted));
            });
            return AuditRecord.newBuilder(draft).setAttributes(attributes).build();
        }
    }

    private record Personal(String ref, String cleartext) {}

    Protected protect(Object input) {
        if (input instanceof PipelineEvent e) {
            return protect(e);
        }
        if (input instanceof ScanResult s) {
            return protect(s);
        }
        throw new IllegalArgumentException("not an input: " + input.getClass().getName());
    }

    private Protected protect(PipelineEvent e) {
        PipelineEvent.Builder view = PipelineEvent.newBuilder(e);
        Map<String, String> attributes = new HashMap<>(e.getAttributes());
        Protected p = new Protected(e.getTenant());
        Actor actor = protectActor(e.getTenant(), e.getActor(), p);
        view.setActor(actor);
        for (String field : PersonalData.PERSONAL_ATTRIBUTES) {
            String value = attributes.get(field);
            if (value == null || value.isBlank()) {
                continue;
            }
            List<Personal> people = new ArrayList<>();
            for (String element : value.split(",")) {
                String person = element.strip();
                if (!person.isEmpty()) {
                    people.add(new Personal(pseudonyms.ref(e.getTenant(), person), person));
                }
            }
            attributes.put(
                    field, String.join(",", people.stream().map(Personal::ref).toList()));
            people.forEach(person -> p.people.add(person.ref()));
            if (!people.isEmpty()) {
                p.sealed.put(field, people);
            }
        }
        view.setAttributes(attributes);
        return p.with(view.build());
    }

    private Protected protect(ScanResult s) {
        ScanResult.Builder view = ScanResult.newBuilder(s);
        Protected p = new Protected(s.getTenant());
        view.setActor(protectActor(s.getTenant(), s.getActor(), p));
        List<Finding> findings = new ArrayList<>(s.getFindings().size());
        for (Finding f : s.getFindings()) {
            Finding protectedFinding = f;
            for (String field : PersonalData.PERSONAL_FINDING_ATTRIBUTES) {
                String value = f.getAttributes().get(field);
                if (value != null && !value.isBlank()) {
                    Map<String, String> attributes = new HashMap<>(protectedFinding.getAttributes());
                    // Scan records do not copy finding attributes, so the cleartext is dropped, not sealed.
                    String ref = pseudonyms.ref(s.getTenant(), value);
                    attributes.put(field, ref);
                    p.people.add(ref);
                    protectedFinding = Finding.newBuilder(protectedFinding)
                            .setAttributes(attributes)
                            .build();
                }
            }
            findings.add(protectedFinding);
        }
        view.setFindings(findings);
        return p.with(view.build());
    }

    private Actor protectActor(String tenant, Actor actor, Protected p) {
        if (actor == null) {
            return null;
        }
        String identity = firstNonBlank(actor.getId(), actor.getEmail(), actor.getName());
        if (identity == null) {
            return Actor.newBuilder().setId("").build();
        }
        String ref = pseudonyms.ref(tenant, identity);
        p.people.add(ref);
        putIfPresent(p, PersonalData.ACTOR_ID, ref, actor.getId());
        putIfPresent(p, PersonalData.ACTOR_NAME, ref, actor.getName());
        putIfPresent(p, PersonalData.ACTOR_EMAIL, ref, actor.getEmail());
        return Actor.newBuilder().setId(ref).setName(null).setEmail(null).build();
    }

    private static void putIfPresent(Protected p, String field, String ref, String value) {
        if (value != null && !value.isBlank()) {
            p.sealed.put(field, List.of(new Personal(ref, value)));
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
