package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.Actor;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.AuditRecord;
import dev.vigil.schemas.AuditRecordKind;
import dev.vigil.schemas.ControlVerdict;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import dev.vigil.trail.AuditChain;
import dev.vigil.trail.privacy.PersonKeyring;
import dev.vigil.trail.privacy.PersonalData;
import dev.vigil.trail.privacy.Pseudonyms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crypto-shredding through the real topology: personal data encrypted per person, keys destroyed on erasure. */
class ErasureTopologyTest {

    private static final String SHOP = "github.com/acme/shop";
    private static final String ERASURE_SCOPE = PersonalData.erasureScope(0);
    private static final Instant START = Instant.parse("2026-03-01T10:16:00Z");
    private static final String ALICE_NAME = "Alice Liddell";
    private static final String ALICE_MAIL = "alice.liddell@example.com";

    private final Topics topics = Topics.withPrefix("erasure-");
    private final Pseudonyms pseudonyms = new Pseudonyms(new byte[32]);
    private final String alice = pseudonyms.ref(Inputs.TENANT, "alice");
    private final String bob = pseudonyms.ref(Inputs.TENANT, "bob");

    @TempDir
    Path dataDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, PipelineEvent> events;
    private TestOutputTopic<String, byte[]> trailBytes;
    private TestOutputTopic<String, byte[]> personKeys;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private TestOutputTopic<String, ControlVerdict> verdicts;
    private final List<AuditRecord> trail = new ArrayList<>();
    private final List<String> rawTrail = new ArrayList<>();
    private final PersonKeyring ring = new PersonKeyring();
    private final Map<String, byte[]> keyTopic = new HashMap<>();

