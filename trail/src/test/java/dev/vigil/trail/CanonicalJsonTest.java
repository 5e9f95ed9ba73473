package dev.vigil.trail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.json.Json;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    private static JsonNode parse(String json) throws Exception {
        return Json.mapper().readTree(json);
    }

    @Test
    void shouldEscapeStringsAsRfc8785Does() throws Exception {
        // RFC 8785 section 3.2.2.2 example: only ", \ and control characters are escaped.
        JsonNode node = parse("[\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\"]");
        assertThat(CanonicalJson.string(node)).isEqualTo("[\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"]");
    }

    @Test
    void shouldSortMembersByUtf16CodeUnits() throws Exception {
        // RFC 8785 section 3.2.3 example keys: sorting by UTF-16 code units puts the
        // surrogate pair (U+1F600) before U+FB33 and "\r" first.
        JsonNode node = parse("{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet"
                + " With Dagesh\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
                + "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}");
        assertThat(CanonicalJson.string(node))
                .isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"ö\":\"Latin Small"
                        + " Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"\uD83D\uDE00\":\"Emoji: Grinning Face\","
                        + "\"\uFB33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void shouldWriteNoWhitespaceAndIgnoreInputKeyOrder() throws Exception {
        assertThat(CanonicalJson.bytes(parse("{ \"b\" : [1, true, null], \"a\" : {\"y\":2,\"x\":1} }")))
                .isEqualTo(CanonicalJson.bytes(parse("{\"a\":{\"x\":1,\"y\":2},\"b\":[1,true,null]}")))
                .asString()
                .isEqualTo("{\"a\":{\"x\":1,\"y\":2},\"b\":[1,true,null]}");
    }

    @Test
    void shouldRefuseFloatingPointNumbers() throws Exception {
        assertThatThrownBy(() -> CanonicalJson.bytes(parse("{\"score\":9.8}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("floating-point");
    }
}
