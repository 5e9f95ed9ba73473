package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.RejectedInput;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Argument handling and filters; reading the real topic is ReplayRejectedIT's. */
class ReplayRejectedCommandTest {

    static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");

    static ReplayRejectedCommand command(String... args) {
        return new ReplayRejectedCommand(
                CliArgs.parse(args),
                new PublishCommand.Env(Map.of(), Clock.fixed(NOW, ZoneOffset.UTC), d -> {}, () -> "x"),
                PublishClient.defaultHttpClient(),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
    }

    static RejectedInput rejected(String id, String tenant, int status, String type, Instant at) {
        return RejectedInput.newBuilder()
                .setId(id)
                .setTenant(tenant)
                .setReceivedAt(at)
                .setMethod("POST")
                .setPath("/v1/events")
                .setContentType("application/json")
                .setStatus(status)
                .setProblemType("https://vigil.dev/problems/" + type)
                .setReason("r")
                .setBody(ByteBuffer.wrap(new byte[] {'{', '}'}))
                .build();
    }

    @Test
    void shouldReadSinceAsInstantDateOrTimeAgo() {
        assertThat(ReplayRejectedCommand.since("2026-04-30T12:00:00Z", NOW)).isEqualTo("2026-04-30T12:00:00Z");
        assertThat(ReplayRejectedCommand.since("2026-04-30", NOW)).isEqualTo("2026-04-30T00:00:00Z");
        assertThat(ReplayRejectedCommand.since("24h", NOW)).isEqualTo("2026-04-30T10:00:00Z");
        assertThat(ReplayRejectedCommand.since("7d", NOW)).isEqualTo("2026-04-24T10:00:00Z");
        assertThatThrownBy(() -> ReplayRejectedCommand.since("last week", NOW))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--since takes");
    }

    @Test
    void shouldSelectByTenantTypeSlugStatusAndTime() {
        Predicate<RejectedInput> filter = command(
                        "list", "--tenant", "acme", "--type", "invalid-field", "--status", "400", "--since", "1h")
                .filter();

        assertThat(filter.test(rejected("a", "acme", 400, "invalid-field", NOW.minusSeconds(60))))
                .isTrue();
        assertThat(filter.test(rejected("b", "other", 400, "invalid-field", NOW.minusSeconds(60))))
                .isFalse();
        assertThat(filter.test(rejected("c", "acme", 415, "invalid-field", NOW.minusSeconds(60))))
                .isFalse();
        assertThat(filter.test(rejected("d", "acme", 400, "malformed-json", NOW.minusSeconds(60))))
                .isFalse();
        assertThat(filter.test(rejected("e", "acme", 400, "invalid-field", NOW.minusSeconds(7200))))
                .isFalse();
    }

    @Test
    void shouldMatchTheFullProblemTypeUriToo() {
        Predicate<RejectedInput> filter = command("list", "--type", "https://vigil.dev/problems/malformed-json")
                .filter();

        assertThat(filter.test(rejected("a", "acme", 400, "malformed-json", NOW)))
                .isTrue();
        assertThat(filter.test(rejected("b", "acme", 400, "invalid-field", NOW)))
                .isFalse();
    }

    @Test
    void shouldRefuseToReplayEverythingWithoutBeingAskedTo() {
        assertThatThrownBy(
                        () -> command("replay", "--url", "http://127.0.0.1:1").run())
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("replay needs --id ID, a filter (--tenant, --since, --type, --status) or --all");
    }

    @Test
    void shouldRefuseAFixedBodyWithoutTheRecordItFixes() {
        assertThatThrownBy(() -> command("replay", "--tenant", "acme", "--body", "fixed.json")
                        .run())
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--body replaces one record's body: give its --id");
    }

    @Test
    void shouldRefuseExportWithoutIdOrDirectoryAndUnknownActions() {
        assertThatThrownBy(() -> command("export", "--export", "out").run())
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("export needs --id ID and --export DIR");
        assertThatThrownBy(() -> command("purge").run())
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("vigil replay-rejected list");
        assertThatThrownBy(() -> command("list", "--status", "bad").run())
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--status takes an HTTP status like 400, not 'bad'");
    }
}
