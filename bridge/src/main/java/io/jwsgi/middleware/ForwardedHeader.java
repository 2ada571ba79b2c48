package io.jwsgi.middleware;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The RFC 7239 {@code Forwarded} request header, as {@link ProxyFix} reads it.
 *
 * <pre>{@code
 * List<ForwardedHeader.Element> hops = ForwardedHeader.parse("for=192.0.2.60;proto=https, for=\"[2001:db8::1]:4711\"");
 * hops.get(1).forAddress();   // "2001:db8::1"
 * }</pre>
 *
 * <p>The header is a comma-separated list of elements, one per proxy, the nearest last; several
 * header lines count as one list (the server joins them with commas). Each element holds
 * {@code name=value} pairs separated by {@code ;}, a value being a token or a quoted string (with
 * {@code \}-escapes). The parameters {@code for}, {@code by}, {@code host} and {@code proto} are
 * checked: {@code for} and {@code by} are nodes ({@code 192.0.2.60}, {@code "[2001:db8::1]:4711"},
 * {@code unknown} or an obfuscated {@code _name}, each with an optional port or {@code _port}),
 * {@code host} is {@code host[:port]}, {@code proto} a URI scheme. Other parameters are skipped.
 *
 * <p>Anything else is {@link Malformed}, and the whole header is then ignored: a parameter given
 * twice in one element, a bad token or value, an unbalanced quote, a control character, a header
 * longer than {@link #MAX_LENGTH} characters or with more than {@link #MAX_ELEMENTS} elements.
 * Ignoring all of it, not just the bad element, is safe: a client that spoils the header can only
 * make the server fall back to what it would believe without one.
 */
public final class ForwardedHeader {

    /** Environ key: the {@code by} node of the element {@link ProxyFix} applied, if it named one. */
    public static final String BY = "jwsgi.forwarded.by";
    /** The longest header read, in characters. */
    public static final int MAX_LENGTH = 8192;
    /** The most elements (hops) read. */
    public static final int MAX_ELEMENTS = 64;

    private static final Logger LOG = Logger.getLogger(ProxyFix.class.getName());
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final AtomicLong NEXT_LOG = new AtomicLong(System.nanoTime());
    private static final AtomicInteger UNREPORTED = new AtomicInteger();

    private ForwardedHeader() {
    }

    /**
     * One element: what one proxy recorded about the request it received.
     *
     * @param forNode the {@code for} node as sent (unquoted), or {@code null}
     * @param by the {@code by} node, or {@code null}
     * @param host the {@code host}, or {@code null}
     * @param proto the {@code proto}, lower-cased, or {@code null}
     */
    public record Element(String forNode, String by, String host, String proto) {
        /** The IP address of {@code for}, without brackets or port; {@code null} if unknown, obfuscated or absent. */
        public String forAddress() {
            return forNode == null ? null : address(forNode);
        }
    }

    /** A header that breaks RFC 7239's syntax; the message names the rule and the offending text. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    /**
     * Parses a header value.
     *
     * @param header the {@code Forwarded} value (lines joined with commas)
     * @return its elements, the nearest proxy's last; empty elements are skipped
     * @throws Malformed if any part of it is malformed
     */
    public static List<Element> parse(String header) throws Malformed {
        if (header.length() > MAX_LENGTH) {
            throw new Malformed("Forwarded header longer than " + MAX_LENGTH + " characters (" + header.length() + ")");
        }
        List<Element> elements = new ArrayList<>();
        Map<String, String> pairs = new HashMap<>();
        Scanner in = new Scanner(header);
        boolean afterPair = false;
        while (true) {
            in.skipSpaces();
            if (in.atEnd() || in.peek() == ',' || in.peek() == ';') {
                afterPair = false;
                char c = in.atEnd() ? ',' : in.next();
                if ((c == ',' || in.atEnd()) && !pairs.isEmpty()) {
                    elements.add(element(pairs));
                    pairs.clear();
                    if (elements.size() > MAX_ELEMENTS) {
                        throw new Malformed("Forwarded header with more than " + MAX_ELEMENTS + " elements");
                    }
                }
                if (in.atEnd()) {
                    return elements;
                }
                continue;
            }
            if (afterPair) {
                throw in.fault("expected ';' or ',' after a parameter");
            }
            afterPair = true;
            String name = in.token().toLowerCase(Locale.ROOT);
            in.expect('=');
            String value = in.peek() == '"' ? in.quoted() : in.token();
            if (pairs.put(name, value) != null) {
                throw new Malformed("Forwarded parameter \"" + name + "\" given twice in one element, in: " + excerpt(header));
            }
        }
    }

    private static Element element(Map<String, String> pairs) throws Malformed {
        String forNode = pairs.get("for");
        String by = pairs.get("by");
        String host = pairs.get("host");
        String proto = pairs.get("proto");
        for (String node : new String[] {forNode, by}) {
            if (node != null && !isNode(node)) {
                throw new Malformed("Forwarded for/by must be an IPv4 address, a bracketed IPv6 address, \"unknown\""
                        + " or an obfuscated _name, each with an optional :port; got \"" + excerpt(node) + "\"");
            }
        }
        if (host != null && !host.matches("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9\\-._~!$&'()*+,;=%]+)(:[0-9]{1,5})?")) {
            throw new Malformed("Forwarded host must be host[:port], got \"" + excerpt(host) + "\"");
        }
        if (proto != null && !proto.matches("[A-Za-z][A-Za-z0-9+.\\-]*")) {
            throw new Malformed("Forwarded proto must be a URI scheme, got \"" + excerpt(proto) + "\"");
        }
        return new Element(forNode, by, host, proto == null ? null : proto.toLowerCase(Locale.ROOT));
    }

    /**
     * The element {@link ProxyFix} believes: walking from the nearest proxy's element back, each
     * element whose {@code for} is itself a trusted proxy is passed over; the first that is not
     * (or the farthest one) names the client.
     *
     * @param elements the parsed header
     * @param trusted whether an address is a trusted proxy
     * @return the client's element, or {@code null} if there is none
     */
    static Element client(List<Element> elements, Predicate<String> trusted) {
        for (int i = elements.size() - 1; i >= 0; i--) {
            String address = elements.get(i).forAddress();
            if (i == 0 || address == null || !trusted.test(address)) {
                return elements.get(i);
            }
        }
        return null;
    }

    /**
     * Parses and walks an environ's {@code Forwarded} header; a malformed one is logged (at most
     * once every ten seconds, with the count of those not logged) and treated as absent.
     *
     * @param header the header value, or {@code null}
     * @param trusted whether an address is a trusted proxy
     * @return the client's element, or {@code null} if the header is absent, empty or malformed
     */
    static Element client(String header, Predicate<String> trusted) {
        if (header == null) {
            return null;
        }
        try {
            return client(parse(header), trusted);
        } catch (Malformed e) {
            report(e);
            return null;
        }
    }

    /** Lets the next malformed header be logged at once (for tests). */
    static void reportNextAtOnce() {
        NEXT_LOG.set(System.nanoTime() - 1);
    }

    private static void report(Malformed e) {
        int unreported = UNREPORTED.incrementAndGet();
        long now = System.nanoTime();
        long next = NEXT_LOG.get();
        if (now - next >= 0 && NEXT_LOG.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            UNREPORTED.addAndGet(-unreported);
            LOG.log(Level.WARNING, "ProxyFix ignores a malformed Forwarded header from a trusted proxy (RFC 7239),"
                    + " using X-Forwarded-* if allowed: {0}{1}", new Object[] {e.getMessage(),
                        unreported > 1 ? " (" + (unreported - 1) + " more since the last report)" : ""});
        }
    }

    private static boolean isNode(String node) {
        String name = node;
        String port = null;
        if (node.startsWith("[")) {
            int close = node.indexOf(']');
            if (close < 0) {
                return false;
            }
            name = node.substring(0, close + 1);
            port = close + 1 < node.length() ? node.substring(close + 1) : null;
            if (port != null && !port.startsWith(":")) {
                return false;
            }
        } else if (node.indexOf(':') >= 0) {
            name = node.substring(0, node.indexOf(':'));
            port = node.substring(node.indexOf(':'));
        }
        if (port != null && !port.matches(":([0-9]{1,5}|_[A-Za-z0-9._\\-]+)")) {
            return false;
        }
        return name.equalsIgnoreCase("unknown") || name.matches("_[A-Za-z0-9._\\-]+") || address(node) != null;
    }

    /** The IP literal of a node, without brackets or port, or {@code null} if it names none. */
    private static String address(String node) {
        String name;
        if (node.startsWith("[")) {
            int close = node.indexOf(']');
            name = close < 0 ? "" : node.substring(1, close);
            if (name.indexOf(':') < 0) {
                return null;
            }
        } else {
            int colon = node.indexOf(':');
            name = colon < 0 ? node : node.substring(0, colon);
            if (name.indexOf('.') < 0) {
                return null;
            }
        }
        return TrustedNetwork.literal(name) != null ? name : null;
    }

    private static String excerpt(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return shown.replaceAll("[\\x00-\\x1f\\x7f]", "?");
    }

    /** Reads tokens and quoted strings (RFC 9110 section 5.6) from the header. */
    private static final class Scanner {
        private final String s;
        private int at;

        Scanner(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return at >= s.length();
        }

        char peek() {
            return atEnd() ? '\0' : s.charAt(at);
        }

        char next() {
            return s.charAt(at++);
        }

        void skipSpaces() {
            while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
                at++;
            }
        }

        void expect(char c) throws Malformed {
            if (peek() != c) {
                throw fault("expected '" + c + "'");
            }
            at++;
        }

        String token() throws Malformed {
            int start = at;
            while (!atEnd() && isTchar(peek())) {
                at++;
            }
            if (at == start) {
                throw fault("expected a token");
            }
            return s.substring(start, at);
        }

        String quoted() throws Malformed {
            StringBuilder value = new StringBuilder();
            at++;
            while (!atEnd()) {
                char c = next();
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\') {
                    if (atEnd()) {
                        break;
                    }
                    c = next();
                }
                if ((c < ' ' && c != '\t') || c == 0x7f) {
                    throw fault("control character in a quoted string");
                }
                value.append(c);
            }
            throw fault("unbalanced quote");
        }

        Malformed fault(String what) {
            return new Malformed("Forwarded header: " + what + " at character " + at + " of: " + excerpt(s));
        }

        private static boolean isTchar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }
}
