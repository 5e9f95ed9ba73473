package dev.vigil.auditapi.violations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.common.http.ProblemException;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ViolationStreamTest {

    @Test
    void shouldRoundTripTheNextOffsetOfEveryPartitionThroughTheResumeToken() {
        Map<Integer, Long> next = new TreeMap<>(Map.of(0, 12L, 1, 0L, 5, 40_000_000_000L));

        String token = ViolationStream.encodeToken(next);

        assertThat(token).doesNotContain("=", "+", "/");
        assertThat(ViolationStream.decodeToken(token)).isEqualTo(next);
    }

    @Test
    void shouldRefuseATokenItDidNotIssue() {
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> ViolationStream.decodeToken("bm9wZQ"));
        assertThat(e.problem().status()).isEqualTo(400);
        assertThat(e.problem().pointer()).isEqualTo("/header/Last-Event-ID");
        String negative = ViolationStream.encodeToken(Map.of(0, -1L));
        assertThat(catchThrowableOfType(ProblemException.class, () -> ViolationStream.decodeToken(negative))
                        .problem()
                        .status())
                .isEqualTo(400);
    }

    @Test
    void shouldMatchFrameworkByRequirementPrefixAndRefuseUnknownSeverity() {
        ViolationFilters soc2 = ViolationFilters.of(null, "high", null, "soc2", "/query/");
        ViolationView v = new ViolationView(
                "v",
                "acme",
                "CM-04",
                "s",
                "k",
                "OPENED",
                "HIGH",
                java.util.List.of("SOC2:CC8.1"),
                null,
                "2026-03-01T00:00:00Z",
                null,
                1,
                null,
                null);
        assertThat(soc2.matches(v)).isTrue();
        assertThat(ViolationFilters.of(null, null, null, "GDPR", "/query/").matches(v))
                .isFalse();
        assertThat(ViolationFilters.of("CM-05", null, null, null, "/query/").matches(v))
                .isFalse();
        assertThat(catchThrowableOfType(
                                ProblemException.class,
                                () -> ViolationFilters.of(null, "severe", null, null, "/filters/"))
                        .problem()
                        .pointer())
                .isEqualTo("/filters/severity");
    }

    @Test
    void shouldStripTheMessagePrefixToRecoverTheReason() {
        assertThat(ViolationView.reasonOf(
                        "Violation risk accepted: CM-04 on github.com/a/b branch:main (high): force pushes allowed",
                        "RISK_ACCEPTED",
                        "CM-04",
                        "github.com/a/b",
                        "branch:main",
                        "HIGH"))
                .isEqualTo("force pushes allowed");
    }
}
