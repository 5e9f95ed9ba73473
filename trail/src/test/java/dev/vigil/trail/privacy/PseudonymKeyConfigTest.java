package dev.vigil.trail.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudonymKeyConfigTest {

    @TempDir
    Path data;

    @Test
    void shouldGenerateTheDefaultKeyOnceAndKeepItPrivate() throws Exception {
        PseudonymKeyConfig.Source source = PseudonymKeyConfig.Source.of("", "", data);
        Pseudonyms first = source.loadOrGenerate();
        Pseudonyms second = source.loadOrGenerate();

        Path file = data.resolve("keys/pseudonym.key");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(second.ref("acme", "alice")).isEqualTo(first.ref("acme", "alice"));
    }

    @Test
    void shouldPreferTheKeyTextAndRefuseAMissingConfiguredFile() {
        String text = Base64.getEncoder().encodeToString(new byte[32]);
        Pseudonyms fromText = PseudonymKeyConfig.Source.of(text, "", data).load();
        assertThat(fromText.ref("acme", "alice")).isEqualTo(new Pseudonyms(new byte[32]).ref("acme", "alice"));
        assertThat(PseudonymKeyConfig.Source.of(text, "", data).toString()).doesNotContain(text);

        Path missing = data.resolve("elsewhere/pseudonym.key");
        assertThatThrownBy(() -> PseudonymKeyConfig.Source.of("", missing.toString(), data)
                        .loadOrGenerate())
                .hasMessageContaining("no pseudonym key");
        assertThat(missing).doesNotExist();
        assertThatThrownBy(
                        () -> PseudonymKeyConfig.Source.of("c2hvcnQ=", "", data).load())
                .hasMessageContaining("at least 32");
    }
}
