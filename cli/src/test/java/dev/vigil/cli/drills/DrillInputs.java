package dev.vigil.cli.drills;

import dev.vigil.schemas.Actor;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.FindingState;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.Tool;
import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A drill's inputs, as ingest would publish them: per subject a life of commits, each reviewed (or
 * not), merged, built, scanned (SAST and SCA, with findings) and deployed to staging or
 * production, round-robin over the subjects so every chain grows while the drill runs.
 * Deterministic for a seed, so a failing drill can be replayed.
 */
final class DrillInputs {

    static final String TENANT = "acme";
    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
    private static final int STEPS_PER_COMMIT = 6;

    /** One input: the topic it goes to, its key, its id, and the serialized Avro value. */
    record Input(String topic, String key, String scope, String id, byte[] value) {}

    private DrillInputs() {}

    static List<Input> generate(Topics topics, int count, int subjects, long seed) {
        Random random = new Random(seed);
        List<Input> inputs = new ArrayList<>(count);
        int[] step = new int[subjects];
        for (int i = 0; i < count; i++) {
            int s = i % subjects;
            String scope = String.format(Locale.ROOT, "github.com/acme/svc-%03d", s);
            int n = step[s]++;
            int commit = n / STEPS_PER_COMMIT;
            String sha = String.format(Locale.ROOT, "%08x%032x", s, (long) commit * 7919 + seed);
            String id = String.format(Locale.ROOT, "drill-%03d-%06d", s, n);
            Instant at = START.plusSeconds(i);
            String key = SubjectKey.of(TENANT, scope);
            Input input =
                    switch (n % STEPS_PER_COMMIT) {
                        case 0 -> event(topics, key, scope, id, review(scope, id, sha, at, random.nextInt(5) > 0));
                        case 1 -> event(topics, key, scope, id, merge(scope, id, sha, at, commit));
                        case 2 -> event(topics, key, scope, id, build(scope, id, sha, at, random.nextInt(10) > 0));
                        case 3 -> scan(topics, key, scope, id, sast(scope, id, sha, at, random));
                        case 4 -> scan(topics, key, scope, id, sca(scope, id, sha, at, random));
                        default -> event(topics, key, scope, id, deploy(scope, id, sha, at, random.nextInt(3) == 0));
                    };
            inputs.add(input);
        }
        return inputs;
    }

    private static Input event(Topics topics, String key, String scope, String id, PipelineEvent event) {
        String topic = topics.pipelineEvents().name();
        return new Input(
                topic,
                key,
                scope,
                id,
                topics.pipelineEvents().valueSerde().serializer().serialize(topic, event));
    }

    private static Input scan(Topics topics, String key, String scope, String id, ScanResult scan) {
        String topic = topics.scanResults().name();
        return new Input(
                topic,
                key,
                scope,
                id,
                topics.scanResults().valueSerde().serializer().serialize(topic, scan));
    }

    private static PipelineEvent.Builder base(
            String scope, String id, String sha, Instant at, PipelineEventKind kind, String sourceType) {
        return PipelineEvent.newBuilder()
                .setId(id)
                .setTenant(TENANT)
                .setScope(scope)
                .setKind(kind)
                .setSourceType(sourceType)
                .setFormat(InputFormat.GITHUB)
                .setSource("https://github.com/" + scope.substring(scope.indexOf('/') + 1))
                .setSourceEventId("gh-" + id)
                .setEventTime(at)
                .setReceivedAt(at.plusMillis(400))
                .setSubject(Subject.newBuilder()
                        .setCommitSha(sha)
                        .setBranch("main")
                        .setService(scope.substring(scope.lastIndexOf('/') + 1))
                        .build())
                .setActor(Actor.newBuilder().setId("alice").setName("Alice").build())
                .setOutcome(Outcome.SUCCESS)
                .setAttributes(Map.of())
                .setEvidenceSha256(String.format(Locale.ROOT, "%064x", id.hashCode() & 0xffffffffL));
    }

