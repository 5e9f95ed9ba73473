package dev.vigil.controls.cases;

import dev.vigil.schemas.Actor;
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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Builders for normalized inputs as ingest produces them (attributes keyed by {@code Attributes}). */
public final class Inputs {

    public static final String TENANT = "acme";
    public static final String SCOPE = "github.com/acme/shop";

    private Inputs() {}

    static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static EventBuilder event(String id, PipelineEventKind kind, Instant at) {
        return new EventBuilder(id, kind, at);
    }

    public static ScanBuilder scan(String id, ScanCategory category, Instant at) {
        return new ScanBuilder(id, category, at);
    }

    public static final class EventBuilder {
        private final PipelineEvent.Builder b;
        private final Subject.Builder s = Subject.newBuilder();
        private final Map<String, String> attrs = new HashMap<>();

        EventBuilder(String id, PipelineEventKind kind, Instant at) {
            b = PipelineEvent.newBuilder()
                    .setId(id)
                    .setTenant(TENANT)
                    .setScope(SCOPE)
                    .setKind(kind)
                    .setSourceType("test:" + kind.name().toLowerCase(java.util.Locale.ROOT))
                    .setFormat(InputFormat.GITHUB)
                    .setSource("https://github.com/acme/shop")
                    .setSourceEventId("src-" + id)
                    .setEventTime(at)
                    .setReceivedAt(at)
                    .setEvidenceSha256(sha256(id));
        }

        public EventBuilder sha(String v) {
            s.setCommitSha(v);
            return this;
        }

        public EventBuilder branch(String v) {
            s.setBranch(v);
            return this;
        }

        public EventBuilder change(String v) {
            s.setChangeId(v);
            return this;
        }

        public EventBuilder digest(String v) {
            s.setArtifactDigest(v);
            return this;
        }

        public EventBuilder env(String v) {
            s.setEnvironment(v);
            return this;
        }

        public EventBuilder run(String v) {
            s.setPipelineRunId(v);
            return this;
        }

        public EventBuilder service(String v) {
            s.setService(v);
            return this;
        }

        public EventBuilder actor(String v) {
            b.setActor(Actor.newBuilder().setId(v).build());
            return this;
        }

        public EventBuilder outcome(Outcome v) {
            b.setOutcome(v);
            return this;
        }

        public EventBuilder format(InputFormat f) {
            b.setFormat(f);
            return this;
        }

        public EventBuilder attr(String k, String v) {
            attrs.put(k, v);
            return this;
        }

        public PipelineEvent build() {
            return b.setSubject(s.build()).setAttributes(attrs).build();
        }

        public Step.Event step() {
            return new Step.Event(build());
        }
    }

    public static final class ScanBuilder {
        private final ScanResult.Builder b;
        private final Subject.Builder s = Subject.newBuilder();
        private final List<Finding> findings = new ArrayList<>();

        ScanBuilder(String id, ScanCategory category, Instant at) {
            b = ScanResult.newBuilder()
                    .setId(id)
                    .setTenant(TENANT)
                    .setScope(SCOPE)
                    .setFormat(InputFormat.SARIF)
                    .setCategory(category)
                    .setTool(Tool.newBuilder()
                            .setName("tool-" + category.name().toLowerCase(java.util.Locale.ROOT))
                            .build())
                    .setSource("ci")
                    .setSourceEventId("src-" + id)
                    .setScannedAt(at)
                    .setReceivedAt(at)
                    .setEvidenceSha256(sha256(id));
        }

        public ScanBuilder sha(String v) {
            s.setCommitSha(v);
            return this;
        }

        public ScanBuilder digest(String v) {
            s.setArtifactDigest(v);
            return this;
        }

        public ScanBuilder format(InputFormat f) {
            b.setFormat(f);
            return this;
        }

        public ScanBuilder incomplete() {
            b.setComplete(false);
            return this;
        }

        public ScanBuilder part(String sourceEventId, int part, int partCount) {
            b.setSourceEventId(sourceEventId).setPart(part).setPartCount(partCount);
            return this;
        }

        public ScanBuilder finding(String fingerprint, Severity severity) {
            return finding(fingerprint, severity, FindingState.OPEN, Map.of());
        }

        public ScanBuilder finding(
                String fingerprint, Severity severity, FindingState state, Map<String, String> attributes) {
            findings.add(Finding.newBuilder()
                    .setFingerprint(fingerprint)
                    .setRuleId("rule-" + fingerprint)
                    .setSeverity(severity)
                    .setState(state)
                    .setAttributes(new HashMap<>(attributes))
                    .build());
            return this;
        }

        public ScanResult build() {
            return b.setSubject(s.build())
                    .setFindings(findings)
                    .setFindingCount(findings.size())
                    .build();
        }

        public Step.Scan step() {
            return new Step.Scan(build());
        }
    }
}
