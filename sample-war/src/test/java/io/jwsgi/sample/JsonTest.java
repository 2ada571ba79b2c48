package io.jwsgi.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "plain text        | plain        | `\"plain\"`",
        "quote             | a\"b         | `\"a\\\"b\"`",
        "backslash         | a\\b         | `\"a\\\\b\"`",
        "non-ASCII kept    | é€😀         | `\"é€😀\"`",
        "angle brackets    | </script>    | `\"</script>\"`",
    })
    void quoteEscapesWhatJsonRequires(String rule, String input, String expected) {
        assertThat(Json.quote(input)).as(rule).isEqualTo(expected);
    }

    @Test
    void quoteEscapesControlCharactersAndLineSeparators() {
        // given every control character, and the two separators JavaScript once refused in strings
        String input = "\n\r\t\b\f\u0000\u001f\u2028\u2029";

        // when quoted
        String quoted = Json.quote(input);

        // then nothing raw is left and parsing gives the input back
        assertThat(quoted).as("escaped form").isEqualTo("\"\\n\\r\\t\\b\\f\\u0000\\u001f\\u2028\\u2029\"");
        assertThat(Json.parse(quoted)).as("round trip").isEqualTo(input);
    }

    @Test
    void parseReadsEveryKindOfValue() {
        // given a document with every JSON type, whitespace and escapes
        String text = " {\"s\": \"a\\u00e9\\ud83d\\ude00\\/\", \"n\": -12.5e2, \"i\": 0, \"t\": true, \"f\": false,"
                + " \"z\": null, \"a\": [1, [], {}], \"o\": {\"k\": \"v\"}} ";

        // when parsed
        Map<String, Object> value = Json.parseObject(text);

        // then each member has the Java type the javadoc promises, in document order
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("s", "aé😀/");
        expected.put("n", new BigDecimal("-12.5e2"));
        expected.put("i", BigDecimal.ZERO);
        expected.put("t", true);
        expected.put("f", false);
        expected.put("z", null);
        expected.put("a", List.of(BigDecimal.ONE, List.of(), Map.of()));
        expected.put("o", Map.of("k", "v"));
        assertThat(value).as("parsed document").isEqualTo(expected);
        assertThat(value.keySet()).as("member order").containsExactlyElementsOf(expected.keySet());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "empty text                | ``                  | expected a value, found the end of the text",
        "unclosed object           | `{\"a\":1`          | expected '}', found the end of the text",
        "trailing garbage          | `{} x`              | expected end of text, found 'x'",
        "single quotes             | `{'a':1}`           | expected a member name in double quotes, found '''",
        "raw newline in string     | `\"a\nb\"`          | expected no raw control character inside a string",
        "bad escape                | `\"\\x\"`           | expected one of",
        "short unicode escape      | `\"\\u12\"`         | expected four hex digits after \\u",
        "leading plus              | `+1`                | expected a digit, found '+'",
        "missing fraction digits   | `1.`                | expected a digit, found the end of the text",
        "trailing comma            | `[1,]`              | expected a digit, found ']'",
        "misspelt literal          | `tru`               | expected true",
    })
    void parseRefusesInvalidJsonNamingWhatWasExpected(String rule, String text, String message) {
        assertThatThrownBy(() -> Json.parse(text)).as(rule)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void parseRefusesNestingDeeperThanItsLimit() {
        String deep = "[".repeat(1000) + "]".repeat(1000);

        assertThatThrownBy(() -> Json.parse(deep)).as("a thousand nested arrays")
                .hasMessageContaining("at most 64 levels of nesting");
    }

    @Test
    void parseObjectRefusesOtherValues() {
        assertThatThrownBy(() -> Json.parseObject("[1]")).as("an array where an object is needed")
                .hasMessage("expected a JSON object, got an array");
    }
}
