package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.trail.privacy.PseudonymKeyConfig;
import dev.vigil.trail.privacy.Pseudonyms;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActorPseudonymsTest {

    @TempDir
    Path data;

    @Test
    void shouldSearchALoginAsThePseudonymTheStreamsAppGaveItInTheCallersTenant() {
        Path file = PseudonymKeyConfig.keyFile("", data);
        assertThat(PseudonymKeyConfig.generate(file)).isTrue();
        Pseudonyms streamsSide = PseudonymKeyConfig.Source.of(null, "", data).load();

        ActorPseudonyms actors = ActorPseudonyms.load(PseudonymKeyConfig.Source.of(null, "", data));

        assertThat(actors.userId("acme", "Alice")).isEqualTo(streamsSide.ref("acme", "alice"));
        assertThat(actors.userId("acme", "alice")).isNotEqualTo(actors.userId("globex", "alice"));
        String ref = streamsSide.ref("acme", "bob");
        assertThat(actors.userId("acme", ref)).isEqualTo(ref);
    }

    @Test
    void shouldSearchTheValueAsGivenWithoutAKey() {
        ActorPseudonyms actors = ActorPseudonyms.load(PseudonymKeyConfig.Source.of(null, "", data));

        assertThat(actors.userId("acme", "alice")).isEqualTo("alice");
        assertThat(new ActorPseudonyms(Optional.empty()).userId("acme", null)).isNull();
    }
}
