package dev.vigil.ingest.cdevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the controls read: Subject fields and {@link Attributes} keys per CDEvents type, and customData. */
class CDEventAttributesTest {

    static final String SHA = "9f3c0e1d2b4a5968778695a4b3c2d1e0f9a8b7c6";

    final CDEventsAdapter adapter = new CDEventsAdapter();

    PipelineEvent map(ObjectNode cdevent) throws InvalidInputException {
        return ((Normalized.Event)
                        adapter.normalize(Samples.bare(Samples.json(cdevent))).get(0))
                .event();
    }

    /** A CDEvent of {@code type} whose subject content is {@code content} (JSON). */
    static ObjectNode event(String type, String subjectId, String content) throws Exception {
        ObjectNode cdevent = Samples.cdevent("change_merged.json");
        cdevent.withObjectProperty("context").put("type", type).put("specversion", "0.5.0");
        ObjectNode subject = cdevent.withObjectProperty("subject");
        subject.put("id", subjectId);
        subject.set("content", Json.mapper().readTree(content));
        return cdevent;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            nullValues = "-",
            value = {
                "prod1, production",
                "eu-west-production, production",
                "prd, production",
                "preprod, staging",
                "staging-2, staging",
                "qa, testing",
                "test123, testing",
                "dev, development",
                "sandbox, development",
                "blue, -",
                "productive-cluster, -",
            })
    void shouldRecogniseTheDeployTierFromTheEnvironmentId(String environment, String tier) {
        assertThat(DeployTier.of(environment)).isEqualTo(java.util.Optional.ofNullable(tier));
    }

    @Test
    void shouldFillEnvironmentTierAndDigestOfAProductionDeploy() throws Exception {
        PipelineEvent event = map(event(
                "dev.cdevents.service.deployed.0.2.0",
                "checkout",
                "{\"environment\":{\"id\":\"prod-eu\",\"source\":\"/k8s\"},"
                        + "\"artifactId\":\"pkg:oci/checkout@sha256%3Aabcdef0123456789\"}"));

        assertThat(event.getKind()).isEqualTo(PipelineEventKind.SERVICE_DEPLOYED);
        assertThat(event.getSubject().getService()).isEqualTo("checkout");
        assertThat(event.getSubject().getEnvironment()).isEqualTo("prod-eu");
        assertThat(event.getSubject().getArtifactDigest()).isEqualTo("sha256:abcdef0123456789");
        assertThat(event.getAttributes()).containsEntry(Attributes.DEPLOY_TIER, "production");
    }

    @Test
    void shouldLeaveTheTierUnknownForAnEnvironmentNamedOtherwise() throws Exception {
        PipelineEvent event = map(event(
                "dev.cdevents.environment.created.0.2.0",
                "blue-cluster",
                "{\"name\":\"Blue\",\"uri\":\"https://k8s.example/blue\"}"));

        assertThat(event.getKind()).isEqualTo(PipelineEventKind.ENVIRONMENT_CHANGED);
        assertThat(event.getSubject().getEnvironment()).isEqualTo("blue-cluster");
        assertThat(event.getAttributes()).doesNotContainKey(Attributes.DEPLOY_TIER);
    }

    @Test
    void shouldTakePipelineNameAndUrlOfAPipelineRun() throws Exception {
        PipelineEvent event = map(event(
                "dev.cdevents.pipelinerun.finished.0.2.0",
                "run-7",
                "{\"pipelineName\":\"release\",\"uri\":\"https://ci.example/run/7\",\"outcome\":\"success\"}"));

        assertThat(event.getSubject().getPipelineRunId()).isEqualTo("run-7");
        assertThat(event.getAttributes())
                .containsEntry(Attributes.PIPELINE_NAME, "release")
                .containsEntry(Attributes.PIPELINE_URL, "https://ci.example/run/7");
        assertThat(event.getOutcome()).hasToString("SUCCESS");
    }

