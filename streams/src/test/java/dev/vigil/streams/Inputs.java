package dev.vigil.streams;

import dev.vigil.schemas.Actor;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.Tool;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Realistic inputs for the tests, as ingest would produce them. */
public final class Inputs {

    public static final String TENANT = "acme";
    public static final Instant EVENT_TIME = Instant.parse("2026-03-01T10:15:30.123456Z");

    private Inputs() {}

    public static PipelineEvent merged(String scope, String id) {
        return PipelineEvent.newBuilder()
                .setId(id)
                .setTenant(TENANT)
                .setScope(scope)
                .setKind(PipelineEventKind.CHANGE_MERGED)
                .setSourceType("dev.cdevents.change.merged.0.3.0")
                .setFormat(InputFormat.CDEVENTS)
                .setSource("https://github.com/" + scope)
                .setSourceEventId("src-" + id)
                .setEventTime(EVENT_TIME)
                .setReceivedAt(Instant.parse("2026-03-01T10:15:31.000Z"))
                .setSubject(Subject.newBuilder()
                        .setCommitSha("0123456789abcdef0123456789abcdef01234567")
                        .setBranch("main")
                        .setChangeId("42")
                        .build())
                .setActor(Actor.newBuilder().setId("alice").setName("Alice").build())
                .setOutcome(Outcome.SUCCESS)
                .setAttributes(Map.of("reviewer", "bob", "review_state", "approved"))
                .setEvidenceSha256("ab".repeat(32))
                .build();
    }

    /** A merge of {@code sha}: approved by bob (an independent reviewer) or not reviewed at all. */
    public static PipelineEvent mergedCommit(String scope, String id, String sha, boolean approved) {
        PipelineEvent base = merged(scope, id);
        return PipelineEvent.newBuilder(base)
                .setSubject(
                        Subject.newBuilder(base.getSubject()).setCommitSha(sha).build())
                .setAttributes(approved ? Map.of("reviewer", "bob", "review_state", "approved") : Map.of())
                .build();
    }

    /** A complete SAST scan of {@code sha}. */
    public static ScanResult sastOf(String scope, String id, String sha) {
        ScanResult base = sast(scope, id);
        return ScanResult.newBuilder(base)
                .setSubject(Subject.newBuilder().setCommitSha(sha).build())
                .build();
    }

    public static ScanResult sast(String scope, String id) {
        return ScanResult.newBuilder()
                .setId(id)
                .setTenant(TENANT)
                .setScope(scope)
                .setFormat(InputFormat.SARIF)
                .setCategory(ScanCategory.SAST)
                .setTool(Tool.newBuilder()
                        .setName("semgrep")
                        .setVersion("1.90.0")
                        .build())
                .setSource("ci.example.com")
                .setSourceEventId("run-" + id)
                .setScannedAt(EVENT_TIME)
                .setReceivedAt(Instant.parse("2026-03-01T10:16:00.000Z"))
                .setSubject(Subject.newBuilder()
                        .setCommitSha("0123456789abcdef0123456789abcdef01234567")
                        .build())
                .setFindingCount(3)
                .setFindings(List.of(
                        finding("f1", Severity.HIGH), finding("f2", Severity.CRITICAL), finding("f3", Severity.HIGH)))
                .setEvidenceSha256("cd".repeat(32))
                .build();
    }

    private static Finding finding(String fingerprint, Severity severity) {
        return Finding.newBuilder()
                .setFingerprint(fingerprint)
                .setRuleId("py/sql-injection")
                .setSeverity(severity)
                .build();
    }
}
