package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.ingest.cdevents.CDEventsAdapter;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishCommandTest {

    static final String SHA = "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c";
    static final String DIGEST = "sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427";
    static final String KEY = "vgl_abcdefghijkl_" + "s".repeat(43);
    static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");

    static final Map<String, String> GITHUB = Map.of(
            "GITHUB_ACTIONS", "true",
            "GITHUB_SERVER_URL", "https://github.com",
            "GITHUB_REPOSITORY", "acme/shop",
            "GITHUB_SHA", SHA,
            "GITHUB_REF_NAME", "main",
            "GITHUB_RUN_ID", "555",
            "GITHUB_RUN_ATTEMPT", "1",
            "GITHUB_ACTOR", "octocat");

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env, String... args) {
        PublishCommand command = new PublishCommand(
                CliArgs.parse(args),
                new PublishCommand.Env(env, Clock.fixed(NOW, ZoneOffset.UTC), d -> {}, () -> "evt-1"),
                PublishClient.defaultHttpClient(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return command.run();
    }

    static Map<String, String> with(Map<String, String> base, String... more) {
        Map<String, String> env = new HashMap<>(base);
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    /** What ingest's CDEvents adapter makes of an event this command built. */
    static PipelineEvent ingested(ObjectNode cloudEvent) throws Exception {
        RawInput input = RawInput.of(
                "acme", CDEventsAdapter.STRUCTURED, Map.of(), Json.mapper().writeValueAsBytes(cloudEvent), NOW);
        List<Normalized> normalized = new CDEventsAdapter().normalize(input);
        assertThat(normalized).hasSize(1);
        return ((Normalized.Event) normalized.get(0)).event();
    }

    static CiEnvironment github(String... flags) {
        return CiEnvironment.detect(GITHUB).withOverrides(CliArgs.parse(flags));
    }

    @Test
    void shouldBuildAProductionDeploymentTheCDEventsAdapterMapsWithItsContext() throws Exception {
        String[] flags = {"--env", "production", "--digest", DIGEST, "--emergency", "--approvers", "bob, carol"};
        ObjectNode event = PublishEvents.build("deployment", CliArgs.parse(flags), github(flags), NOW, "evt-1");

        assertThat(event.get("type").asText()).isEqualTo("dev.cdevents.service.deployed.0.3.0");
        PipelineEvent e = ingested(event);
        assertThat(e.getKind()).isEqualTo(PipelineEventKind.SERVICE_DEPLOYED);
        assertThat(e.getScope()).isEqualTo("github.com/acme/shop");
        assertThat(e.getSourceEventId()).isEqualTo("evt-1");
        assertThat(e.getSource()).isEqualTo("https://github.com/acme/shop/actions/runs/555/attempts/1");
        assertThat(e.getEventTime()).isEqualTo(NOW);
        assertThat(e.getSubject().getEnvironment()).isEqualTo("production");
        assertThat(e.getSubject().getCommitSha()).isEqualTo(SHA);
        assertThat(e.getSubject().getBranch()).isEqualTo("main");
        assertThat(e.getSubject().getService()).isEqualTo("shop");
        assertThat(e.getSubject().getArtifactDigest()).isEqualTo(DIGEST);
        assertThat(e.getActor().getId()).isEqualTo("octocat");
        JsonNode custom = Json.mapper().readTree(e.getCustomData());
        assertThat(custom.get(Attributes.DEPLOY_TIER).asText()).isEqualTo("production");
        assertThat(custom.get(Attributes.DEPLOY_EMERGENCY).asText()).isEqualTo("true");
        assertThat(custom.get(Attributes.DEPLOY_APPROVERS).asText()).isEqualTo("bob,carol");
        assertThat(custom.get(Attributes.PIPELINE_URL).asText())
                .isEqualTo("https://github.com/acme/shop/actions/runs/555/attempts/1");
    }

    @Test
    void shouldLeaveEmergencyUnsaidWhenTheFlagIsAbsent() throws Exception {
        String[] flags = {"--env", "staging-eu"};
        PipelineEvent e = ingested(PublishEvents.build("deployment", CliArgs.parse(flags), github(flags), NOW, "e"));

        JsonNode custom = Json.mapper().readTree(e.getCustomData());
        assertThat(custom.get(Attributes.DEPLOY_TIER).asText()).isEqualTo("staging");
        assertThat(custom.has(Attributes.DEPLOY_EMERGENCY)).isFalse();
    }

    @Test
    void shouldBuildAFailedTestSuiteRun() throws Exception {
        String[] flags = {"--outcome", "failure", "--suite", "integration", "--reason", "2 tests failed"};
        PipelineEvent e = ingested(PublishEvents.build("test", CliArgs.parse(flags), github(flags), NOW, "t-1"));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.TEST_SUITE_FINISHED);
        assertThat(e.getOutcome()).isEqualTo(Outcome.FAILURE);
        assertThat(e.getSubject().getCommitSha()).isEqualTo(SHA);
        assertThat(e.getAttributes()).containsEntry("testSuite.name", "integration");
        assertThat(Json.mapper()
                        .readTree(e.getCustomData())
                        .get(Attributes.TEST_SUITE)
                        .asText())
                .isEqualTo("integration");
    }

    @Test
    void shouldBuildASuccessfulBuildWithItsArtifact() throws Exception {
        String[] flags = {"--outcome", "success", "--artifact", "pkg:oci/shop@" + DIGEST.replace(":", "%3A")};
        PipelineEvent e = ingested(PublishEvents.build("build", CliArgs.parse(flags), github(flags), NOW, "b-1"));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.BUILD_FINISHED);
        assertThat(e.getOutcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(e.getSubject().getArtifactDigest()).isEqualTo(DIGEST);
        assertThat(e.getScope()).isEqualTo("github.com/acme/shop");
    }

    @Test
    void shouldBuildAPersonalDataBreachIncident() throws Exception {
        String[] flags = {
            "--incident",
            "INC-7",
            "--env",
            "prod",
            "--severity",
            "HIGH",
            "--personal-data-breach",
            "--aware-at",
            "2026-04-30T08:00:00Z",
            "--service",
            "shop"
        };
        PipelineEvent e = ingested(PublishEvents.build("incident", CliArgs.parse(flags), github(flags), NOW, "i-1"));

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.INCIDENT_DETECTED);
        assertThat(e.getSubject().getEnvironment()).isEqualTo("prod");
        JsonNode custom = Json.mapper().readTree(e.getCustomData());
        assertThat(custom.get(Attributes.INCIDENT_ID).asText()).isEqualTo("INC-7");
        assertThat(custom.get(Attributes.INCIDENT_SEVERITY).asText()).isEqualTo("high");
        assertThat(custom.get(Attributes.INCIDENT_PERSONAL_DATA_BREACH).asText())
                .isEqualTo("true");
        assertThat(custom.get(Attributes.INCIDENT_AWARE_AT).asText()).isEqualTo("2026-04-30T08:00:00Z");
    }

    @Test
    void shouldMapEnvironmentNamesToTiers() {
        assertThat(PublishEvents.tier("production")).isEqualTo("production");
        assertThat(PublishEvents.tier("prod-eu-1")).isEqualTo("production");
        assertThat(PublishEvents.tier("Staging")).isEqualTo("staging");
        assertThat(PublishEvents.tier("qa")).isEqualTo("testing");
        assertThat(PublishEvents.tier("dev")).isEqualTo("development");
        assertThat(PublishEvents.tier("product-demo")).isEqualTo("other");
    }

    @Test
    void shouldRefuseAShortCommitShaBeforeSendingAnything() {
        assertThatThrownBy(() -> run(
                        with(GITHUB, "VIGIL_URL", "http://127.0.0.1:1", "VIGIL_API_KEY", KEY),
                        "event",
                        "deployment",
                        "--env",
                        "production",
                        "--commit",
                        "abc123"))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--commit must be a full commit SHA");
    }

    @Test
    void shouldRequireTheEnvironmentOfADeployment() {
        assertThatThrownBy(() -> run(
                        with(GITHUB, "VIGIL_URL", "http://127.0.0.1:1", "VIGIL_API_KEY", KEY), "event", "deployment"))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessage("--env (the environment deployed to) is required");
    }

    @Test
    void shouldRefuseAnUnknownOutcome() {
        assertThatThrownBy(() -> run(
                        with(GITHUB, "VIGIL_URL", "http://127.0.0.1:1", "VIGIL_API_KEY", KEY),
                        "event",
                        "build",
                        "--outcome",
                        "green"))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--outcome takes success, failure, cancel or error; got 'green'");
    }

    @Test
    void shouldRefuseAnUnknownFormatOrEvent() {
        Map<String, String> env = with(GITHUB, "VIGIL_URL", "http://127.0.0.1:1", "VIGIL_API_KEY", KEY);

        assertThatThrownBy(() -> run(env, "zap", "report.json"))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("cannot publish 'zap'");
        assertThatThrownBy(() -> run(env, "event", "release"))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("unknown event 'release'; events: deployment, build, test, incident");
    }

    @Test
    void shouldRefuseAMisspeltOptionInsteadOfIgnoringIt() {
        assertThatThrownBy(() -> run(
                        with(GITHUB, "VIGIL_URL", "http://127.0.0.1:1", "VIGIL_API_KEY", KEY),
                        "event",
                        "deployment",
                        "--env",
                        "production",
                        "--emergancy",
                        "yes",
                        "--artefact",
                        "x"))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessage("unknown options --artefact, --emergancy for vigil publish");
    }

    @Test
    void shouldRequireTheUrlAndTheKey() throws Exception {
        Path report = Files.writeString(dir.resolve("r.sarif"), "{}");

        assertThatThrownBy(() -> run(with(GITHUB, "VIGIL_API_KEY", KEY), "sarif", report.toString()))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--url or VIGIL_URL is required");
        assertThatThrownBy(() -> run(with(GITHUB, "VIGIL_URL", "http://127.0.0.1:1"), "sarif", report.toString()))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("set VIGIL_API_KEY or pass --key-file");
    }

    @Test
    void shouldRefuseAKeyOnTheCommandLineWithoutEchoingIt() throws Exception {
        Path report = Files.writeString(dir.resolve("r.sarif"), "{}");

        assertThatThrownBy(() ->
                        run(with(GITHUB, "VIGIL_URL", "http://127.0.0.1:1"), "sarif", report.toString(), "--key", KEY))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("--key is not accepted")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void shouldRefuseAMissingOrEmptyReport() throws Exception {
        Map<String, String> env = with(GITHUB, "VIGIL_URL", "http://127.0.0.1:1", "VIGIL_API_KEY", KEY);
        Path empty = Files.writeString(dir.resolve("empty.json"), "");

        assertThatThrownBy(() -> run(env, "trivy", dir.resolve("nope.json").toString()))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageEndingWith("nope.json does not exist");
        assertThatThrownBy(() -> run(env, "trivy", empty.toString()))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("is empty: did the scanner run?");
    }

    @Test
    void shouldReadTheKeyFromAFileAndSendItOnlyAsBearerToken() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("key"), KEY + "\n");
        Path report = Files.writeString(dir.resolve("r.json"), "{\"Results\":[]}");
        try (TestHttpServer server = new TestHttpServer(TestHttpServer.accepted("scan-1", "scan-2"))) {
            int code = run(GITHUB, "trivy", report.toString(), "--url", server.url(), "--key-file", keyFile.toString());

            assertThat(code).isZero();
            assertThat(server.received).singleElement().satisfies(r -> {
                assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY);
                assertThat(r.rawQuery()).doesNotContain(KEY);
            });
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("scan-1\nscan-2\n");
            assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain(KEY).contains("stored as 2 record(s)");
        }
    }

    @Test
    void shouldExitOneWithTheProblemsDetailWhenIngestRefuses() throws Exception {
        Path report = Files.writeString(dir.resolve("r.json"), "[]");
        String problem = "{\"type\":\"https://vigil.dev/problems/unauthorized\",\"status\":401,"
                + "\"detail\":\"A valid API key is required (Authorization: Bearer <key>).\"}";
        try (TestHttpServer server = new TestHttpServer(TestHttpServer.answer(401, problem))) {
            int code = run(with(GITHUB, "VIGIL_API_KEY", KEY), "gitleaks", report.toString(), "--url", server.url());

            assertThat(code).isEqualTo(PublishCommand.REFUSED);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .isEqualTo(
                            "vigil publish: gitleaks report " + report + " refused: 401 unauthorized: A valid API key"
                                    + " is required (Authorization: Bearer <key>). Check VIGIL_API_KEY.\n");
            assertThat(server.received).hasSize(1);
        }
    }

    @Test
    void shouldExitThreeWhenIngestStaysUnavailable() throws Exception {
        Path report = Files.writeString(dir.resolve("r.json"), "{}");
        try (TestHttpServer server = new TestHttpServer(TestHttpServer.unavailable())) {
            int code = run(
                    with(GITHUB, "VIGIL_API_KEY", KEY),
                    "osv",
                    report.toString(),
                    "--url",
                    server.url(),
                    "--max-attempts",
                    "2");

            assertThat(code).isEqualTo(PublishCommand.UNAVAILABLE);
            assertThat(server.received).hasSize(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("gave up after 2 attempt(s): 503");
        }
    }

    @Test
    void shouldDispatchPublishFromVigilAndExitTwoOnAUsageError() {
        ByteArrayOutputStream vout = new ByteArrayOutputStream();
        ByteArrayOutputStream verr = new ByteArrayOutputStream();

        int code = Vigil.run(
                new String[] {"publish", "event"},
                new PrintStream(vout, true, StandardCharsets.UTF_8),
                new PrintStream(verr, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(verr.toString(StandardCharsets.UTF_8))
                .startsWith("vigil publish: usage: vigil publish event <deployment|build|test|incident>");
        assertThat(Vigil.usage()).contains("publish <format> FILE", "replay-rejected list|export|replay");
    }
}