    @Test
    void shouldTakeTheTestSuiteAndEnvironmentOfATestSuiteRun() throws Exception {
        PipelineEvent event = map(Samples.cdevent("testsuiterun_finished.json"));

        assertThat(event.getAttributes())
                .containsEntry(Attributes.TEST_SUITE, "Auth TestSuite")
                .containsEntry(Attributes.DEPLOY_TIER, "development");
        assertThat(event.getSubject().getEnvironment()).isEqualTo("dev");
    }

    @Test
    void shouldTakeTheSbomAndChangeOfAPackagedArtifact() throws Exception {
        PipelineEvent event = map(event(
                "dev.cdevents.artifact.packaged.0.2.0",
                "pkg:oci/api@sha256%3A1234abcd",
                "{\"change\":{\"id\":\"PR-12\",\"source\":\"github.com/acme/api\"},"
                        + "\"sbom\":{\"uri\":\"https://sbom.example/api.cdx.json\"}}"));

        assertThat(event.getKind()).isEqualTo(PipelineEventKind.ARTIFACT_PACKAGED);
        assertThat(event.getSubject().getChangeId()).isEqualTo("PR-12");
        assertThat(event.getSubject().getArtifactDigest()).isEqualTo("sha256:1234abcd");
        assertThat(event.getAttributes())
                .containsEntry(Attributes.ARTIFACT_SBOM_URI, "https://sbom.example/api.cdx.json");
    }

    @Test
    void shouldTakeIncidentIdAndTicketUrlOfAReportedIncident() throws Exception {
        PipelineEvent event = map(event(
                "dev.cdevents.incident.reported.0.2.0",
                "INC-9",
                "{\"environment\":{\"id\":\"production\"},\"ticketURI\":\"https://jira.example/INC-9\","
                        + "\"description\":\"login down\"}"));

        assertThat(event.getKind()).isEqualTo(PipelineEventKind.INCIDENT_REPORTED);
        assertThat(event.getAttributes())
                .containsEntry(Attributes.INCIDENT_ID, "INC-9")
                .containsEntry(Attributes.TICKET_URL, "https://jira.example/INC-9")
                .containsEntry(Attributes.DEPLOY_TIER, "production");
    }

    @Test
    void shouldTakeResolutionLabelsAndCloserOfAClosedTicket() throws Exception {
        PipelineEvent event = map(event(
                "dev.cdevents.ticket.closed.0.1.0",
                "OPS-77",
                "{\"uri\":\"https://jira.example/OPS-77\",\"resolution\":\"completed\","
                        + "\"labels\":[\"emergency\",\"rca\"],\"creator\":\"alice\",\"updatedBy\":\"bob\"}"));

        assertThat(event.getKind()).isEqualTo(PipelineEventKind.TICKET_CLOSED);
        assertThat(event.getAttributes())
                .containsEntry(Attributes.TICKET_ID, "OPS-77")
                .containsEntry(Attributes.TICKET_URL, "https://jira.example/OPS-77")
                .containsEntry(Attributes.TICKET_RESOLUTION, "completed")
                .containsEntry(Attributes.TICKET_LABELS, "emergency,rca");
        assertThat(event.getActor().getId()).isEqualTo("bob");
    }

    @Test
    void shouldTakeTheCreatorAsActorOfACreatedTicket() throws Exception {
        PipelineEvent event = map(event(
                "dev.cdevents.ticket.created.0.1.0",
                "OPS-78",
                "{\"uri\":\"https://jira.example/OPS-78\",\"creator\":\"alice\"}"));

        assertThat(event.getActor().getId()).isEqualTo("alice");
    }

    @Test
    void shouldTakeDecisionTargetAndResponderOfAClosedApproval() throws Exception {
        PipelineEvent event = map(event(
                "dev.cdevents.approval.closed.0.1.0-draft",
                "approval-3",
                "{\"approvalDetailsUrl\":\"https://ci.example/a/3\",\"resourceTargetUrl\":\"https://ci.example/deploy/41\","
                        + "\"responder\":\"urn:user:carol\",\"decision\":\"approved\",\"status\":\"approved\"}"));

        assertThat(event.getKind()).isEqualTo(PipelineEventKind.APPROVAL_DECIDED);
        assertThat(event.getAttributes())
                .containsEntry(Attributes.APPROVAL_DECISION, "approved")
                .containsEntry(Attributes.APPROVAL_TARGET, "https://ci.example/deploy/41");
        assertThat(event.getActor().getId()).isEqualTo("urn:user:carol");
    }

