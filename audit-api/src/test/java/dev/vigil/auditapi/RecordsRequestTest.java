package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordsRequestTest {

    private static final int MAX = 500;

    static Map<String, List<String>> query(String... pairs) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            q.computeIfAbsent(pairs[i], k -> new ArrayList<>()).add(pairs[i + 1]);
        }
        return q;
    }

    static Problem rejection(Map<String, List<String>> query) {
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> RecordsRequest.parse(query, MAX));
        assertThat(e).as("expected a 400 problem").isNotNull();
        return e.problem();
    }

    @Test
    void shouldParseEveryFilterAndNormalizeKindTimesAndText() {
        RecordsRequest r = RecordsRequest.parse(
                query(
                        "scope", "github.com/acme/shop",
                        "from", "2026-01-31T10:30:00+01:00",
                        "to", "2026-02-01T00:00:00.5Z",
                        "q", "  merged  ",
                        "kind", "violation_change",
                        "type", "violation.OPENED",
                        "size", "25"),
                MAX);

        assertThat(r.filters())
                .isEqualTo(new RecordFilters(
                        "github.com/acme/shop",
                        Instant.parse("2026-01-31T09:30:00Z"),
                        Instant.parse("2026-02-01T00:00:00.500Z"),
                        "merged",
                        "VIOLATION_CHANGE",
                        "violation.OPENED"));
        assertThat(r.filtersGiven()).isTrue();
        assertThat(r.size()).isEqualTo(25);
        assertThat(r.cursor()).isNull();
    }

    @Test
    void shouldDefaultToFiftyRecordsAndNoFilters() {
        RecordsRequest r = RecordsRequest.parse(Map.of(), MAX);

        assertThat(r.size()).isEqualTo(50);
        assertThat(r.filters()).isEqualTo(RecordFilters.NONE);
        assertThat(r.filtersGiven()).isFalse();
    }

    @Test
    void shouldNotDefaultAboveTheConfiguredMaximum() {
        assertThat(RecordsRequest.parse(Map.of(), 20).size()).isEqualTo(20);
    }

    @Test
    void shouldTreatBlankValuesAsAbsent() {
        RecordsRequest r = RecordsRequest.parse(query("scope", "", "q", "  ", "from", "", "size", ""), MAX);

        assertThat(r.filters()).isEqualTo(RecordFilters.NONE);
        assertThat(r.filtersGiven()).isFalse();
        assertThat(r.size()).isEqualTo(50);
    }

    @Test
    void shouldAcceptLowerCaseSeparatorAndZuluAsRfc3339Allows() {
        RecordsRequest r = RecordsRequest.parse(query("from", "2026-01-31t09:30:00.123456z"), MAX);

        assertThat(r.filters().from()).isEqualTo(Instant.parse("2026-01-31T09:30:00.123456Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2026-01-31", "2026-01-31T09:30:00", "1706693400", "2026-13-01T00:00:00Z"})
    void shouldRejectAFromThatIsNotAnRfc3339InstantAndPointAtIt(String from) {
        Problem p = rejection(query("from", from));

        assertThat(p.status()).isEqualTo(400);
        assertThat(p.type()).isEqualTo(Problem.TYPE_BASE + "invalid-parameter");
        assertThat(p.pointer()).isEqualTo("/query/from");
        assertThat(p.detail()).contains("RFC 3339");
    }

    @Test
    void shouldPointAtToWhenItIsInvalid() {
        assertThat(rejection(query("to", "soon")).pointer()).isEqualTo("/query/to");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-31T09:30:00Z", "2026-01-31T09:00:00Z"})
    void shouldRejectARangeWhoseEndIsNotAfterItsStart(String to) {
        Problem p = rejection(query("from", "2026-01-31T09:30:00Z", "to", to));

        assertThat(p.pointer()).isEqualTo("/query/to");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "501", "ten", "2.5", "99999999999"})
    void shouldRejectASizeOutsideOneToTheMaximum(String size) {
        Problem p = rejection(query("size", size));

        assertThat(p.pointer()).isEqualTo("/query/size");
        assertThat(p.detail()).contains("between 1 and 500");
    }

    @Test
    void shouldAcceptTheMaximumSize() {
        assertThat(RecordsRequest.parse(query("size", "500"), MAX).size()).isEqualTo(500);
    }

    @Test
    void shouldRefuseATenantParameterBecauseTheTenantComesFromTheKey() {
        Problem p = rejection(query("tenant", "other"));

        assertThat(p.pointer()).isEqualTo("/query/tenant");
        assertThat(p.detail()).startsWith("Unknown parameter");
    }

    @Test
    void shouldEscapeAnUnknownParameterNameInThePointer() {
        assertThat(rejection(query("a/b~c", "1")).pointer()).isEqualTo("/query/a~1b~0c");
    }

    @Test
    void shouldRefuseARepeatedParameterRatherThanPickOne() {
        assertThat(rejection(query("scope", "a", "scope", "b")).pointer()).isEqualTo("/query/scope");
    }

    @Test
    void shouldRefuseAnUnknownKind() {
        Problem p = rejection(query("kind", "deploy"));

        assertThat(p.pointer()).isEqualTo("/query/kind");
        assertThat(p.detail()).contains("INPUT", "VIOLATION_CHANGE");
    }

    @Test
    void shouldRefuseAnOverlongFreeTextQuery() {
        assertThat(rejection(query("q", "x".repeat(RecordsRequest.MAX_Q_LENGTH + 1)))
                        .pointer())
                .isEqualTo("/query/q");
    }

    @Test
    void shouldKeepTheCursorRawForLaterDecoding() {
        RecordsRequest r = RecordsRequest.parse(query("cursor", "abc", "size", "10"), MAX);

        assertThat(r.cursor()).isEqualTo("abc");
        assertThat(r.filtersGiven()).isFalse();
    }

    @Test
    void shouldParseTheQueryOfItsOwnFiltersBackToTheSameFilters() {
        RecordFilters f = new RecordFilters(
                "s",
                Instant.parse("2026-01-01T00:00:00.000001Z"),
                Instant.parse("2027-01-01T00:00:00Z"),
                "a b",
                "INPUT",
                "t");

        assertThat(RecordsRequest.parse(f.asQuery(), MAX).filters()).isEqualTo(f);
    }

    @Test
    void shouldParseTheQueryOfTheNewFiltersBackToTheSameFilters() {
        RecordFilters f = new RecordFilters(
                "s",
                null,
                null,
                null,
                null,
                null,
                "CM-01",
                "GDPR:Art.5(1)(e)",
                "FAIL",
                "HIGH",
                "alice",
                Boolean.TRUE,
                Instant.parse("2026-03-06T00:00:00Z"));

        assertThat(RecordsRequest.parse(f.asQuery(), MAX).filters()).isEqualTo(f);
    }

    @Test
    void shouldNormalizeTheSpellingsOfTheNewFiltersSoACursorMatchesThem() {
        RecordsRequest a = RecordsRequest.parse(
                query(
                        "repository",
                        "s",
                        "control",
                        " cm-01 ",
                        "verdict",
                        "fail",
                        "severity",
                        "high",
                        "requirement",
                        "soc2:CC8.1",
                        "sort",
                        "time"),
                MAX);
        RecordsRequest b = RecordsRequest.parse(
                query(
                        "scope",
                        "s",
                        "control",
                        "CM-01",
                        "verdict",
                        "FAIL",
                        "severity",
                        "HIGH",
                        "requirement",
                        "SOC2:CC8.1"),
                MAX);

        assertThat(a.filters()).isEqualTo(b.filters());
        assertThat(a.filters().scope()).isEqualTo("s");
        assertThat(a.filters().requirement()).isEqualTo("SOC2:CC8.1");
        assertThat(a.filters().newestFirst()).isFalse();
    }
}
