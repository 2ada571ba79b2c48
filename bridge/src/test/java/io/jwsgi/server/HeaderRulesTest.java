package io.jwsgi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Header;
import io.jwsgi.fixture.Gen;
import io.jwsgi.fixture.Property;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderRulesTest {

    @ParameterizedTest
    @CsvSource({"200 OK,200", "404 Not Found,404", "599 Whatever it is,599", "101 Switching Protocols,101"})
    void validStatusGivesItsCode(String status, int code) {
        assertThat(HeaderRules.statusCode(status)).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"200", "200 ", "OK 200", "20 OK", "2000 OK", "200  OK", "200\tOK", "099 Low", "abc OK", ""})
    void malformedStatusIsRefusedWithTheRuleAndTheValue(String status) {
        assertThatThrownBy(() -> HeaderRules.statusCode(status))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Status must be three digits, one space and a reason phrase")
                .hasMessageContaining(HeaderRules.quote(status));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Bad Name|x|Header name must be an HTTP token",
        "X-Ok:|x|Header name must be an HTTP token",
        "|x|Header name must be an HTTP token",
        "Connection|close|is hop-by-hop",
        "transfer-encoding|chunked|is hop-by-hop",
        "Keep-Alive|5|is hop-by-hop",
        "Upgrade|h2c|is hop-by-hop",
        "PROXY-AUTHORIZATION|Basic x|is hop-by-hop",
        "tE|trailers|is hop-by-hop",
    })
    void badHeadersAreRefused(String name, String value, String rule) {
        assertThatThrownBy(() -> HeaderRules.check(new Header(name == null ? "" : name, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(rule);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nSet-Cookie: x=1", "line\nbreak", "nul\0", "bell\u0007", "del\u007f"})
    void controlCharactersInValuesAreResponseSplitting(String value) {
        assertThatThrownBy(() -> HeaderRules.check(new Header("X-Test", value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("response splitting")
                .hasMessageContaining("X-Test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "with\ttab", "latin-1 é ÿ", "a, b; c=\"d\""})
    void ordinaryValuesPass(String value) {
        HeaderRules.check(new Header("X-Test", value));
    }

    @ParameterizedTest // #7
    @ValueSource(strings = {"euro €", "a\u010aSet-Cookie: x=1", "line\u2028separator", "emoji \ud83d\ude00"})
    void valuesBeyondIso88591AreRefusedSinceContainersDropOrMangleThem(String value) {
        assertThatThrownBy(() -> HeaderRules.check(new Header("X-Test", value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ISO-8859-1")
                .hasMessageContaining("X-Test");
    }

    @Test
    void nullListAndNullElementsAreNamed() {
        assertThatThrownBy(() -> HeaderRules.check((List<Header>) null)).hasMessageContaining("got null");
        assertThatThrownBy(() -> HeaderRules.check(Arrays.asList(new Header("A", "b"), null)))
                .hasMessageContaining("null at index 1");
    }

    @Test
    void everyTokenNameIsAccepted() {
        Property.forAll(r -> Gen.string(r, "abcdefghijklmnopqrstuvwxyz0123456789-", 1, 20)).showing(Gen::quote)
                .check(2000, name -> {
                    if (!HeaderRules.HOP_BY_HOP.contains(name)) {
                        HeaderRules.check(new Header(name, "v"));
                    }
                });
    }

    @Test
    void anyControlCharacterAnywhereIsRefused() {
        record Controlled(String prefix, int control) {
            String value() {
                return prefix + (char) control;
            }
        }
        Property.forAll(r -> new Controlled(Gen.string(r, ' ', '~', 0, 20), Gen.between(r, 0, 31)))
                .showing(c -> Gen.quote(c.value())).check(2000, c -> {
                    if (c.control() == '\t') {
                        HeaderRules.check(new Header("X", c.value()));
                    } else {
                        assertThatThrownBy(() -> HeaderRules.check(new Header("X", c.value())))
                                .isInstanceOf(IllegalArgumentException.class);
                    }
                });
    }

    @Test
    void statusCodesRoundTrip() {
        record Status(int code, String reason) { }
        Property.forAll(r -> new Status(Gen.between(r, 100, 999), Gen.string(r, 'A', 'z', 1, 30)))
                .showing(s -> Gen.quote(s.code() + " " + s.reason())).check(2000, s ->
                        assertThat(HeaderRules.statusCode(s.code() + " " + s.reason())).isEqualTo(s.code()));
    }
}
