package dev.vigil.ingest.cdevents;

import static java.util.Map.entry;

import dev.vigil.schemas.PipelineEventKind;
import java.util.Map;

/**
 * CDEvents {@code subject.predicate} to Vigil's event kind. Types without a kind of their own
 * (a queued test case, a downloaded artifact, a subject from a newer spec) map to UNKNOWN and
 * are still accepted: the trail keeps them and {@code sourceType} says what they were.
 */
public final class CDEventKinds {

    private static final Map<String, PipelineEventKind> KINDS = Map.ofEntries(
            // core
            entry("pipelinerun.queued", PipelineEventKind.PIPELINE_RUN_QUEUED),
            entry("pipelinerun.started", PipelineEventKind.PIPELINE_RUN_STARTED),
            entry("pipelinerun.finished", PipelineEventKind.PIPELINE_RUN_FINISHED),
            entry("taskrun.started", PipelineEventKind.TASK_RUN_STARTED),
            entry("taskrun.finished", PipelineEventKind.TASK_RUN_FINISHED),
            // source code version control
            entry("repository.created", PipelineEventKind.REPOSITORY_CHANGED),
            entry("repository.modified", PipelineEventKind.REPOSITORY_CHANGED),
            entry("repository.deleted", PipelineEventKind.REPOSITORY_CHANGED),
            entry("branch.created", PipelineEventKind.BRANCH_CREATED),
            entry("branch.deleted", PipelineEventKind.BRANCH_DELETED),
            entry("change.created", PipelineEventKind.CHANGE_CREATED),
            entry("change.updated", PipelineEventKind.CHANGE_UPDATED),
            entry("change.reviewed", PipelineEventKind.CHANGE_REVIEWED),
            entry("change.merged", PipelineEventKind.CHANGE_MERGED),
            entry("change.abandoned", PipelineEventKind.CHANGE_ABANDONED),
            // continuous integration
            entry("build.queued", PipelineEventKind.BUILD_QUEUED),
            entry("build.started", PipelineEventKind.BUILD_STARTED),
            entry("build.finished", PipelineEventKind.BUILD_FINISHED),
            entry("artifact.packaged", PipelineEventKind.ARTIFACT_PACKAGED),
            entry("artifact.signed", PipelineEventKind.ARTIFACT_SIGNED),
            entry("artifact.published", PipelineEventKind.ARTIFACT_PUBLISHED),
            entry("artifact.deleted", PipelineEventKind.ARTIFACT_DELETED),
            // testing: a skipped test case is finished without running
            entry("testcaserun.finished", PipelineEventKind.TEST_CASE_FINISHED),
            entry("testcaserun.skipped", PipelineEventKind.TEST_CASE_FINISHED),
            entry("testsuiterun.started", PipelineEventKind.TEST_SUITE_STARTED),
            entry("testsuiterun.finished", PipelineEventKind.TEST_SUITE_FINISHED),
            entry("testoutput.published", PipelineEventKind.TEST_OUTPUT_PUBLISHED),
            // continuous deployment
            entry("environment.created", PipelineEventKind.ENVIRONMENT_CHANGED),
            entry("environment.modified", PipelineEventKind.ENVIRONMENT_CHANGED),
            entry("environment.deleted", PipelineEventKind.ENVIRONMENT_CHANGED),
            entry("service.deployed", PipelineEventKind.SERVICE_DEPLOYED),
            entry("service.upgraded", PipelineEventKind.SERVICE_UPGRADED),
            entry("service.rolledback", PipelineEventKind.SERVICE_ROLLED_BACK),
            entry("service.removed", PipelineEventKind.SERVICE_REMOVED),
            // continuous operations
            entry("incident.detected", PipelineEventKind.INCIDENT_DETECTED),
            entry("incident.reported", PipelineEventKind.INCIDENT_REPORTED),
            entry("incident.resolved", PipelineEventKind.INCIDENT_RESOLVED),
            entry("ticket.created", PipelineEventKind.TICKET_CREATED),
            entry("ticket.updated", PipelineEventKind.TICKET_UPDATED),
            entry("ticket.closed", PipelineEventKind.TICKET_CLOSED),
            // 0.6.0-draft: an updated approval is still waiting for its decision
            entry("approval.created", PipelineEventKind.APPROVAL_REQUESTED),
            entry("approval.updated", PipelineEventKind.APPROVAL_REQUESTED),
            entry("approval.closed", PipelineEventKind.APPROVAL_DECIDED));

    private CDEventKinds() {}

    public static PipelineEventKind of(String subject, String predicate) {
        return KINDS.getOrDefault(subject + "." + predicate, PipelineEventKind.UNKNOWN);
    }
}
