package dev.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.topic.SubjectKey;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void shouldNameEveryTopicOfTheArchitectureWithThePrefix() {
        assertThat(Topics.withPrefix("it-1.").all())
                .extracting(Topic::name)
                .containsExactly(
                        "it-1.vigil.pipeline-events",
                        "it-1.vigil.scan-results",
                        "it-1.vigil.ingest-rejected",
                        "it-1.vigil.evidence",
                        "it-1.vigil.control-verdicts",
                        "it-1.vigil.violations",
                        "it-1.vigil.audit-trail",
                        "it-1.vigil.audit-checkpoints",
                        "it-1.vigil.streams-dlq",
                        "it-1.vigil.subscriptions",
                        "it-1.vigil.person-keys",
                        "it-1.vigil.evidence-keys");
    }

    @Test
    void shouldCompactPersonKeysSoonSoThatDestroyedKeysPhysicallyDisappear() {
        Topic<String, byte[]> keys = Topics.withPrefix("").personKeys();
        assertThat(keys.configs())
                .containsEntry("cleanup.policy", "compact")
                .containsEntry("min.cleanable.dirty.ratio", "0.01")
                .containsEntry("segment.ms", "3600000")
                .containsEntry("max.compaction.lag.ms", "3600000");
    }

    @Test
    void shouldCompactEvidenceKeysLikePersonKeysSoThatErasedPayloadKeysPhysicallyDisappear() {
        Topics topics = Topics.withPrefix("");
        assertThat(topics.evidenceKeys().configs())
                .isEqualTo(topics.personKeys().configs());
        assertThat(topics.evidenceKeys().name()).isEqualTo("vigil.evidence-keys");
    }

    @Test
    void shouldCoPartitionEverySubjectKeyedTopic() {
        Topics topics = Topics.withPrefix("");
        assertThat(topics.pipelineEvents().partitions())
                .isEqualTo(topics.scanResults().partitions())
                .isEqualTo(topics.auditTrail().partitions());
    }

    @Test
    void shouldKeepTheAuditTrailForever() {
        assertThat(Topics.withPrefix("").auditTrail().configs()).containsEntry("retention.ms", "-1");
    }

    @Test
    void shouldKeepEvidenceForeverAndCompactOnlyIdenticalCopies() {
        Topic<String, ?> evidence = Topics.withPrefix("").evidence();
        assertThat(evidence.configs())
                .containsEntry("cleanup.policy", "compact")
                .containsEntry("retention.ms", "-1");
        // A chunk plus its envelope must fit the topic's own limit.
        assertThat(Integer.parseInt(evidence.configs().get("max.message.bytes")))
                .isGreaterThan(Topics.EVIDENCE_CHUNK_BYTES + 64 * 1024);
    }

    @Test
    void shouldSplitASubjectKeyAtTheFirstSlashOnly() {
        SubjectKey key = SubjectKey.parse("acme/github.com/acme/shop");
        assertThat(key.tenant()).isEqualTo("acme");
        assertThat(key.scope()).isEqualTo("github.com/acme/shop");
        assertThat(SubjectKey.of("acme", "github.com/acme/shop")).isEqualTo("acme/github.com/acme/shop");
    }

    @Test
    void shouldRefuseATenantContainingASlash() {
        assertThatThrownBy(() -> SubjectKey.of("a/b", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
