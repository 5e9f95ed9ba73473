package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import dev.vigil.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {

    private static final RecordFilters FILTERS = new RecordFilters(
            "github.com/acme/shop", Instant.parse("2026-01-01T00:00:00Z"), null, "deploy prod", "INPUT", null);

    private static final Cursor CURSOR = new Cursor(
            "46ToAwMDaWR5BXV1aWQy+/=", List.of(1767225600000L, "acme/github.com/acme/shop", 7L, 42L), "acme", FILTERS);

    static Problem rejection(String text) {
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> Cursor.decode(text, 4));
        assertThat(e).as("expected a 400 problem").isNotNull();
        return e.problem();
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldDecodeWhatItEncodes() {
        String text = CURSOR.encode();

        assertThat(Cursor.decode(text, 4)).isEqualTo(CURSOR);
    }

    @Test
    void shouldKeepTheNewFiltersAndTheSortOrderAcrossEncoding() {
        RecordFilters filters = new RecordFilters(
                null,
                null,
                null,
                null,
                null,
                null,
                "CM-01",
                null,
                "FAIL",
                null,
                "alice",
                Boolean.TRUE,
                Instant.parse("2026-03-06T00:00:00Z"));
        Cursor cursor = new Cursor("pit", List.of(1L, "c", 2L, 3L), "acme", filters);

        Cursor decoded = Cursor.decode(cursor.encode(), 4);

        assertThat(decoded).isEqualTo(cursor);
        assertThat(decoded.filters().newestFirst()).isTrue();
        assertThat(decoded.filters().asOf()).isEqualTo(Instant.parse("2026-03-06T00:00:00Z"));
    }

    @Test
    void shouldEncodeAsUnpaddedBase64UrlSoItNeedsNoEscapingInAQueryString() {
        assertThat(CURSOR.encode()).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void shouldCarryTheTenantAndTheNormalizedFilters() throws Exception {
        String json = new String(Base64.getUrlDecoder().decode(CURSOR.encode()), StandardCharsets.UTF_8);

        assertThat(Json.mapper().readTree(json).get("t").asText()).isEqualTo("acme");
        assertThat(json).contains("\"f\":{\"scope\":\"github.com/acme/shop\",\"from\":\"2026-01-01T00:00:00Z\"");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not a cursor!",
                "e30", // {}
                "W10", // []
                "bnVsbA", // null
                "eyJ2Ijox" // truncated JSON
            })
    void shouldRejectWhatIsNotOneOfItsCursors(String text) {
        Problem p = rejection(text);

        assertThat(p.status()).isEqualTo(400);
        assertThat(p.pointer()).isEqualTo("/query/cursor");
        assertThat(p.type()).isEqualTo(Problem.TYPE_BASE + "invalid-parameter");
    }

    @Test
    void shouldRejectAnotherVersion() {
        assertThat(rejection(b64("{\"v\":2,\"pit\":\"p\",\"after\":[1,\"a\",1,1],\"t\":\"acme\",\"f\":{}}"))
                        .pointer())
                .isEqualTo("/query/cursor");
    }

    @Test
    void shouldRejectTheWrongNumberOfSortValues() {
        rejection(b64("{\"v\":1,\"pit\":\"p\",\"after\":[1,\"a\",1],\"t\":\"acme\",\"f\":{}}"));
    }

    @Test
    void shouldRejectSortValuesThatAreNeitherIntegersNorStrings() {
        rejection(b64("{\"v\":1,\"pit\":\"p\",\"after\":[1.5,\"a\",1,1],\"t\":\"acme\",\"f\":{}}"));
        rejection(b64("{\"v\":1,\"pit\":\"p\",\"after\":[{},\"a\",1,1],\"t\":\"acme\",\"f\":{}}"));
    }

    @Test
    void shouldRejectACursorWithoutPointInTimeOrTenant() {
        rejection(b64("{\"v\":1,\"after\":[1,\"a\",1,1],\"t\":\"acme\",\"f\":{}}"));
        rejection(b64("{\"v\":1,\"pit\":\"p\",\"after\":[1,\"a\",1,1],\"f\":{}}"));
    }

    @Test
    void shouldRejectEditedFiltersThatNoRequestCouldHaveGiven() {
        rejection(b64("{\"v\":1,\"pit\":\"p\",\"after\":[1,\"a\",1,1],\"t\":\"acme\",\"f\":{\"kind\":\"nope\"}}"));
        rejection(b64("{\"v\":1,\"pit\":\"p\",\"after\":[1,\"a\",1,1],\"t\":\"acme\",\"f\":{\"from\":\"later\"}}"));
    }

    @Test
    void shouldNotEchoTheCursorInTheProblem() {
        Problem p = rejection(b64("{\"v\":1,\"pit\":\"secret-pit\",\"after\":[],\"t\":\"other-tenant\",\"f\":{}}"));

        assertThat(p.detail()).doesNotContain("secret-pit").doesNotContain("other-tenant");
    }

    @Test
    void shouldRefuseACursorOfAnotherTenant() {
        RecordsRequest request = RecordsRequest.parse(Map.of("cursor", List.of(CURSOR.encode())), 500);

        ProblemException e =
                catchThrowableOfType(ProblemException.class, () -> CURSOR.checkContinues("globex", request));

        assertThat(e.problem().status()).isEqualTo(400);
        assertThat(e.problem().pointer()).isEqualTo("/query/cursor");
    }

    @Test
    void shouldRefuseACursorWithOtherFilters() {
        RecordsRequest request = RecordsRequest.parse(
                Map.of("cursor", List.of(CURSOR.encode()), "scope", List.of("github.com/acme/other")), 500);

        ProblemException e = catchThrowableOfType(ProblemException.class, () -> CURSOR.checkContinues("acme", request));

        assertThat(e.problem().pointer()).isEqualTo("/query/cursor");
    }

    @Test
    void shouldContinueWithTheSameFiltersRepeatedOrWithNone() {
        RecordsRequest bare = RecordsRequest.parse(Map.of("cursor", List.of(CURSOR.encode())), 500);
        Map<String, List<String>> repeated = new HashMap<>(FILTERS.asQuery());
        repeated.put("cursor", List.of(CURSOR.encode()));
        repeated.put("from", List.of("2026-01-01T01:00:00+01:00")); // the same instant, written differently
        RecordsRequest same = RecordsRequest.parse(repeated, 500);

        assertThatCode(() -> CURSOR.checkContinues("acme", bare)).doesNotThrowAnyException();
        assertThatCode(() -> CURSOR.checkContinues("acme", same)).doesNotThrowAnyException();
    }
}
