package dev.vigil.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    static final ConfigField<String> BOOTSTRAP =
            ConfigField.string("vigil.kafka.bootstrap-servers", "127.0.0.1:9092", "Kafka bootstrap servers.");
    static final ConfigField<Integer> PORT = ConfigField.integer("vigil.ingest.port", 8080, 0, 65535, "Port.");
    static final ConfigField<String> NAME = ConfigField.required("vigil.name", "Required name.");

    @Test
    void shouldLetEnvironmentOverrideTheFileAndOverridesWinOverBoth(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vigil.properties");
        Files.writeString(file, "vigil.kafka.bootstrap-servers=file:9092\nvigil.ingest.port=1\nvigil.name=n\n");

        Config fromFile = Config.resolve(List.of(BOOTSTRAP, PORT, NAME), file, Map.of(), Map.of());
        Config fromEnv = Config.resolve(
                List.of(BOOTSTRAP, PORT, NAME), file, Map.of("VIGIL_KAFKA_BOOTSTRAP_SERVERS", "env:9092"), Map.of());
        Config overridden = Config.resolve(
                List.of(BOOTSTRAP, PORT, NAME),
                file,
                Map.of("VIGIL_INGEST_PORT", "2"),
                Map.of("vigil.ingest.port", "3"));

        assertThat(fromFile.get(BOOTSTRAP)).isEqualTo("file:9092");
        assertThat(fromEnv.get(BOOTSTRAP)).isEqualTo("env:9092");
        assertThat(overridden.get(PORT)).isEqualTo(3);
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        assertThatThrownBy(() -> Config.resolve(
                        List.of(BOOTSTRAP, PORT, NAME), null, Map.of("VIGIL_INGEST_PORT", "70000"), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .satisfiesExactly(
                                p -> assertThat(p).contains("vigil.ingest.port").contains("between 0 and 65535"),
                                p -> assertThat(p)
                                        .contains("vigil.name")
                                        .contains("VIGIL_NAME")
                                        .contains("required")));
    }

    @Test
    void shouldUseDefaultsWhenNothingIsSet() {
        Config config = Config.resolve(List.of(BOOTSTRAP, PORT), null, Map.of(), Map.of());
        assertThat(config.get(BOOTSTRAP)).isEqualTo("127.0.0.1:9092");
        assertThat(config.get(PORT)).isEqualTo(8080);
    }

    @Test
    void shouldNeverEchoASecretValueInAnError() {
        ConfigField<String> secret = ConfigField.secret("vigil.webhook.secret", "Webhook secret.")
                .withValidator(s -> s.length() >= 16, "must be at least 16 characters");
        assertThatThrownBy(() ->
                        Config.resolve(List.of(secret), null, Map.of(), Map.of("vigil.webhook.secret", "hunter2")))
                .hasMessageContaining("vigil.webhook.secret")
                .hasMessageNotContaining("hunter2");
    }
}
