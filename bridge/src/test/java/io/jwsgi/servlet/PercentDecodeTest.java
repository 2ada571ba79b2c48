package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PercentDecodeTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/plain|/plain",
        "/caf%C3%A9|/café",
        "/a%20b|/a b",
        "/a+b|/a+b",
        "/%E2%82%AC%2fx|/€/x",
        "/bad%zz|/bad%zz",
        "/cut%4|/cut%4",
    })
    void contextPathIsDecodedAsUtf8(String raw, String decoded) {
        assertThat(ServletEnviron.percentDecode(raw)).isEqualTo(decoded);
    }
}
