package dev.vigil.ingest.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonInputTest {

    static InvalidInputException parseFailure(String body) {
        return catchThrowableOfType(
                InvalidInputException.class, () -> JsonInput.parseObject(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldRefuseDuplicateNamesAndPointAtTheDuplicate() {
        InvalidInputException e = parseFailure("{\"context\": {\"type\": \"a\", \"type\": \"b\"}}");

        assertThat(e.problem().type()).isEqualTo("https://vigil.dev/problems/malformed-json");
        assertThat(e.pointer()).isEqualTo("/context/type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} {}", "{}x", "{\"a\": 1", "{'a': 1}", "nul"})
    void shouldRefuseWhatIsNotExactlyOneJsonValue(String body) {
        assertThat(parseFailure(body).problem().type()).isEqualTo("https://vigil.dev/problems/malformed-json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void shouldRefuseAnEmptyBodyAsMalformedAtTheRoot(String body) {
        InvalidInputException e = parseFailure(body);

        assertThat(e.problem().type()).isEqualTo("https://vigil.dev/problems/malformed-json");
        assertThat(e.pointer()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"text\"", "42", "null"})
    void shouldRefuseABodyThatIsNotAnObject(String body) {
        InvalidInputException e = parseFailure(body);

        assertThat(e.problem().type()).isEqualTo("https://vigil.dev/problems/invalid-field");
        assertThat(e.pointer()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "2023-03-20T14:27:05Z, 2023-03-20T14:27:05Z",
        "2023-03-20T14:27:05.315384Z, 2023-03-20T14:27:05.315384Z",
        "2023-03-20t16:27:05+02:00, 2023-03-20T14:27:05Z",
        "2023-03-20T09:27:05.5-05:00, 2023-03-20T14:27:05.5Z",
    })
    void shouldParseRfc3339DateTimes(String text, String instant) throws Exception {
        assertThat(JsonInput.parseTimestamp(text, "/t")).isEqualTo(Instant.parse(instant));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2023-03-20",
                "2023-03-20T14:27Z",
                "2023-03-20 14:27:05Z",
                "2023-13-01T00:00:00Z",
                "1679322425",
                "2023-03-20T14:27:05+0200"
            })
    void shouldRefuseWhatIsNotRfc3339(String text) {
        InvalidInputException e =
                catchThrowableOfType(InvalidInputException.class, () -> JsonInput.parseTimestamp(text, "/t"));

        assertThat(e.pointer()).isEqualTo("/t");
    }

    @Test
    void shouldEscapeSlashAndTildeInPointers() {
        assertThat(JsonInput.pointer("/a", "b/c~d")).isEqualTo("/a/b~1c~0d");
    }

    @Test
    void shouldCutLongValuesInDetails() {
        assertThat(JsonInput.quote("x".repeat(500))).hasSize(85);
    }
}