    @Test
    void shouldLiftAttributeNamedCustomDataFlatAndNestedAndKeepTheRestOnlyAsJson() throws Exception {
        ObjectNode cdevent = Samples.cdevent("change_reviewed.json");
        cdevent.set(
                "customData",
                Json.mapper()
                        .readTree("{\"change.author\":\"octocat\",\"review\":{\"state\":\"approved\",\"commit-sha\":\""
                                + SHA.toUpperCase(java.util.Locale.ROOT)
                                + "\"},\"change.approvers\":[\"alice\",\"bob\"],\"change\":{\"labels\":[\"hotfix\"]},"
                                + "\"ticket\":\"not an attribute\",\"reviewer-note\":\"lgtm\",\"actor\":\"alice\"}"));

        PipelineEvent event = map(cdevent);

        assertThat(event.getKind()).isEqualTo(PipelineEventKind.CHANGE_REVIEWED);
        assertThat(event.getActor().getId()).isEqualTo("alice");
        assertThat(event.getAttributes())
                .containsEntry(Attributes.CHANGE_AUTHOR, "octocat")
                .containsEntry(Attributes.REVIEW_STATE, "approved")
                .containsEntry(Attributes.REVIEW_COMMIT_SHA, SHA)
                .containsEntry(Attributes.CHANGE_APPROVERS, "alice,bob")
                .containsEntry(Attributes.CHANGE_LABELS, "hotfix")
                .doesNotContainKeys("ticket", "reviewer-note", "customData.reviewer-note");
        assertThat(Json.mapper()
                        .readTree(event.getCustomData())
                        .get("reviewer-note")
                        .asText())
                .isEqualTo("lgtm");
    }

    @Test
    void shouldLetTheEventsOwnFieldsWinOverCustomData() throws Exception {
        ObjectNode cdevent = Samples.cdevent("service_deployed.json");
        cdevent.set("customData", Json.mapper().readTree("{\"deploy\":{\"tier\":\"development\",\"id\":\"d-1\"}}"));

        PipelineEvent event = map(cdevent);

        // environment id test123 says "testing"; customData only adds what the event does not say
        assertThat(event.getAttributes())
                .containsEntry(Attributes.DEPLOY_TIER, "testing")
                .containsEntry(Attributes.DEPLOY_ID, "d-1");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"review.commit-sha\":\"abc123\"}                 | /customData/review.commit-sha",
                "{\"change\":{\"merge-sha\":\"xyz\"}}                | /customData/change/merge-sha",
                "{\"change.approvers\":[\"alice\",{\"id\":\"b\"}]}  | /customData/change.approvers/1",
                "{\"review.state\":\"  \"}                           | /customData/review.state",
                "{\"review.state\":[]}                               | /customData/review.state",
            })
    void shouldRefuseAMalformedAttributeInCustomDataWithItsPointer(String customData, String pointer) throws Exception {
        ObjectNode cdevent = Samples.cdevent("change_reviewed.json");
        cdevent.set("customData", Json.mapper().readTree(customData));

        InvalidInputException e = catchThrowableOfType(
                InvalidInputException.class, () -> adapter.normalize(Samples.bare(Samples.json(cdevent))));

        assertThat(e).isNotNull();
        assertThat(e.pointer()).isEqualTo(pointer);
        assertThat(e.problem().detail()).startsWith(pointer);
    }

    @Test
    void shouldKnowEveryAttributesConstantAsLiftableName() {
        assertThat(CustomData.NAMES)
                .contains(Attributes.CHANGE_AUTHOR, Attributes.REVIEW_STATE, Attributes.INCIDENT_AWARE_AT)
                .allSatisfy(name -> assertThat(name).matches("[a-z0-9.-]+"));
    }
}
