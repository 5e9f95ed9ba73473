package dev.vigil.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretHashKeyTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldGenerateAKeyOnceAndKeepUsingIt() throws Exception {
        SecretHasher first = ScanAdapters.hasher("", dataDir);
        Path file = dataDir.resolve(ScanAdapters.KEY_FILE);
        String stored = Files.readString(file);

        SecretHasher second = ScanAdapters.hasher(null, dataDir);

        assertThat(second.hash("hunter2")).isEqualTo(first.hash("hunter2"));
        assertThat(Files.readString(file)).isEqualTo(stored);
        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }

    @Test
    void shouldPreferTheConfiguredKeyAndNotWriteAFile() {
        SecretHasher configured = ScanAdapters.hasher("configured-key-0123456789", dataDir);
        assertThat(dataDir.resolve(ScanAdapters.KEY_FILE)).doesNotExist();

        assertThat(configured.hash("hunter2"))
                .isEqualTo(
                        new SecretHasher("configured-key-0123456789".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                .hash("hunter2"))
                .isNotEqualTo(ScanAdapters.hasher("", dataDir).hash("hunter2"));
        assertThat(configured.toString()).doesNotContain("configured-key");
    }
}
