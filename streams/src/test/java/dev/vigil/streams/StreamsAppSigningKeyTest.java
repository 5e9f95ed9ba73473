package dev.vigil.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsAppSigningKeyTest {

    @TempDir
    Path data;

    @Test
    void shouldRefuseToStartWithoutASigningKeyNamingWhatToConfigure() {
        // The bootstrap server is never contacted: the key is checked before anything else.
        StreamsAppConfig cfg = StreamsAppConfig.of(
                Map.of("vigil.data-dir", data.toString(), "vigil.kafka.bootstrap-servers", "127.0.0.1:1"));

        assertThatThrownBy(() -> StreamsApp.start(cfg, new TestEngine()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no checkpoint signing key")
                .hasMessageContaining(data.resolve("keys/signing-key.pem").toString())
                .hasMessageContaining("VIGIL_TRAIL_SIGNING_KEY");
    }

    @Test
    void shouldResolveCheckpointCadenceAndKeyLocationsFromConfig() {
        StreamsAppConfig cfg = StreamsAppConfig.of(Map.of(
                "vigil.data-dir",
                data.toString(),
                "vigil.trail.checkpoint-interval-ms",
                "5000",
                "vigil.trail.checkpoint-every",
                "7",
                "vigil.trail.signing-key-file",
                TestSigningKey.file().toString()));

        Checkpointing checkpointing = cfg.checkpointing();

        assertThat(checkpointing.interval().toMillis()).isEqualTo(5000);
        assertThat(checkpointing.every()).isEqualTo(7);
        assertThat(checkpointing.key().keyId())
                .isEqualTo(dev.vigil.trail.checkpoint.SigningKeys.load(TestSigningKey.file())
                        .keyId());
        assertThat(cfg.publicKeysDir()).isEqualTo(data.toAbsolutePath().resolve("keys/public"));
        assertThat(cfg.toString()).doesNotContain("PRIVATE KEY");
    }
}
