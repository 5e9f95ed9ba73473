package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigException;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

    static IngestConfig resolve(Map<String, String> env, Map<String, String> overrides) {
        return IngestConfig.from(Config.resolve(IngestConfig.FIELDS, null, env, overrides));
    }

    @Test
    void shouldDefaultToLoopbackPort8080AndTenMebibytes() {
        IngestConfig config = resolve(Map.of(), Map.of());

        assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.topicPrefix()).isEmpty();
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(config.producerOverrides()).isEmpty();
    }

    @Test
    void shouldTakeEnvironmentVariablesAndLetOverridesWin() {
        IngestConfig config = resolve(
                Map.of("VIGIL_INGEST_PORT", "9000", "VIGIL_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"),
                Map.of("vigil.ingest.port", "0", "vigil.topic-prefix", "it-1-"));

        assertThat(config.port()).isZero();
        assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(config.topicPrefix()).isEqualTo("it-1-");
    }

    @Test
    void shouldReportEveryInvalidValueAtOnce() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> resolve(
                        Map.of(),
                        Map.of(
                                "vigil.ingest.port", "70000",
                                "vigil.ingest.max-body-bytes", "0",
                                "vigil.topic-prefix", "bad prefix/")));

        assertThat(e.problems())
                .satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).startsWith("vigil.topic-prefix"),
                        p -> assertThat(p).startsWith("vigil.ingest.port"),
                        p -> assertThat(p).startsWith("vigil.ingest.max-body-bytes"));
    }

    @Test
    void shouldGenerateTheSecretHashKeyUnlessOneIsConfiguredAndRefuseAShortOne() {
        IngestConfig defaults = resolve(Map.of(), Map.of());
        assertThat(defaults.secretHashKey()).isEmpty();
        assertThat(defaults.dataDir()).isEqualTo(".vigil");

        IngestConfig configured =
                resolve(Map.of("VIGIL_INGEST_SECRET_HASH_KEY", "k".repeat(32)), Map.of("vigil.data-dir", "/srv/vigil"));
        assertThat(configured.secretHashKey()).hasSize(32);
        assertThat(configured.dataDir()).isEqualTo("/srv/vigil");
        assertThat(configured.toString()).doesNotContain("k".repeat(32));

        ConfigException e = catchThrowableOfType(
                ConfigException.class, () -> resolve(Map.of(), Map.of("vigil.ingest.secret-hash-key", "short")));
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith("vigil.ingest.secret-hash-key")
                .doesNotContain("short"));
    }

    @Test
    void shouldPassProducerPropertiesThroughButNeverWeakenDelivery() {
        IngestConfig config = resolve(
                Map.of(),
                Map.of(
                        "vigil.kafka.producer.acks", "0",
                        "vigil.kafka.producer.enable.idempotence", "false",
                        "vigil.kafka.producer.security.protocol", "SSL",
                        "vigil.kafka.producer.linger.ms", "20"));

        Map<String, Object> props = KafkaSink.properties(config);

        assertThat(props)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20")
                .containsEntry("security.protocol", "SSL")
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    }

    @Test
    void shouldTuneTheProducerForTheRequestPathUnlessOverridden() {
        Map<String, Object> defaults = KafkaSink.properties(resolve(Map.of(), Map.of()));
        Map<String, Object> overridden =
                KafkaSink.properties(resolve(Map.of(), Map.of("vigil.kafka.producer.batch.size", "16384")));

        assertThat(defaults)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "1")
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "65536")
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "vigil-ingest")
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        assertThat(overridden)
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "16384")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "1");
    }

    @Test
    void shouldLetTheProducerSendWhatTheBodyLimitAdmits() {
        Map<String, Object> props = KafkaSink.properties(resolve(Map.of(), Map.of()));

        assertThat(Long.parseLong(
                        props.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG).toString()))
                .isGreaterThan(2 * 10L * 1024 * 1024);
    }

    @Test
    void shouldPutWebhookSourcesInTheDataFolderAndRememberDeliveriesADay() {
        IngestConfig defaults = resolve(Map.of(), Map.of("vigil.data-dir", "/srv/vigil"));
        IngestConfig explicit = resolve(
                Map.of("VIGIL_INGEST_DEDUP_TTL_SECONDS", "60"),
                Map.of(
                        "vigil.ingest.webhook-sources-file",
                        "/etc/vigil/hooks.json",
                        "vigil.ingest.dedup.max-entries",
                        "0"));

        assertThat(defaults.webhookSourcesFile()).isEqualTo(java.nio.file.Path.of("/srv/vigil/webhook-sources.json"));
        assertThat(defaults.dedupMaxEntries()).isEqualTo(100_000);
        assertThat(defaults.dedupTtl()).isEqualTo(java.time.Duration.ofDays(1));
        assertThat(explicit.webhookSourcesFile()).isEqualTo(java.nio.file.Path.of("/etc/vigil/hooks.json"));
        assertThat(explicit.dedupMaxEntries()).isZero();
        assertThat(explicit.dedupTtl()).isEqualTo(java.time.Duration.ofSeconds(60));
    }
}
