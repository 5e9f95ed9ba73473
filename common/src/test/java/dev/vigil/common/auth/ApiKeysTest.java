package dev.vigil.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    @Test
    void shouldAuthenticateAMintedKeyToItsTenantAndRoles() {
        ApiKeys keys = new ApiKeys(List.of());
        ApiKeys.Minted minted = keys.mint("acme", Set.of(Role.PUBLISHER), "ci");

        assertThat(keys.authenticate(minted.key())).hasValueSatisfying(p -> {
            assertThat(p.tenant()).isEqualTo("acme");
            assertThat(p.has(Role.PUBLISHER)).isTrue();
            assertThat(p.has(Role.AUDITOR)).isFalse();
        });
    }

    @Test
    void shouldRefuseAWrongSecretAnUnknownIdAndGarbage() {
        ApiKeys keys = new ApiKeys(List.of());
        String key = keys.mint("acme", Set.of(Role.AUDITOR), "x").key();
        String wrongSecret = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
        String unknownId = "vgl_000000000000_" + key.substring(key.lastIndexOf('_') + 1);

        assertThat(keys.authenticate(wrongSecret)).isEmpty();
        assertThat(keys.authenticate(unknownId)).isEmpty();
        assertThat(keys.authenticate("Bearer nonsense")).isEmpty();
        assertThat(keys.authenticate(null)).isEmpty();
    }

    @Test
    void shouldStoreOnlyHashesAtRest(@TempDir Path dir) throws Exception {
        ApiKeys keys = new ApiKeys(List.of());
        String key = keys.mint("acme", Set.of(Role.OFFICER), "officer").key();
        Path file = dir.resolve("api-keys.json");

        keys.save(file);

        assertThat(Files.readString(file)).doesNotContain(key.substring(key.lastIndexOf('_') + 1));
        assertThat(ApiKeys.load(file).authenticate(key)).hasValueSatisfying(p -> assertThat(p.has(Role.AUDITOR))
                .as("officer includes auditor")
                .isTrue());
    }

    @Test
    void shouldRefuseARevokedKeyInAnotherProcessViewWithoutRestart(@TempDir Path dir) {
        Path file = dir.resolve("api-keys.json");
        ApiKeys writer = ApiKeys.watching(file);
        ApiKeys.Minted minted = writer.change(k -> k.mint("acme", Set.of(Role.AUDITOR), "auditor"));
        // A second watcher on the same file stands for the other service (ingest vs audit-api).
        ApiKeys reader = ApiKeys.watching(file);
        assertThat(reader.authenticate(minted.key())).isPresent();

        boolean revoked = writer.change(k -> k.revoke(minted.entry().id()));

        assertThat(revoked).isTrue();
        assertThat(reader.authenticate(minted.key())).isEmpty();
        assertThat(reader.entries())
                .extracting(ApiKeys.Entry::id)
                .doesNotContain(minted.entry().id());
    }

    @Test
    void shouldSeeAKeyMintedByAnotherWriterWithoutRestart(@TempDir Path dir) {
        Path file = dir.resolve("api-keys.json");
        ApiKeys service = ApiKeys.watching(file);
        ApiKeys cli = ApiKeys.load(file);
        String key = cli.mint("globex", Set.of(Role.PUBLISHER), "ci").key();
        assertThat(service.authenticate(key)).isEmpty();

        cli.save(file);

        assertThat(service.authenticate(key))
                .hasValueSatisfying(p -> assertThat(p.tenant()).isEqualTo("globex"));
    }

    @Test
    void shouldKeepBothChangesOfTwoWritersOnTheSameFile(@TempDir Path dir) {
        Path file = dir.resolve("api-keys.json");
        ApiKeys first = ApiKeys.watching(file);
        ApiKeys second = ApiKeys.watching(file);

        String a = first.change(k -> k.mint("acme", Set.of(Role.AUDITOR), "a"))
                .entry()
                .id();
        String b = second.change(k -> k.mint("acme", Set.of(Role.AUDITOR), "b"))
                .entry()
                .id();

        assertThat(ApiKeys.load(file).entries()).extracting(ApiKeys.Entry::id).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void shouldLeaveFileAndStoreUntouchedWhenAChangeFails(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("api-keys.json");
        ApiKeys keys = ApiKeys.watching(file);
        keys.change(k -> k.addTenant("acme", "first"));
        String before = Files.readString(file);

        try {
            keys.change(k -> {
                k.mint("acme", Set.of(Role.ADMIN), "half-done");
                throw new IllegalStateException("refused");
            });
        } catch (IllegalStateException expected) {
            // the change is refused as a whole
        }

        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(keys.entries()).isEmpty();
    }

    @Test
    void shouldListRegisteredTenantsAndTenantsKnownOnlyFromKeys(@TempDir Path dir) {
        Path file = dir.resolve("api-keys.json");
        ApiKeys keys = ApiKeys.watching(file);
        keys.change(k -> k.mint("legacy", Set.of(Role.PUBLISHER), "old key"));

        boolean added = keys.change(k -> k.addTenant("acme", "Acme Corp"));
        boolean again = keys.change(k -> k.addTenant("legacy", "dup"));

        assertThat(added).isTrue();
        assertThat(again).as("a tenant holding keys exists").isFalse();
        assertThat(ApiKeys.load(file).tenants())
                .extracting(ApiKeys.Tenant::tenant, ApiKeys.Tenant::description)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("acme", "Acme Corp"),
                        org.assertj.core.groups.Tuple.tuple("legacy", null));
    }

    @Test
    void shouldReadTheBareArrayOlderVersionsWrote(@TempDir Path dir) throws Exception {
        ApiKeys old = new ApiKeys(List.of());
        String key = old.mint("acme", Set.of(Role.OFFICER), "old").key();
        Path file = dir.resolve("api-keys.json");
        Files.write(file, dev.vigil.common.json.Json.mapper().writeValueAsBytes(old.entries()));

        assertThat(ApiKeys.watching(file).authenticate(key))
                .hasValueSatisfying(p -> assertThat(p.tenant()).isEqualTo("acme"));
    }
}
