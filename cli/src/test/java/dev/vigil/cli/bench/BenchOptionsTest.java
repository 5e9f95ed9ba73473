package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.cli.CliArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchOptionsTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T09:30:05Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    static BenchOptions parse(Map<String, String> options) {
        return BenchOptions.parse(new CliArgs(null, Map.of(), options, List.of()), CLOCK);
    }

    @Test
    void shouldDefaultToTheIssuesRunIntoATimestampedFolder() {
        BenchOptions o = parse(Map.of());
        assertThat(o.out()).isEqualTo(Path.of("bench-results/20261124T093005Z").toAbsolutePath());
        assertThat(o.tenants()).isEqualTo(4);
        assertThat(o.repositories()).isEqualTo(50);
        assertThat(o.stepSeconds()).isEqualTo(20);
        assertThat(o.startRate()).isEqualTo(25);
        assertThat(o.rateFactor()).isEqualTo(1.5);
        assertThat(o.maxSteps()).isEqualTo(12);
        assertThat(o.halfSeconds()).isEqualTo(60);
        assertThat(o.concurrency()).isEqualTo(32);
        assertThat(o.ceilingInputs()).isEqualTo(5000);
        assertThat(o.soak()).isNull();
        assertThat(o.external()).isFalse();
    }

    @Test
    void shouldShrinkEverythingForQuickButLetExplicitOptionsWin() {
        BenchOptions o = parse(Map.of("quick", "true", "max-steps", "2"));
        assertThat(o.tenants()).isEqualTo(2);
        assertThat(o.repositories()).isEqualTo(5);
        assertThat(o.stepSeconds()).isEqualTo(5);
        assertThat(o.halfSeconds()).isEqualTo(5);
        assertThat(o.ceilingInputs()).isEqualTo(300);
        assertThat(o.maxSteps()).isEqualTo(2);
    }

    @Test
    void shouldRefuseUnknownAndInvalidOptions() {
        assertThatThrownBy(() -> parse(Map.of("step-secnds", "5")))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--step-secnds");
        assertThatThrownBy(() -> parse(Map.of("rate-factor", "1")))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--rate-factor");
        assertThatThrownBy(() -> parse(Map.of("tenants", "many")))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--tenants");
        assertThatThrownBy(() -> parse(Map.of("rate", "10")))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--duration");
        assertThatThrownBy(() -> parse(Map.of("kafka", "127.0.0.1:9092")))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--external");
        assertThatThrownBy(() -> parse(Map.of("external", "true", "kafka", "127.0.0.1:9092")))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--external needs --elasticsearch");
    }

    @Test
    void shouldParseSoakDurations() {
        assertThat(BenchOptions.duration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(BenchOptions.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(BenchOptions.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(BenchOptions.duration("PT45S")).isEqualTo(Duration.ofSeconds(45));
        assertThatThrownBy(() -> BenchOptions.duration("soon")).isInstanceOf(CliArgs.UsageException.class);
        assertThatThrownBy(() -> BenchOptions.duration("0s")).isInstanceOf(CliArgs.UsageException.class);
        assertThat(parse(Map.of("duration", "90s", "rate", "12.5")).rate()).isEqualTo(12.5);
    }

    @Test
    void shouldParsePids() {
        assertThat(BenchOptions.pids("kafka=12, ingest=34"))
                .containsExactly(Map.entry("kafka", 12L), Map.entry("ingest", 34L));
        assertThatThrownBy(() -> BenchOptions.pids("kafka")).isInstanceOf(CliArgs.UsageException.class);
        assertThatThrownBy(() -> BenchOptions.pids("kafka=-1")).isInstanceOf(CliArgs.UsageException.class);
    }

    @Test
    void shouldReadTenantKeysWithoutEverNamingAKey() throws Exception {
        Path file = dir.resolve("keys.properties");
        Files.writeString(file, "acme.publisher=vgl_pub_SECRET1\nacme.auditor=vgl_aud_SECRET2\n");
        Map<String, String> publishers = new TreeMap<>();
        Map<String, String> auditors = new TreeMap<>();
        BenchCluster.readTenantKeys(file, publishers, auditors);
        assertThat(publishers).containsExactly(Map.entry("acme", "vgl_pub_SECRET1"));
        assertThat(auditors).containsExactly(Map.entry("acme", "vgl_aud_SECRET2"));

        Files.writeString(file, "acme.publisher=vgl_pub_SECRET1\n");
        assertThatThrownBy(() -> BenchCluster.readTenantKeys(file, new TreeMap<>(), new TreeMap<>()))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("acme")
                .hasMessageNotContaining("SECRET");
        Files.writeString(file, "acme.admin=vgl_adm_SECRET3\n");
        assertThatThrownBy(() -> BenchCluster.readTenantKeys(file, new TreeMap<>(), new TreeMap<>()))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageNotContaining("SECRET");
    }

    @Test
    void shouldRecordTheEffectiveTunablesButNoSecret() {
        CliArgs cli = new CliArgs(null, Map.of(), Map.of(), List.of());
        Map<String, String> settings = BenchCluster.effectiveSettings(
                cli,
                Map.of(
                        "vigil.streams.commit-interval-ms", "250",
                        "vigil.kafka.producer.linger.ms", "5",
                        "vigil.ingest.secret-hash-key", "0123456789abcdefXYZ"));
        assertThat(settings)
                .containsEntry("vigil.streams.commit-interval-ms", "250")
                .containsEntry("vigil.indexer.batch-size", "1000")
                .containsEntry("vigil.kafka.producer.linger.ms", "5")
                .doesNotContainKey("vigil.ingest.secret-hash-key");
        assertThat(settings.values()).noneMatch(v -> v.contains("0123456789abcdef"));
    }
}