    @BeforeEach
    void start() {
        StreamsAppConfig cfg = StreamsAppConfig.of(
                Map.of("vigil.topic-prefix", topics.prefix(), "vigil.data-dir", dataDir.toString()));
        Properties props = StreamsApp.properties(cfg, topics);
        // As in ComplianceTopologyTest: the driver commits after every record, EOS would change nothing here.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        driver = new TopologyTestDriver(
                ComplianceTopology.build(
                        topics,
                        new MutableClock(START),
                        new TestEngine(),
                        ComplianceTopology.Settings.DEFAULT,
                        Checkpointing.ephemeral(),
                        pseudonyms),
                props,
                START);
        events = driver.createInputTopic(
                topics.pipelineEvents().name(),
                topics.pipelineEvents().keySerde().serializer(),
                topics.pipelineEvents().valueSerde().serializer());
        trailBytes = driver.createOutputTopic(
                topics.auditTrail().name(), new StringDeserializer(), new ByteArrayDeserializer());
        personKeys = driver.createOutputTopic(
                topics.personKeys().name(), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(
                DeadLetterQueue.topicName(topics), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        verdicts = driver.createOutputTopic(
                topics.controlVerdicts().name(),
                topics.controlVerdicts().keySerde().deserializer(),
                topics.controlVerdicts().valueSerde().deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldChainPseudonymsAndEncryptedValuesWithoutAnyCleartext() {
        send(changeBy(
                "e1",
                "alice",
                ALICE_NAME,
                ALICE_MAIL,
                Map.of(
                        Attributes.CHANGE_AUTHOR,
                        "alice",
                        Attributes.CHANGE_APPROVERS,
                        "bob, Alice",
                        "reviewer",
                        "bob")));
        drain();

        AuditRecord record = record("e1");
        assertThat(record.getActorId()).isEqualTo(alice);
        assertThat(rawTrail.get(0)).doesNotContain("alice", "Alice", "example.com");
        assertThat(new String(AuditChain.canonicalBytes(AuditChain.document(record)), StandardCharsets.UTF_8))
                .doesNotContain("alice", "Alice", "example.com");
        Map<String, String> attributes = record.getAttributes();
        assertThat(attributes.get(Attributes.CHANGE_AUTHOR)).startsWith("enc:v1:" + alice + ":");
        // Each person of a list is encrypted with their own key, in order.
        String[] approvers = attributes.get(Attributes.CHANGE_APPROVERS).split(",");
        assertThat(approvers).hasSize(2);
        assertThat(approvers[0]).startsWith("enc:v1:" + bob + ":");
        assertThat(approvers[1]).startsWith("enc:v1:" + alice + ":");
        // One key per person, published under tenant/ref/partition, and the same in the task's store.
        assertThat(keyTopic)
                .containsOnlyKeys(
                        PersonKeyring.recordKey(Inputs.TENANT, alice, 0),
                        PersonKeyring.recordKey(Inputs.TENANT, bob, 0));
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(ComplianceTopology.PERSON_KEYS_STORE);
        assertThat(store.get(Inputs.TENANT + "/" + alice))
                .isEqualTo(keyTopic.get(PersonKeyring.recordKey(Inputs.TENANT, alice, 0)));
        // A reader holding the keys gets the cleartext back.
        assertThat(ring.decrypt(Inputs.TENANT, attributes.get(PersonalData.ACTOR_NAME)))
                .contains(ALICE_NAME);
        assertThat(ring.decrypt(Inputs.TENANT, attributes.get(PersonalData.ACTOR_EMAIL)))
                .contains(ALICE_MAIL);
        assertThat(ring.decrypt(Inputs.TENANT, attributes.get(PersonalData.ACTOR_ID)))
                .contains("alice");
        assertThat(ring.decrypt(Inputs.TENANT, approvers[0])).contains("bob");
        assertThat(ring.decrypt(Inputs.TENANT, approvers[1])).contains("Alice");
    }

    @Test
    void shouldLetControlsCompareIdentitiesThroughPseudonyms() {
        // TestEngine passes when "reviewer" is not the actor: the engine sees the pseudonym of each.
        send(changeBy("e1", "alice", ALICE_NAME, null, Map.of("review_state", "approved", "reviewer", "bob")));

        List<ControlVerdict> out = verdicts.readValuesToList();
        assertThat(out).extracting(ControlVerdict::getVerdict).containsExactly(dev.vigil.schemas.VerdictResult.PASS);
        assertThat(out.get(0).toString()).doesNotContain(ALICE_NAME).doesNotContain("\"alice\"");
    }

    @Test
    void shouldDestroyThePersonsKeyAndChainTheErasureWhileEveryChainStillVerifies() {
        send(changeBy("e1", "alice", ALICE_NAME, ALICE_MAIL, Map.of(Attributes.CHANGE_AUTHOR, "alice")));
        send(changeBy("e2", "bob", "Bob Builder", null, Map.of(Attributes.CHANGE_AUTHOR, "bob")));
        drain();
        String aliceName = record("e1").getAttributes().get(PersonalData.ACTOR_NAME);
        String bobName = record("e2").getAttributes().get(PersonalData.ACTOR_NAME);
        assertThat(ring.decrypt(Inputs.TENANT, aliceName)).contains(ALICE_NAME);

        sendErasure("x1", alice, ERASURE_SCOPE);
        List<TestRecord<String, byte[]>> keyRecords = drain();

        // A tombstone for alice's key of this task; bob's key untouched.
        assertThat(keyRecords).hasSize(1);
        assertThat(keyRecords.get(0).key()).isEqualTo(PersonKeyring.recordKey(Inputs.TENANT, alice, 0));
        assertThat(keyRecords.get(0).value()).isNull();
        assertThat(driver.<String, byte[]>getKeyValueStore(ComplianceTopology.PERSON_KEYS_STORE)
                        .get(Inputs.TENANT + "/" + alice))
                .isNull();
        assertThat(ring.decrypt(Inputs.TENANT, aliceName)).isEmpty();
        assertThat(ring.decrypt(Inputs.TENANT, bobName)).contains("Bob Builder");

        AuditRecord erasure = record("x1");
        assertThat(erasure.getKind()).isEqualTo(AuditRecordKind.ERASURE);
        assertThat(SubjectKey.of(erasure.getTenant(), erasure.getScope()))
                .isEqualTo(Inputs.TENANT + "/" + ERASURE_SCOPE);
        assertThat(erasure.getSeq()).isEqualTo(1);
        assertThat(erasure.getAttributes())
                .containsEntry(Attributes.ERASURE_PERSON, alice)
                .containsEntry(Attributes.ERASURE_REFERENCE, "DSR-2026-17")
                .containsEntry(PersonalData.ERASURE_KEYS_DESTROYED, "1");
        // The records of alice are untouched: the chain of the shop still verifies link by link.
        assertChainsVerify();
    }

    @Test
    void shouldDestroyTheDataKeysOfEveryPayloadNamingThePersonAndOnlyThose() {
        String aliceSha = "a".repeat(64);
        String sharedSha = "b".repeat(64);
        String bobSha = "c".repeat(64);
        send(withEvidence(changeBy("e1", "alice", ALICE_NAME, ALICE_MAIL, Map.of()), aliceSha));
        // Alice only approves here: the payload still names her.
        send(withEvidence(
                changeBy("e2", "bob", "Bob Builder", null, Map.of(Attributes.CHANGE_APPROVERS, "alice")), sharedSha));
        send(withEvidence(changeBy("e3", "bob", "Bob Builder", null, Map.of()), bobSha));
        drain();
        TestOutputTopic<String, byte[]> evidenceKeys = driver.createOutputTopic(
                topics.evidenceKeys().name(), new StringDeserializer(), new ByteArrayDeserializer());
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(ComplianceTopology.PERSON_EVIDENCE_STORE);
        assertThat(store.get(Inputs.TENANT + "/" + alice + "/" + aliceSha)).isNotNull();
        assertThat(store.get(Inputs.TENANT + "/" + bob + "/" + sharedSha)).isNotNull();

        sendErasure("x1", alice, ERASURE_SCOPE);
        sendErasure("x2", alice, ERASURE_SCOPE);
        drain();

        List<TestRecord<String, byte[]>> tombstones = evidenceKeys.readRecordsToList();
        assertThat(tombstones)
                .extracting(TestRecord::key)
                .containsExactlyInAnyOrder(Inputs.TENANT + "/" + aliceSha, Inputs.TENANT + "/" + sharedSha);
        assertThat(tombstones).allSatisfy(t -> assertThat(t.value()).isNull());
        assertThat(trail)
                .filteredOn(r -> r.getKind() == AuditRecordKind.ERASURE)
                .extracting(r -> r.getAttributes().get(PersonalData.ERASURE_EVIDENCE_KEYS_DESTROYED))
                .containsExactly("2", "0");
        assertThat(store.get(Inputs.TENANT + "/" + alice + "/" + aliceSha)).isNull();
        assertThat(store.get(Inputs.TENANT + "/" + alice + "/" + sharedSha)).isNull();
        assertThat(store.get(Inputs.TENANT + "/" + bob + "/" + bobSha)).isNotNull();
        assertChainsVerify();
    }

    @Test
    void shouldEraseIdempotentlyAndGiveAPersonSeenAgainANewKey() {
        send(changeBy("e1", "alice", ALICE_NAME, null, Map.of()));
        sendErasure("x1", alice, ERASURE_SCOPE);
        sendErasure("x2", alice, ERASURE_SCOPE);
        drain();
        assertThat(trail)
                .filteredOn(r -> r.getKind() == AuditRecordKind.ERASURE)
                .extracting(r -> r.getAttributes().get(PersonalData.ERASURE_KEYS_DESTROYED))
                .containsExactly("1", "0");
        String before = record("e1").getAttributes().get(PersonalData.ACTOR_NAME);

        send(changeBy("e3", "alice", ALICE_NAME, null, Map.of()));
        drain();

        AuditRecord after = record("e3");
        // Same pseudonym (controls keep working), new key: new data readable, old data stays unreadable.
        assertThat(after.getActorId()).isEqualTo(alice);
        assertThat(ring.keysOf(Inputs.TENANT, alice)).hasSize(1);
        assertThat(ring.decrypt(Inputs.TENANT, after.getAttributes().get(PersonalData.ACTOR_NAME)))
                .contains(ALICE_NAME);
        assertThat(ring.decrypt(Inputs.TENANT, before)).isEmpty();
        assertThat(after.getAttributes().get(PersonalData.ACTOR_NAME)).isNotEqualTo(before);
        assertChainsVerify();
    }

    @Test
    void shouldDeadLetterAnErasureThatIsNotAddressedToItsPartitionsScope() {
        send(changeBy("e1", "alice", ALICE_NAME, null, Map.of()));
        sendErasure("x1", alice, "vigil/erasure");
        sendErasure("x2", "alice", ERASURE_SCOPE);
        drain();

        assertThat(deadLetters.readRecordsToList()).hasSize(2);
        assertThat(trail).extracting(AuditRecord::getKind).doesNotContain(AuditRecordKind.ERASURE);
        assertThat(ring.keysOf(Inputs.TENANT, alice)).hasSize(1);
    }

    private AuditRecord record(String id) {
        return trail.stream()
                .filter(r -> r.getRecordId().equals(id))
                .findFirst()
                .orElseThrow();
    }

    private void assertChainsVerify() {
        Map<String, List<AuditRecord>> chains =
                trail.stream().collect(Collectors.groupingBy(r -> SubjectKey.of(r.getTenant(), r.getScope())));
        assertThat(chains).isNotEmpty();
        chains.forEach((chain, links) -> {
            String prev = AuditChain.GENESIS_HASH;
            long seq = 1;
            for (AuditRecord link : links) {
                assertThat(link.getSeq()).as(chain).isEqualTo(seq++);
                assertThat(link.getPrevHash()).as(chain).isEqualTo(prev);
                assertThat(AuditChain.recomputeHash(AuditChain.document(link)))
                        .as(chain)
                        .isEqualTo(link.getHash());
                prev = link.getHash();
            }
        });
    }

    /** Reads what the topology wrote since the last drain; returns the person-key records. */
    private List<TestRecord<String, byte[]>> drain() {
        for (TestRecord<String, byte[]> r : trailBytes.readRecordsToList()) {
            rawTrail.add(new String(r.value(), StandardCharsets.ISO_8859_1));
            trail.add(topics.auditTrail()
                    .valueSerde()
                    .deserializer()
                    .deserialize(topics.auditTrail().name(), r.value()));
        }
        List<TestRecord<String, byte[]>> keys = personKeys.readRecordsToList();
        for (TestRecord<String, byte[]> k : keys) {
            ring.apply(k.key(), k.value());
            if (k.value() == null) {
                keyTopic.remove(k.key());
            } else {
                keyTopic.put(k.key(), k.value());
            }
        }
        return keys;
    }

    private void send(PipelineEvent event) {
        events.pipeInput(SubjectKey.of(event.getTenant(), event.getScope()), event, START);
    }

    private void sendErasure(String id, String person, String scope) {
        send(PipelineEvent.newBuilder(changeBy(id, "x", null, null, Map.of()))
                .setScope(scope)
                .setKind(PipelineEventKind.ERASURE_REQUESTED)
                .setSourceType("vigil.erasure")
                .setActor(null)
                .setSubject(Subject.newBuilder().build())
                .setAttributes(Map.of(Attributes.ERASURE_PERSON, person, Attributes.ERASURE_REFERENCE, "DSR-2026-17"))
                .build());
    }

    private static PipelineEvent withEvidence(PipelineEvent event, String sha256) {
        return PipelineEvent.newBuilder(event).setEvidenceSha256(sha256).build();
    }

    private static PipelineEvent changeBy(
            String id, String login, String name, String email, Map<String, String> attributes) {
        return PipelineEvent.newBuilder(Inputs.merged(SHOP, id))
                .setFormat(InputFormat.CDEVENTS)
                .setOutcome(Outcome.SUCCESS)
                .setActor(Actor.newBuilder()
                        .setId(login)
                        .setName(name)
                        .setEmail(email)
                        .build())
                .setAttributes(attributes)
                .build();
    }
}
