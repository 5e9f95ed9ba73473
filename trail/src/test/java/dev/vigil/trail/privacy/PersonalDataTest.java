package dev.vigil.trail.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PersonalDataTest {

    private static final byte[] PSEUDONYM_KEY = bytes(1);
    private final Pseudonyms pseudonyms = new Pseudonyms(PSEUDONYM_KEY);
    private final String alice = pseudonyms.ref("acme", "alice");
    private final byte[] aliceKey = bytes(7);

    private static byte[] bytes(int seed) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) seed);
        key[31] = (byte) (seed * 31);
        return key;
    }

    @Test
    void shouldGiveOnePersonOneStableReferencePerTenantWhateverTheCase() {
        assertThat(alice).matches("p:[0-9a-f]{32}");
        assertThat(pseudonyms.ref("acme", "  Alice ")).isEqualTo(alice);
        assertThat(new Pseudonyms(PSEUDONYM_KEY).ref("acme", "alice")).isEqualTo(alice);
        assertThat(pseudonyms.ref("acme", "bob")).isNotEqualTo(alice);
        assertThat(pseudonyms.ref("globex", "alice")).isNotEqualTo(alice);
        assertThat(new Pseudonyms(bytes(2)).ref("acme", "alice")).isNotEqualTo(alice);
    }

    @Test
    void shouldRefuseShortPseudonymKeysAndBlankIds() {
        assertThatThrownBy(() -> new Pseudonyms(new byte[16])).hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> pseudonyms.ref("acme", "  ")).hasMessageContaining("blank");
    }

    @Test
    void shouldRoundTripACleartextWithThePersonsKey() {
        String sealed = PersonalData.encrypt(aliceKey, alice, "actor.email", "alice@example.com");

        assertThat(sealed).startsWith("enc:v1:" + alice + ":");
        assertThat(PersonalData.parse(sealed))
                .get()
                .extracting(PersonalData.Sealed::personRef)
                .isEqualTo(alice);
        assertThat(PersonalData.decrypt(aliceKey, sealed)).contains("alice@example.com");
    }

    @Test
    void shouldNotDecryptWithAnotherKey() {
        String sealed = PersonalData.encrypt(aliceKey, alice, "actor.name", "Alice Liddell");

        assertThat(PersonalData.decrypt(bytes(8), sealed)).isEmpty();
    }

    @Test
    void shouldRefuseAValueMovedToAnotherPersonsReference() {
        String sealed = PersonalData.encrypt(aliceKey, alice, "actor.name", "Alice Liddell");
        String bob = pseudonyms.ref("acme", "bob");
        String moved = sealed.replace(alice, bob);

        // Same key, other reference: the reference is authenticated, so the tag fails.
        assertThat(PersonalData.decrypt(aliceKey, moved)).isEmpty();
    }

    @Test
    void shouldEncryptDeterministicallySoAReplayBuildsTheSameBytes() {
        String once = PersonalData.encrypt(aliceKey, alice, "actor.name", "Alice Liddell");
        String again = PersonalData.encrypt(aliceKey, alice, "actor.name", "Alice Liddell");
        String otherField = PersonalData.encrypt(aliceKey, alice, "change.author", "Alice Liddell");
        String otherValue = PersonalData.encrypt(aliceKey, alice, "actor.name", "Alice L.");

        assertThat(again).isEqualTo(once);
        assertThat(otherField).isNotEqualTo(once);
        // Distinct values get distinct nonces (the first 12 bytes of the sealed part).
        assertThat(nonce(otherValue)).isNotEqualTo(nonce(once));
        assertThat(nonce(otherField)).isNotEqualTo(nonce(once));
    }

    @Test
    void shouldLeaveNoCleartextInTheStoredValue() {
        String sealed = PersonalData.encrypt(aliceKey, alice, "actor.email", "alice@example.com");
        byte[] raw = PersonalData.parse(sealed).orElseThrow().sealed();

        assertThat(sealed.toLowerCase()).doesNotContain("alice");
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("alice");
    }

    @Test
    void shouldDecryptThroughTheKeyringUntilTheKeyIsTombstoned() {
        String sealed = PersonalData.encrypt(aliceKey, alice, "actor.name", "Alice Liddell");
        PersonKeyring ring = new PersonKeyring();
        ring.apply(PersonKeyring.recordKey("acme", alice, 3), bytes(9));
        ring.apply(PersonKeyring.recordKey("acme", alice, 4), aliceKey);

        // Two tasks each made a key for alice: the ring tries both.
        assertThat(ring.decrypt("acme", sealed)).contains("Alice Liddell");
        assertThat(ring.decrypt("globex", sealed)).isEmpty();

        ring.apply(PersonKeyring.recordKey("acme", alice, 4), null);

        assertThat(ring.keysOf("acme", alice)).hasSize(1);
        assertThat(ring.decrypt("acme", sealed)).isEmpty();
    }

    @Test
    void shouldNotParseValuesThatAreNotEncrypted() {
        assertThat(PersonalData.parse("alice")).isEmpty();
        assertThat(PersonalData.parse("enc:v1:p:zz:abc")).isEmpty();
        assertThatThrownBy(() -> PersonalData.decrypt(aliceKey, "alice")).isInstanceOf(IllegalArgumentException.class);
    }

    private static String nonce(String sealed) {
        byte[] raw = PersonalData.parse(sealed).orElseThrow().sealed();
        return Base64.getEncoder().encodeToString(Arrays.copyOf(raw, 12));
    }
}
