package io.jwsgi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Header;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code start_response} accepts exactly the statuses and header lists the specification allows:
 * random ones, drawn near the edges of each rule, are checked against an oracle written from
 * SPEC.md section 3, independently of {@link HeaderRules}.
 */
class ResponseRulesPropertiesTest {

    private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    @Property(tries = 3000)
    void statusIsAcceptedExactlyWhenItIsAFinalNnnReason(@ForAll("statuses") String status) {
        assertThat(accepted(status, List.of())).as("accepted: %s", HeaderRules.quote(status)).isEqualTo(validStatus(status));
    }

    @Property(tries = 3000)
    void headersAreAcceptedExactlyWhenEachFollowsTheRules(@ForAll("headerLists") List<Header> headers) {
        assertThat(accepted("200 OK", headers)).as("accepted: %s", headers).isEqualTo(validHeaders(headers));
    }

    private static boolean accepted(String status, List<Header> headers) {
        try {
            new ResponseHead(data -> { }).start(status, headers);
            return true;
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("a refusal names its rule").containsAnyOf("Status", "Header", "Content-Length");
            return false;
        }
    }

    /** SPEC 3: three digits, the first not 0, one space, a reason without control characters; 200 or above. */
    static boolean validStatus(String s) {
        if (s.length() < 5 || s.charAt(0) < '1' || s.charAt(0) > '9' || !isDigit(s.charAt(1)) || !isDigit(s.charAt(2))
                || s.charAt(3) != ' ' || s.charAt(4) == ' ') {
            return false;
        }
        for (char c : s.substring(4).toCharArray()) {
            if (c != '\t' && (c < ' ' || c == 0x7f)) {
                return false;
            }
        }
        return Integer.parseInt(s.substring(0, 3)) >= 200;
    }

    /** SPEC 3: token names, no hop-by-hop header, ISO-8859-1 values without controls, one Content-Length value. */
    static boolean validHeaders(List<Header> headers) {
        Long length = null;
        for (Header h : headers) {
            if (h.name().isEmpty() || !h.name().chars().allMatch(c -> TOKEN_CHARS.indexOf(c) >= 0)
                    || HOP_BY_HOP.contains(h.name().toLowerCase(Locale.ROOT))) {
                return false;
            }
            if (!h.value().chars().allMatch(c -> c == '\t' || (c >= ' ' && c != 0x7f && c <= 0xff))) {
                return false;
            }
            if (h.name().equalsIgnoreCase("Content-Length")) {
                if (!h.value().matches("[0-9]{1,18}") || length != null && length != Long.parseLong(h.value())) {
                    return false;
                }
                length = Long.parseLong(h.value());
            }
        }
        return true;
    }

    @Provide
    Arbitrary<String> statuses() {
        Arbitrary<String> reason = Arbitraries.strings().withChars("OK ab\t\r\n\u0000\u001f\u007f\u00e9\u0100").ofMaxLength(6);
        Arbitrary<String> plausible = Combinators.combine(Arbitraries.integers().between(0, 999), reason)
                .as((code, r) -> String.format("%03d ", code) + r);
        Arbitrary<String> shaped = Combinators.combine(
                Arbitraries.strings().withChars("0123456789x").ofMaxLength(4),
                Arbitraries.of("", " ", "  ", "\t"), reason).as((code, sep, r) -> code + sep + r);
        return Arbitraries.oneOf(plausible, shaped);
    }

    @Provide
    Arbitrary<List<Header>> headerLists() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.strings().withChars(TOKEN_CHARS + " :()\u00e9\n").ofMinLength(0).ofMaxLength(6),
                mixedCase(Arbitraries.of(HOP_BY_HOP.toArray(new String[0]))),
                mixedCase(Arbitraries.of("content-length", "x-note", "set-cookie", "trailers")));
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.strings().withChars("ab ,;=\t\r\n\u0000\u001f\u007f\u0085\u00e9\u00ff\u0100\u20ac").ofMaxLength(6),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20),
                Arbitraries.of("-1", "+5", " 5", "5 ", "", "0", "5"));
        return Combinators.combine(names, values).as(Header::new).list().ofMaxSize(5);
    }

    private static Arbitrary<String> mixedCase(Arbitrary<String> words) {
        return Combinators.combine(words, Arbitraries.integers().between(0, Integer.MAX_VALUE)).as((word, bits) -> {
            StringBuilder b = new StringBuilder(word.length());
            for (int i = 0; i < word.length(); i++) {
                char c = word.charAt(i);
                b.append((bits >> (i % 31) & 1) == 1 ? Character.toUpperCase(c) : c);
            }
            return b.toString();
        });
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
