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
}