    private static PipelineEvent review(String scope, String id, String sha, Instant at, boolean approved) {
        return base(scope, id, sha, at, PipelineEventKind.CHANGE_REVIEWED, "github.pull_request_review")
                .setActor(Actor.newBuilder().setId("bob").setName("Bob").build())
                .setAttributes(Map.of(
                        Attributes.REVIEW_STATE,
                        approved ? "approved" : "commented",
                        Attributes.REVIEW_COMMIT_SHA,
                        sha))
                .build();
    }

    private static PipelineEvent merge(String scope, String id, String sha, Instant at, int commit) {
        return base(scope, id, sha, at, PipelineEventKind.CHANGE_MERGED, "github.pull_request")
                .setSubject(Subject.newBuilder()
                        .setCommitSha(sha)
                        .setBranch("main")
                        .setChangeId(Integer.toString(commit + 1))
                        .build())
                .setAttributes(Map.of(
                        Attributes.CHANGE_MERGE_SHA, sha,
                        Attributes.CHANGE_TARGET_BRANCH, "main",
                        Attributes.CHANGE_APPROVERS, "bob"))
                .build();
    }

    private static PipelineEvent build(String scope, String id, String sha, Instant at, boolean success) {
        return base(scope, id, sha, at, PipelineEventKind.PIPELINE_RUN_FINISHED, "github.workflow_run")
                .setOutcome(success ? Outcome.SUCCESS : Outcome.FAILURE)
                .setAttributes(Map.of(Attributes.PIPELINE_NAME, "ci"))
                .build();
    }

    private static PipelineEvent deploy(String scope, String id, String sha, Instant at, boolean production) {
        String environment = production ? "production" : "staging";
        return base(scope, id, sha, at, PipelineEventKind.SERVICE_DEPLOYED, "github.deployment_status")
                .setSubject(Subject.newBuilder()
                        .setCommitSha(sha)
                        .setEnvironment(environment)
                        .setService(scope.substring(scope.lastIndexOf('/') + 1))
                        .build())
                .setAttributes(Map.of(Attributes.DEPLOY_ID, id, Attributes.DEPLOY_TIER, environment))
                .build();
    }

    private static ScanResult.Builder scanBase(String scope, String id, String sha, Instant at) {
        return ScanResult.newBuilder()
                .setId(id)
                .setTenant(TENANT)
                .setScope(scope)
                .setSource("https://ci.example.com/" + scope)
                .setSourceEventId("scan-" + id)
                .setScannedAt(at)
                .setReceivedAt(at.plusMillis(700))
                .setSubject(Subject.newBuilder().setCommitSha(sha).build())
                .setEvidenceSha256(String.format(Locale.ROOT, "%064x", (long) id.hashCode() << 8));
    }

    private static ScanResult sast(String scope, String id, String sha, Instant at, Random random) {
        List<Finding> findings = findings(random, "semgrep.python.sqli", random.nextInt(4));
        return scanBase(scope, id, sha, at)
                .setFormat(InputFormat.SARIF)
                .setCategory(ScanCategory.SAST)
                .setTool(Tool.newBuilder()
                        .setName("semgrep")
                        .setVersion("1.90.0")
                        .build())
                .setFindingCount(findings.size())
                .setFindings(findings)
                .build();
    }

    private static ScanResult sca(String scope, String id, String sha, Instant at, Random random) {
        List<Finding> findings = findings(random, "CVE-2024-", random.nextInt(6));
        return scanBase(scope, id, sha, at)
                .setFormat(InputFormat.TRIVY)
                .setCategory(ScanCategory.SCA)
                .setTool(Tool.newBuilder().setName("trivy").setVersion("0.56.2").build())
                .setFindingCount(findings.size())
                .setFindings(findings)
                .build();
    }

    private static List<Finding> findings(Random random, String rulePrefix, int count) {
        Severity[] severities = {Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL};
        List<Finding> findings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int rule = random.nextInt(50);
            findings.add(Finding.newBuilder()
                    .setFingerprint(rulePrefix + rule + "#" + i)
                    .setRuleId(rulePrefix + rule)
                    .setTitle("finding " + rule)
                    .setSeverity(severities[random.nextInt(severities.length)])
                    .setState(FindingState.OPEN)
                    .setPackageName(rule % 2 == 0 ? "requests" : null)
                    .setPackageVersion(rule % 2 == 0 ? "2.19.0" : null)
                    .build());
        }
        return findings;
    }
}
