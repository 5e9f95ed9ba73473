package dev.vigil.auditapi.violations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.common.auth.Principal;
import dev.vigil.common.auth.Role;
import dev.vigil.common.http.ProblemException;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RiskAcceptanceRequestTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private static RiskAcceptanceRequest parse(String json) {
        return RiskAcceptanceRequest.parse(json.getBytes(StandardCharsets.UTF_8), NOW, 365);
    }

    private static ProblemException refused(String json) {
        return catchThrowableOfType(ProblemException.class, () -> parse(json));
    }

    @Test
    void shouldAcceptAJustificationAndAFutureExpiryWithAnOffset() {
        RiskAcceptanceRequest r =
                parse("{\"justification\":\"  compensating WAF rule  \",\"expires_at\":\"2026-04-01T12:00:00+02:00\"}");

        assertThat(r.justification()).isEqualTo("compensating WAF rule");
        assertThat(r.expiresAt()).isEqualTo(Instant.parse("2026-04-01T10:00:00Z"));
    }

    @Test
    void shouldNameTheJustificationWhenItIsMissingBlankOrTooLong() {
        assertThat(refused("{\"expires_at\":\"2026-04-01T00:00:00Z\"}")
                        .problem()
                        .pointer())
                .isEqualTo("/justification");
        assertThat(refused("{\"justification\":\"   \",\"expires_at\":\"2026-04-01T00:00:00Z\"}")
                        .problem()
                        .pointer())
                .isEqualTo("/justification");
        ProblemException tooLong =
                refused("{\"justification\":\"" + "x".repeat(2001) + "\",\"expires_at\":\"2026-04-01T00:00:00Z\"}");
        assertThat(tooLong.problem().pointer()).isEqualTo("/justification");
        assertThat(tooLong.problem().status()).isEqualTo(400);
        assertThat(tooLong.problem().detail()).contains("2001").contains("2000");
    }

    @Test
    void shouldKeepAJustificationOfExactlyTheLimit() {
        String max = "y".repeat(2000);
        assertThat(parse("{\"justification\":\"" + max + "\",\"expires_at\":\"2026-04-01T00:00:00Z\"}")
                        .justification())
                .hasSize(2000);
    }

    @Test
    void shouldNameTheExpiryWhenMissingUnparseablePastOrBeyondTheMaximum() {
        assertThat(refused("{\"justification\":\"j\"}").problem().pointer()).isEqualTo("/expires_at");
        assertThat(refused("{\"justification\":\"j\",\"expires_at\":\"next week\"}")
                        .problem()
                        .pointer())
                .isEqualTo("/expires_at");
        assertThat(refused("{\"justification\":\"j\",\"expires_at\":\"2026-04-01T00:00:00\"}")
                        .problem()
                        .detail())
                .contains("offset");
        ProblemException past = refused("{\"justification\":\"j\",\"expires_at\":\"2026-03-01T09:59:59Z\"}");
        assertThat(past.problem().pointer()).isEqualTo("/expires_at");
        assertThat(past.problem().detail()).contains("future");
        ProblemException far = refused("{\"justification\":\"j\",\"expires_at\":\"2027-03-02T10:00:01Z\"}");
        assertThat(far.problem().pointer()).isEqualTo("/expires_at");
        assertThat(far.problem().detail()).contains("365 days");
    }

    @Test
    void shouldRefuseABodyThatIsNotAJsonObject() {
        assertThat(refused("[1,2]").problem().status()).isEqualTo(400);
        assertThat(refused("{not json").problem().type()).endsWith("invalid-risk-acceptance");
    }

    @Test
    void shouldBuildTheEventTheControlsEngineReads() {
        ViolationView v = new ViolationView(
                "v-1",
                "acme",
                "CM-04",
                "github.com/acme/shop",
                "branch:main",
                "OPENED",
                "HIGH",
                List.of("SOC2:CC8.1"),
                "2026-03-01T08:00:00Z",
                "2026-03-01T08:00:00Z",
                "force pushes allowed",
                1,
                null,
                null);
        RiskAcceptanceRequest r = new RiskAcceptanceRequest("temporary", Instant.parse("2026-03-15T00:00:00Z"));

        PipelineEvent e = ViolationsEndpoint.event(new Principal("k1", "acme", Set.of(Role.OFFICER)), v, r, NOW);

        assertThat(e.getKind()).isEqualTo(PipelineEventKind.RISK_ACCEPTED);
        assertThat(e.getTenant()).isEqualTo("acme");
        assertThat(e.getScope()).isEqualTo("github.com/acme/shop");
        assertThat(e.getActor().getId()).isEqualTo("key:k1");
        assertThat(e.getAttributes())
                .containsEntry(Attributes.RISK_VIOLATION_ID, "v-1")
                .containsEntry(Attributes.RISK_CONTROL_ID, "CM-04")
                .containsEntry(Attributes.RISK_SUBJECT_KEY, "branch:main")
                .containsEntry(Attributes.RISK_EXPIRES_AT, "2026-03-15T00:00:00Z")
                .containsEntry(Attributes.RISK_JUSTIFICATION, "temporary");
    }
}
