package dev.vigil.ingest.cdevents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.ingest.adapter.RecordIds;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.serde.AvroSerde;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

class CDEventMappingTest {

    static final String DIGEST = "sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427";

    final CDEventsAdapter adapter = new CDEventsAdapter();

    PipelineEvent mapBare(byte[] body) throws InvalidInputException {
        return ((Normalized.Event) adapter.normalize(Samples.bare(body)).get(0)).event();
    }

    PipelineEvent mapStructured(byte[] body) throws InvalidInputException {
        return ((Normalized.Event) adapter.normalize(Samples.structured(body)).get(0)).event();
    }

    @ParameterizedTest(name = "{0} -> {1} in scope {2}")
    @CsvSource({
        "artifact_published.json,    ARTIFACT_PUBLISHED,  myapp",
        "artifact_signed.json,       ARTIFACT_SIGNED,     myapp",
        "build_finished.json,        BUILD_FINISHED,      myapp",
        "change_merged.json,         CHANGE_MERGED,       example.org/TestRepo/TestOrg",
        "change_reviewed.json,       CHANGE_REVIEWED,     example.org/TestRepo/TestOrg",
        "incident_detected.json,     INCIDENT_DETECTED,   myapp",
        "pipelinerun_finished.json,  PIPELINE_RUN_FINISHED, /event/source/123",
        "service_deployed.json,      SERVICE_DEPLOYED,    myapp",
        "testsuiterun_finished.json, TEST_SUITE_FINISHED, /event/source/123",
    })
    void shouldMapEverySampleToItsKindAndScope(String sample, PipelineEventKind kind, String scope) throws Exception {
        byte[] body = Samples.bytes(sample);
        ObjectNode cdevent = Samples.cdevent(sample);

        PipelineEvent event = mapBare(body);

        assertThat(event.getKind()).isEqualTo(kind);
        assertThat(event.getScope()).isEqualTo(scope);
        assertThat(event.getTenant()).isEqualTo("acme");
        assertThat(event.getFormat()).isEqualTo(InputFormat.CDEVENTS);
        assertThat(event.getSourceType()).isEqualTo(cdevent.at("/context/type").asText());
        assertThat(event.getSource()).isEqualTo(cdevent.at("/context/source").asText());
        assertThat(event.getSourceEventId()).isEqualTo(cdevent.at("/context/id").asText());
        assertThat(event.getId()).isEqualTo(RecordIds.of("acme", event.getSource(), event.getSourceEventId()));
        assertThat(event.getEventTime())
                .isEqualTo(Instant.parse(cdevent.at("/context/timestamp").asText()));
        assertThat(event.getReceivedAt()).isEqualTo(Instant.parse("2024-06-01T10:00:00.123Z"));
        assertThat(event.getEvidenceSha256()).isEqualTo(sha256(body));
        assertThat(event.getEvidenceSize()).isEqualTo(body.length);
        assertThat(event.getAttributes())
                .containsEntry("cdevents.subjectId", cdevent.at("/subject/id").asText());
    }

    @ParameterizedTest
    @FieldSource("dev.vigil.ingest.cdevents.Samples#ALL")
    void shouldMapEverySampleTheSameWhetherBareOrWrappedInACloudEvent(String sample) throws Exception {
        PipelineEvent bare = mapBare(Samples.bytes(sample));
        byte[] wrapped = Samples.json(Samples.cloudEvent(Samples.cdevent(sample)));

        PipelineEvent structured = mapStructured(wrapped);

        assertThat(structured.getEvidenceSha256()).isEqualTo(sha256(wrapped));
        structured.setEvidenceSha256(bare.getEvidenceSha256());
        structured.setEvidenceSize(bare.getEvidenceSize());
        assertThat(structured).isEqualTo(bare);
    }

    @ParameterizedTest
    @FieldSource("dev.vigil.ingest.cdevents.Samples#ALL")
    void shouldProduceRecordsTheRegistrySerdeRoundTrips(String sample) throws Exception {
        PipelineEvent event = mapBare(Samples.bytes(sample));
        AvroSerde<PipelineEvent> serde = AvroSerde.of(PipelineEvent.class);

        assertThat(serde.decode(serde.encode(event))).isEqualTo(event);
    }

