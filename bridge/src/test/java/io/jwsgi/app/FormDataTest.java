package io.jwsgi.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormDataTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "a+b            | a b",
        "caf%C3%A9      | café",
        "100%25         | 100%",
        "%zz            | %zz",
        "50%            | 50%",
        "%4             | %4",
        "%41%42         | AB",
        "plain          | plain",
        "é+😀           | é 😀",
    })
    void componentsDecodeAsUtf8(String encoded, String decoded) {
        assertThat(FormData.decode(encoded, StandardCharsets.UTF_8)).isEqualTo(decoded);
    }

    @Test
    void pairsKeepTheirOrderAndRepeatedNames() {
        Map<String, List<String>> parsed = FormData.parse("b=2&a=1&b=3&empty=&bare&&=x");

        assertThat(parsed).containsExactly(Map.entry("b", List.of("2", "3")), Map.entry("a", List.of("1")),
                Map.entry("empty", List.of("")), Map.entry("bare", List.of("")), Map.entry("", List.of("x")));
        assertThat(FormData.parse(null)).isEmpty();
        assertThat(FormData.parse("")).isEmpty();
    }
}
