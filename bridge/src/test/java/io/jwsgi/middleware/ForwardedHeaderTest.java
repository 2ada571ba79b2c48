package io.jwsgi.middleware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForwardedHeaderTest {

    /** The elements as {@code for|by|host|proto} joined with {@code " / "}, {@code -} for absent parts. */
    private static String parsed(String header) throws ForwardedHeader.Malformed {
        return ForwardedHeader.parse(header).stream()
                .map(e -> String.join("|", dash(e.forNode()), dash(e.by()), dash(e.host()), dash(e.proto())))
                .collect(Collectors.joining(" / "));
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', value = {
        // header                                                   => elements as for|by|host|proto, " / " between
        "for=192.0.2.60                                             => 192.0.2.60|-|-|-",
        "For=192.0.2.60;PROTO=HTTPS;by=203.0.113.43;host=example.com => 192.0.2.60|203.0.113.43|example.com|https",
        "for=\"192.0.2.60:8080\"                                    => 192.0.2.60:8080|-|-|-",
        "for=\"[2001:db8:cafe::17]\"                                => [2001:db8:cafe::17]|-|-|-",
        "for=\"[2001:db8::1]:4711\"                                 => [2001:db8::1]:4711|-|-|-",
        "for=unknown                                                => unknown|-|-|-",
        "for=_hidden;by=_SEVKISEK                                   => _hidden|_SEVKISEK|-|-",
        "for=\"_gazonk:_port1\"                                     => _gazonk:_port1|-|-|-",
        "for=192.0.2.43, for=198.51.100.17                          => 192.0.2.43|-|-|- / 198.51.100.17|-|-|-",
        "for=192.0.2.43,for=\"[2001:db8::1]\";proto=http            => 192.0.2.43|-|-|- / [2001:db8::1]|-|-|http",
        "for=192.0.2.43 ;  proto=https                              => 192.0.2.43|-|-|https",
        "for=\"\\1\\9\\2.0.2.43\"                                   => 192.0.2.43|-|-|-",
        "host=\"example.com:8443\"                                  => -|-|example.com:8443|-",
        "host=\"[2001:db8::5]:443\"                                 => -|-|[2001:db8::5]:443|-",
        "for=192.0.2.43;secret=\"x;y,z\";ext=token                  => 192.0.2.43|-|-|-",
        "`, ,for=192.0.2.43,,`                                      => 192.0.2.43|-|-|-",
        "for=192.0.2.43;;proto=https;                               => 192.0.2.43|-|-|https",
        "`   `                                                      => ``",
    })
    void wellFormedHeadersAreParsed(String header, String elements) throws ForwardedHeader.Malformed {
        assertThat(parsed(header)).isEqualTo(elements);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "unbalanced quote              | for=\"192.0.2.43                    | unbalanced quote",
        "escape at the very end        | for=\"192.0.2.43\\                  | unbalanced quote",
        "quote inside a token          | for=192.0.2.43\"x\"                 | expected ';' or ','",
        "IPv6 unquoted                 | for=[2001:db8::1]                   | expected a token",
        "port unquoted                 | for=192.0.2.43:80                   | expected ';' or ','",
        "space instead of ;            | for=192.0.2.43 proto=https          | expected ';' or ','",
        "no value                      | for=                                | expected a token",
        "no name                       | =192.0.2.43                         | expected a token",
        "no equals sign                | for                                 | expected '='",
        "space around =                | for = 192.0.2.43                    | expected '='",
        "parameter twice               | for=192.0.2.43;for=198.51.100.1     | given twice",
        "for not a node                | for=example.com                     | for/by must be",
        "for IPv6 not bracketed        | for=\"2001:db8::1\"                 | for/by must be",
        "for bad IPv4                  | for=300.1.2.3                       | for/by must be",
        "for bad port                  | for=\"192.0.2.43:123456\"           | for/by must be",
        "for bracket not closed        | for=\"[2001:db8::1\"                | for/by must be",
        "for junk after bracket        | for=\"[2001:db8::1]x\"              | for/by must be",
        "by bad obfuscated             | by=_                                | for/by must be",
        "host with a path              | host=\"example.com/evil\"           | host must be",
        "host with a space             | host=\"example.com evil\"           | host must be",
        "proto not a scheme            | proto=\"ht tp\"                     | proto must be",
        "control character             | `for=\"192.0.2.43\u0001\"`          | control character",
        "CR LF in a quoted string      | `for=\"a\r\nX-Evil: 1\"`            | control character",
    })
    void malformedHeadersAreRefusedWithTheRule(String scenario, String header, String message) {
        String decoded = header.replace("\\u0001", "\u0001").replace("\\r", "\r").replace("\\n", "\n");
        assertThatThrownBy(() -> ForwardedHeader.parse(decoded)).as(scenario)
                .isInstanceOf(ForwardedHeader.Malformed.class).hasMessageContaining(message);
    }

    @Test
    void hugeHeadersAndTooManyHopsAreRefusedUnread() {
        String longHeader = "for=192.0.2.43;ext=\"" + "x".repeat(ForwardedHeader.MAX_LENGTH) + "\"";
        String manyHops = String.join(",", java.util.Collections.nCopies(ForwardedHeader.MAX_ELEMENTS + 1, "for=10.0.0.1"));

        assertThatThrownBy(() -> ForwardedHeader.parse(longHeader)).hasMessageContaining("longer than");
        assertThatThrownBy(() -> ForwardedHeader.parse(manyHops)).hasMessageContaining("more than");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // header (trusted: 10.0.0.0/8 and fd00::/8)                     | client element's for
        "for=192.0.2.1                                                   | 192.0.2.1",
        "for=192.0.2.1, for=10.0.0.7                                     | 192.0.2.1",
        "for=198.51.100.9, for=192.0.2.1, for=10.0.0.7, for=10.0.0.8     | 192.0.2.1",
        "for=10.0.0.1, for=10.0.0.7                                      | 10.0.0.1",
        "for=192.0.2.1, for=\"[fd00::7]:4711\"                           | 192.0.2.1",
        "for=192.0.2.1, for=_proxy                                       | _proxy",
        "for=192.0.2.1, for=unknown                                      | unknown",
        "for=192.0.2.1, proto=https                                      | -",
    })
    void clientIsTheFirstElementNotFromATrustedProxy(String header, String client) throws ForwardedHeader.Malformed {
        Set<String> trusted = Set.of("10.", "fd00:");
        ForwardedHeader.Element element = ForwardedHeader.client(ForwardedHeader.parse(header),
                address -> trusted.stream().anyMatch(address::startsWith));

        assertThat(dash(element.forNode())).isEqualTo(client);
    }

    @Test
    void addressOfANodeDropsBracketsAndPort() throws ForwardedHeader.Malformed {
        List<ForwardedHeader.Element> elements = ForwardedHeader.parse(
                "for=\"[2001:db8::1]:4711\", for=\"192.0.2.43:80\", for=_hidden, for=unknown, by=10.0.0.1");

        assertThat(elements).extracting(ForwardedHeader.Element::forAddress)
                .containsExactly("2001:db8::1", "192.0.2.43", null, null, null);
    }
}