    @Test
    void shouldTakeTheChangeIdFromTheSubjectOfAMergedChange() throws Exception {
        PipelineEvent event = mapBare(Samples.bytes("change_merged.json"));

        assertThat(event.getSubject().getChangeId()).isEqualTo("mySubject123");
        assertThat(event.getSubject().getArtifactDigest()).isNull();
        assertThat(event.getOutcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(event.getActor()).isNull();
        assertThat(event.getCustomData()).isNull();
        assertThat(event.getAttributes())
                .containsEntry("repository.id", "TestRepo/TestOrg")
                .containsEntry("repository.source", "https://example.org")
                .containsEntry("cdevents.chainId", "4c8cb7dd-3448-41de-8768-eec704e2829b")
                .containsEntry("cdevents.specversion", "0.6.0-draft");
    }

    @Test
    void shouldReadTheImageDigestFromTheBuildsArtifactPurl() throws Exception {
        PipelineEvent event = mapBare(Samples.bytes("build_finished.json"));

        assertThat(event.getSubject().getArtifactDigest()).isEqualTo(DIGEST);
        assertThat(event.getSubject().getArtifactName()).isEqualTo("pkg:oci/myapp");
    }

    @Test
    void shouldFillEnvironmentServiceAndDigestOfADeployment() throws Exception {
        PipelineEvent event = mapBare(Samples.bytes("service_deployed.json"));

        assertThat(event.getSubject().getEnvironment()).isEqualTo("test123");
        assertThat(event.getSubject().getService()).isEqualTo("mySubject123");
        assertThat(event.getSubject().getArtifactDigest()).isEqualTo(DIGEST);
        assertThat(event.getSubject().getArtifactName()).isEqualTo("pkg:oci/myapp");
    }

    @Test
    void shouldTakeThePublisherAsActorAndKeepANonDigestVersionOutOfTheDigest() throws Exception {
        PipelineEvent event = mapBare(Samples.bytes("artifact_published.json"));

        assertThat(event.getActor().getId()).isEqualTo("mybot-myapp");
        assertThat(event.getSubject().getArtifactName()).isEqualTo("pkg:golang/mygit.com/myorg/myapp");
        assertThat(event.getSubject().getArtifactDigest()).isNull();
        assertThat(event.getAttributes())
                .containsEntry("sbom.uri", "https://sbom.repo/myorg/234fd47e07d1004f0aed9c.sbom")
                .containsEntry("user", "mybot-myapp");
    }

    @Test
    void shouldMarkASignedArtifactSignedAndKeepTheSignatureOnlyAsEvidence() throws Exception {
        byte[] body = Samples.bytes("artifact_signed.json");
        PipelineEvent event = mapBare(body);

        assertThat(event.getAttributes())
                .containsEntry(Attributes.ARTIFACT_SIGNED, "true")
                .doesNotContainKey("signature");
        assertThat(event.getEvidenceSha256()).isEqualTo(sha256(body));
        assertThat(event.getSubject().getArtifactName()).isEqualTo("pkg:golang/mygit.com/myorg/myapp");
    }

    @Test
    void shouldKeepCustomDataAsJsonAndFillEnvironmentAndServiceOfAnIncident() throws Exception {
        PipelineEvent event = mapBare(Samples.bytes("incident_detected.json"));

        assertThat(Json.mapper().readTree(event.getCustomData()))
                .isEqualTo(Json.mapper()
                        .readTree("{\"metric\":\"responseTime\",\"threshold\":\"100ms\",\"value\":\"200ms\"}"));
        assertThat(event.getSubject().getEnvironment()).isEqualTo("prod1");
        assertThat(event.getSubject().getService()).isEqualTo("myApp");
        assertThat(event.getSubject().getArtifactDigest()).isEqualTo(DIGEST);
        assertThat(event.getEventTime()).isEqualTo(Instant.parse("2022-11-11T13:52:20.079Z"));
        assertThat(event.getAttributes()).containsEntry("description", "Response time above threshold of 100ms");
    }

    @Test
    void shouldMapTheOutcomeAndRunIdOfAFailedPipelineRun() throws Exception {
        PipelineEvent event = mapBare(Samples.bytes("pipelinerun_finished.json"));

        assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
        assertThat(event.getSubject().getPipelineRunId()).isEqualTo("mySubject123");
        assertThat(event.getAttributes())
                .containsEntry("pipelineName", "myPipeline")
                .containsEntry("errors", "Something went wrong\nWith some more details");
    }

    @Test
    void shouldFlattenNestedContentOfATestSuiteRun() throws Exception {
        PipelineEvent event = mapBare(Samples.bytes("testsuiterun_finished.json"));

        assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
        assertThat(event.getSubject().getEnvironment()).isEqualTo("dev");
        assertThat(event.getAttributes())
                .containsEntry("severity", "critical")
                .containsEntry("testSuite.name", "Auth TestSuite")
                .containsEntry("environment.source", "testkube-dev-123");
    }

    @Test
    void shouldGiveTheSameIdToARetriedEventAndDifferentIdsToOtherTenants() throws Exception {
        byte[] body = Samples.bytes("change_merged.json");
        PipelineEvent first = mapBare(body);
        PipelineEvent retried = mapBare(body);
        PipelineEvent otherTenant = ((Normalized.Event)
                        adapter.normalize(RawInput.of("globex", CDEventsAdapter.BARE, null, body, Samples.RECEIVED))
                                .get(0))
                .event();

        assertThat(retried.getId()).isEqualTo(first.getId());
        assertThat(otherTenant.getId()).isNotEqualTo(first.getId());
    }

    @Test
    void shouldTakeCommitBranchChangeAndActorFromCustomData() throws Exception {
        ObjectNode cdevent = Samples.cdevent("change_merged.json");
        ObjectNode custom = cdevent.putObject("customData");
        custom.put("commitSha", "0123456789ABCDEF0123456789abcdef01234567");
        custom.put("branch", "refs/heads/main");
        custom.put("changeId", 42);
        custom.putObject("actor")
                .put("id", "octocat")
                .put("name", "The Octocat")
                .put("email", "o@example.org");

        PipelineEvent event = mapBare(Samples.json(cdevent));

        assertThat(event.getSubject().getCommitSha()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
        assertThat(event.getSubject().getBranch()).isEqualTo("main");
        assertThat(event.getSubject().getChangeId()).isEqualTo("42");
        assertThat(event.getActor().getId()).isEqualTo("octocat");
        assertThat(event.getActor().getName()).isEqualTo("The Octocat");
        assertThat(event.getActor().getEmail()).isEqualTo("o@example.org");
    }

    @Test
    void shouldAcceptALoginStringAsCustomDataActor() throws Exception {
        ObjectNode cdevent = Samples.cdevent("service_deployed.json");
        cdevent.putObject("customData").put("actor", "deploy-bot");

        assertThat(mapBare(Samples.json(cdevent)).getActor().getId()).isEqualTo("deploy-bot");
    }

    @Test
    void shouldAcceptAnUnknownSubjectAsUnknownKind() throws Exception {
        ObjectNode cdevent = Samples.cdevent("change_merged.json");
        cdevent.withObjectProperty("context").put("type", "dev.cdevents.spaceship.launched.0.1.0-draft");

        PipelineEvent event = mapBare(Samples.json(cdevent));

        assertThat(event.getKind()).isEqualTo(PipelineEventKind.UNKNOWN);
        assertThat(event.getSourceType()).isEqualTo("dev.cdevents.spaceship.launched.0.1.0-draft");
        assertThat(event.getScope()).isEqualTo("example.org/TestRepo/TestOrg");
    }

    @ParameterizedTest(name = "repository {0} at {1} -> {2}")
    @CsvSource({
        "acme/shop,             https://github.com,        github.com/acme/shop",
        "acme/shop,             https://GitHub.com/,       github.com/acme/shop",
        "/acme/shop/,           https://gitlab.example:8443, gitlab.example/acme/shop",
        "acme/shop,             github.com,                github.com/acme/shop",
        "github.com/acme/shop,  https://github.com,        github.com/acme/shop",
        "acme/shop,             ,                          acme/shop",
        "acme/shop,             /relative/source,          acme/shop",
    })
    void shouldScopeByRepositoryHostAndId(String id, String source, String scope) {
        assertThat(CDEventMapper.repositoryScope(id, source)).isEqualTo(scope);
    }

    @Test
    void shouldScopeARepositoryEventByItsUrl() throws Exception {
        ObjectNode cdevent = Samples.cdevent("change_merged.json");
        cdevent.withObjectProperty("context").put("type", "dev.cdevents.repository.created.0.2.0");
        ObjectNode content = cdevent.withObjectProperty("subject").putObject("content");
        content.put("name", "shop").put("owner", "acme").put("url", "https://github.com/acme/shop.git");

        PipelineEvent event = mapBare(Samples.json(cdevent));

        assertThat(event.getKind()).isEqualTo(PipelineEventKind.REPOSITORY_CHANGED);
        assertThat(event.getScope()).isEqualTo("github.com/acme/shop");
    }

    @Test
    void shouldScopeByServiceWhenThereIsNeitherRepositoryNorPurl() throws Exception {
        ObjectNode cdevent = Samples.cdevent("incident_detected.json");
        ((ObjectNode) cdevent.at("/subject/content")).remove("artifactId");

        assertThat(mapBare(Samples.json(cdevent)).getScope()).isEqualTo("myApp");
    }

    @ParameterizedTest
    @CsvSource({
        "success, SUCCESS",
        "failure, FAILURE",
        "cancel, CANCELLED",
        "error, ERROR",
        "pass, SUCCESS",
        "fail, FAILURE",
        "Succeeded, SUCCESS",
        "skipped, UNKNOWN"
    })
    void shouldMapOutcomeWords(String word, Outcome outcome) {
        assertThat(CDEventMapper.outcome(word)).isEqualTo(outcome);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
