package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {

    @TempDir
    Path data;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int vigil(String... args) {
        return Vigil.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldMintIntoTheSharedFileKeepingKeysAWatchingServiceAddedMeanwhile() throws Exception {
        Path file = data.resolve("api-keys.json");
        ApiKeys service = ApiKeys.watching(file);
        String viaApi = service.change(k -> k.mint("acme", Set.of(Role.ADMIN), "via api"))
                .key();

        int code = vigil("keys", "create", "--tenant", "acme", "--role", "auditor", "--set", "vigil.data-dir=" + data);

        assertThat(code).isZero();
        String printed = out.toString(StandardCharsets.UTF_8).trim();
        assertThat(service.authenticate(printed))
                .hasValueSatisfying(p -> assertThat(p.has(Role.AUDITOR)).isTrue());
        assertThat(service.authenticate(viaApi)).isPresent();
        assertThat(Files.readString(file)).doesNotContain(printed.substring(printed.lastIndexOf('_') + 1));
    }

    @Test
    void shouldRefuseADataRoleInThePlatformTenant() {
        int code = vigil("keys", "create", "--tenant", "vigil", "--role", "auditor", "--set", "vigil.data-dir=" + data);

        assertThat(code).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--role admin only");
        assertThat(Files.exists(data.resolve("api-keys.json"))).isFalse();
    }
}
