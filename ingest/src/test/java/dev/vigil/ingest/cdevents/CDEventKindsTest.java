package dev.vigil.ingest.cdevents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.PipelineEventKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CDEventKindsTest {

    @ParameterizedTest(name = "{0}.{1} -> {2}")
    @CsvSource({
        "change, created, CHANGE_CREATED",
        "change, updated, CHANGE_UPDATED",
        "change, reviewed, CHANGE_REVIEWED",
        "change, merged, CHANGE_MERGED",
        "change, abandoned, CHANGE_ABANDONED",
        "branch, created, BRANCH_CREATED",
        "branch, deleted, BRANCH_DELETED",
        "repository, created, REPOSITORY_CHANGED",
        "repository, modified, REPOSITORY_CHANGED",
        "repository, deleted, REPOSITORY_CHANGED",
        "pipelinerun, queued, PIPELINE_RUN_QUEUED",
        "pipelinerun, started, PIPELINE_RUN_STARTED",
        "pipelinerun, finished, PIPELINE_RUN_FINISHED",
        "taskrun, started, TASK_RUN_STARTED",
        "taskrun, finished, TASK_RUN_FINISHED",
        "build, queued, BUILD_QUEUED",
        "build, started, BUILD_STARTED",
        "build, finished, BUILD_FINISHED",
        "artifact, packaged, ARTIFACT_PACKAGED",
        "artifact, signed, ARTIFACT_SIGNED",
        "artifact, published, ARTIFACT_PUBLISHED",
        "artifact, deleted, ARTIFACT_DELETED",
        "artifact, downloaded, UNKNOWN",
        "testcaserun, finished, TEST_CASE_FINISHED",
        "testcaserun, skipped, TEST_CASE_FINISHED",
        "testcaserun, started, UNKNOWN",
        "testsuiterun, started, TEST_SUITE_STARTED",
        "testsuiterun, finished, TEST_SUITE_FINISHED",
        "testoutput, published, TEST_OUTPUT_PUBLISHED",
        "environment, created, ENVIRONMENT_CHANGED",
        "environment, modified, ENVIRONMENT_CHANGED",
        "environment, deleted, ENVIRONMENT_CHANGED",
        "service, deployed, SERVICE_DEPLOYED",
        "service, upgraded, SERVICE_UPGRADED",
        "service, rolledback, SERVICE_ROLLED_BACK",
        "service, removed, SERVICE_REMOVED",
        "service, published, UNKNOWN",
        "incident, detected, INCIDENT_DETECTED",
        "incident, reported, INCIDENT_REPORTED",
        "incident, resolved, INCIDENT_RESOLVED",
        "ticket, created, TICKET_CREATED",
        "ticket, updated, TICKET_UPDATED",
        "ticket, closed, TICKET_CLOSED",
        "approval, created, APPROVAL_REQUESTED",
        "approval, updated, APPROVAL_REQUESTED",
        "testsuiterun, queued, UNKNOWN",
        "testcaserun, queued, UNKNOWN",
        "approval, closed, APPROVAL_DECIDED",
        "spaceship, launched, UNKNOWN",
        "change, exploded, UNKNOWN",
    })
    void shouldMapSubjectAndPredicateToKind(String subject, String predicate, PipelineEventKind kind) {
        assertThat(CDEventKinds.of(subject, predicate)).isEqualTo(kind);
    }
}
