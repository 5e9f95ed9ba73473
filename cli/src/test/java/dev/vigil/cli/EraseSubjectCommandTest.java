package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.trail.privacy.PseudonymKeyConfig;
import dev.vigil.trail.privacy.Pseudonyms;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EraseSubjectCommandTest {

    @TempDir
    Path data;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Vigil.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldPrintThePersonsPseudonymOnADryRunWithTheSharedKey() {
        PseudonymKeyConfig.generate(data.resolve("keys/pseudonym.key"));
        Pseudonyms key = PseudonymKeyConfig.Source.of("", "", data).load();

        int code =
                run("erase-subject", "--tenant", "acme", "--person", "Alice", "--dry-run", "--data", data.toString());

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(key.ref("acme", "alice"))
                .contains("dry run")
                .doesNotContain("Alice");
    }

    @Test
    void shouldRefuseToRunWithoutAPseudonymKeyAndNotGenerateOne() {
        int code = run("erase-subject", "--tenant", "acme", "--person", "alice", "--data", data.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no pseudonym key");
        assertThat(data.resolve("keys/pseudonym.key")).doesNotExist();
    }

    @Test
    void shouldAnswerUsageErrorsWithExitCodeTwo() {
        assertThat(run("erase-subject", "--tenant", "acme", "--data", data.toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--person");
        assertThat(run("erase-subject", "--tenant", "acme", "--person", "a", "--timeout", "soon"))
                .isEqualTo(2);
        assertThat(run("erase-subject", "--person", "a", "--bogus", "x")).isEqualTo(2);
    }

    @Test
    void shouldAddressEachPartitionUnderItsOwnScopeAndNameOnlyThePseudonym() {
        String ref = new Pseudonyms(new byte[32]).ref("acme", "alice");

        PipelineEvent event = EraseSubjectCommand.request(
                "acme", ref, "DSR-7", "req-1", 3, Instant.parse("2026-11-24T06:00:00.123456789Z"), "ab".repeat(32), 90);

        assertThat(event.getKind()).isEqualTo(PipelineEventKind.ERASURE_REQUESTED);
        assertThat(event.getScope()).isEqualTo("vigil/erasure/p3");
        assertThat(event.getId()).isEqualTo("erasure:req-1:p3");
        assertThat(event.getActor()).isNull();
        assertThat(event.getAttributes())
                .containsEntry(Attributes.ERASURE_PERSON, ref)
                .containsEntry(Attributes.ERASURE_REFERENCE, "DSR-7")
                .hasSize(2);
        assertThat(event.toString()).doesNotContain("alice");
    }
}
