package io.jwsgi.server;

import io.jwsgi.Header;
import java.util.List;
import java.util.Set;

/**
 * The rules a status line and a response header list must follow, shared by the server and the
 * validator. Each check throws {@link IllegalArgumentException} whose message names the rule, the
 * offending value and what was expected, in the manner of {@code wsgiref.validate}.
 */
public final class HeaderRules {

    /** Hop-by-hop headers (RFC 9110 section 7.6.1): the server's business, never the application's. */
    public static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    private static final String[] HOP_BY_HOP_NAMES = HOP_BY_HOP.toArray(new String[0]);

    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private HeaderRules() {
    }

    /**
     * Checks a status line and returns its code.
     *
     * @param status the application's status, {@code "NNN Reason"}
     * @return the three-digit code, 100 to 999
     * @throws IllegalArgumentException if the status is not of that form
     */
    public static int statusCode(String status) {
        if (status == null) {
            throw new IllegalArgumentException("Status must be a String of the form \"NNN Reason\", got null");
        }
        boolean digits = status.length() >= 5 && isDigit(status.charAt(0)) && isDigit(status.charAt(1))
                && isDigit(status.charAt(2)) && status.charAt(0) != '0';
        if (!digits || status.charAt(3) != ' ' || status.charAt(4) == ' ') {
            throw new IllegalArgumentException("Status must be three digits, one space and a reason phrase"
                    + " (\"NNN Reason\", e.g. \"200 OK\"), got " + quote(status));
        }
        for (int i = 4; i < status.length(); i++) {
            char c = status.charAt(i);
            if (c != '\t' && (c < ' ' || c == 0x7f)) {
                throw new IllegalArgumentException("Status reason phrase must not hold control characters"
                        + " (response splitting), got " + quote(status));
            }
        }
        return (status.charAt(0) - '0') * 100 + (status.charAt(1) - '0') * 10 + (status.charAt(2) - '0');
    }

    /**
     * Checks a header list: not null, no null element, each header valid.
     *
     * @param headers the application's headers
     * @throws IllegalArgumentException naming the first header that breaks a rule
     */
    public static void check(List<Header> headers) {
        if (headers == null) {
            throw new IllegalArgumentException("Headers must be a List<Header> (possibly empty), got null");
        }
        for (int i = 0; i < headers.size(); i++) {
            Header header = headers.get(i);
            if (header == null) {
                throw new IllegalArgumentException("Headers must not hold null elements, got null at index " + i);
            }
            check(header);
        }
    }

    /**
     * Checks one header: a token name, a value of ISO-8859-1 characters without control
     * characters, not hop-by-hop.
     *
     * @param header the header
     * @throws IllegalArgumentException naming the rule, the header and what was expected
     */
    public static void check(Header header) {
        String name = header.name();
        String value = header.value();
        if (name == null || value == null) {
            throw new IllegalArgumentException("Header name and value must not be null, got " + header);
        }
        if (!isToken(name)) {
            throw new IllegalArgumentException("Header name must be an HTTP token (RFC 9110: letters, digits"
                    + " and " + TOKEN_SYMBOLS + "), got " + quote(name));
        }
        if (isHopByHop(name)) {
            throw new IllegalArgumentException("Header " + quote(name) + " is hop-by-hop and belongs to the"
                    + " server (PEP 3333); remove it from the application's headers");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException("Header value must not hold CR, LF or other control"
                        + " characters (response splitting), got " + name + ": " + quote(value)
                        + " with \\u" + String.format("%04x", (int) c) + " at index " + i);
            }
            if (c > 0xff) {
                // Tomcat drops such a header silently, Jetty turns the character into a space.
                throw new IllegalArgumentException("Header value must hold only ISO-8859-1 characters (a header"
                        + " is bytes; PEP 3333), got " + name + ": " + quote(value) + " with \\u"
                        + String.format("%04x", (int) c) + " at index " + i
                        + "; encode other text, e.g. percent-encoded UTF-8 (RFC 8187)");
            }
        }
    }

    /** Case-insensitive membership in {@link #HOP_BY_HOP}, without lower-casing a copy of every name. */
    private static boolean isHopByHop(String name) {
        for (String hop : HOP_BY_HOP_NAMES) {
            if (hop.length() == name.length() && hop.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns whether a string is a non-empty HTTP token (RFC 9110 section 5.6.2).
     *
     * @param s the string
     * @return {@code true} if it is a token
     */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c)
                    || TOKEN_SYMBOLS.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Renders a value for an error message: quoted, with control characters escaped, cut at 200 chars.
     *
     * @param s the value
     * @return a printable rendering of it
     */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c < ' ' || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > 200 ? "...\"" : "\"").toString();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
