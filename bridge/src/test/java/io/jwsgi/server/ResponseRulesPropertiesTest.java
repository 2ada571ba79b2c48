package io.jwsgi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Header;
import io.jwsgi.fixture.Gen;
import io.jwsgi.fixture.Property;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code start_response} accepts exactly the statuses and header lists the specification allows:
 * random ones, drawn near the edges of each rule, are checked against an oracle written from
 * SPEC.md section 3, independently of {@link HeaderRules}.
 */
class ResponseRulesPropertiesTest {

    private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    // A list, not a Set: generators must draw from a fixed order for a seed to repeat its cases.
    private static final List<String> HOP_BY_HOP_NAMES = List.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");
    private static final Set<String> HOP_BY_HOP = Set.copyOf(HOP_BY_HOP_NAMES);

    @Test
    void statusIsAcceptedExactlyWhenItIsAFinalNnnReason() {
        Property.forAll(ResponseRulesPropertiesTest::status).showing(Gen::quote).check(5000, status ->
                assertThat(accepted(status, List.of())).as("accepted: %s", HeaderRules.quote(status))
                        .isEqualTo(validStatus(status)));
    }

    @Test
    void headersAreAcceptedExactlyWhenEachFollowsTheRules() {
        Property.forAll(ResponseRulesPropertiesTest::headerList).shrinking(Property::smallerLists)
                .showing(Gen::showHeaders).check(5000, headers ->
                        assertThat(accepted("200 OK", headers)).as("accepted: %s", Gen.showHeaders(headers))
                                .isEqualTo(validHeaders(headers)));
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

    /** A status near the rule's edges: any three digits and a reason, or a malformed code and separator. */
    static String status(SplittableRandom r) {
        String reason = Gen.string(r, "OK ab\t\r\n\u0000\u001f\u007f\u00e9\u0100", 0, 6);
        return r.nextBoolean()
                ? String.format("%03d ", Gen.between(r, 0, 999)) + reason
                : Gen.string(r, "0123456789x", 0, 4) + Gen.pick(r, "", " ", "  ", "\t") + reason;
    }

    /** Up to five headers: token-ish names with intruders, hop-by-hop and special names in any case; hostile values. */
    static List<Header> headerList(SplittableRandom r) {
        return Gen.list(r, 5, h -> new Header(headerName(h), headerValue(h)));
    }

    static String headerName(SplittableRandom r) {
        return switch (r.nextInt(3)) {
            case 0 -> Gen.string(r, TOKEN_CHARS + " :()\u00e9\n", 0, 6);
            case 1 -> Gen.mixedCase(r, Gen.pick(r, HOP_BY_HOP_NAMES));
            default -> Gen.mixedCase(r, Gen.pick(r, "content-length", "x-note", "set-cookie", "trailers"));
        };
    }

    static String headerValue(SplittableRandom r) {
        return switch (r.nextInt(3)) {
            case 0 -> Gen.string(r, "ab ,;=\t\r\n\u0000\u001f\u007f\u0085\u00e9\u00ff\u0100\u20ac", 0, 6);
            case 1 -> Gen.string(r, '0', '9', 1, 20);
            default -> Gen.pick(r, "-1", "+5", " 5", "5 ", "", "0", "5");
        };
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
