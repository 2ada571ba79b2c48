package io.jwsgi.app;

import io.jwsgi.Environ;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A read-only view of a request's environ with the usual conveniences; the environ stays the
 * source of truth and is always at hand through {@link #environ()}.
 *
 * <pre>{@code
 * public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws IOException {
 *     Request request = new Request(environ);
 *     if (request.method().equals("POST") && request.path().equals("/say")) {
 *         String text = request.form("text");              // from an urlencoded body
 *         String room = request.query("room");             // from ?room=...
 *         String session = request.cookie("session");
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>The body is read at most once from {@code wsgi.input}: {@link #body()}, {@link #text()} and
 * {@link #form()} read it whole (up to {@link #bodyLimit} bytes, 1 MiB by default) and keep it in
 * the environ under {@link #BODY_KEY}, so that other views of the same request, in middleware or
 * the application, see it too; {@link #stream()} gives the kept bytes once read, else
 * {@code wsgi.input} itself. Reading the body blocks the calling thread, as in PEP 3333.
 */
public final class Request {

    /** Environ key where the read body is kept: {@code byte[]}. */
    public static final String BODY_KEY = "jwsgi.request.body";

    /** The default most bytes {@link #body()} reads: 1 MiB. */
    public static final long DEFAULT_BODY_LIMIT = 1 << 20;

    private final Map<String, Object> environ;
    private final long bodyLimit;
    private Map<String, List<String>> query;
    private Map<String, String> cookies;

    /**
     * A view with the default body limit.
     *
     * @param environ the request's environ
     */
    public Request(Map<String, Object> environ) {
        this(environ, DEFAULT_BODY_LIMIT);
    }

    /**
     * A view that reads bodies up to {@code bodyLimit} bytes.
     *
     * @param environ the request's environ
     * @param bodyLimit the most bytes {@link #body()} reads
     */
    public Request(Map<String, Object> environ, long bodyLimit) {
        this.environ = Objects.requireNonNull(environ, "environ");
        if (bodyLimit < 0) {
            throw new IllegalArgumentException("bodyLimit must be >= 0 bytes, got " + bodyLimit);
        }
        this.bodyLimit = bodyLimit;
    }

    /** The body is larger than the limit: answer {@code 413 Content Too Large}. */
    public static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge(String message) {
            super(message);
        }
    }

    /** The environ itself, not a copy. @return the environ */
    public Map<String, Object> environ() {
        return environ;
    }

    /** @return {@code REQUEST_METHOD}, e.g. {@code "GET"} */
    public String method() {
        return string(Environ.REQUEST_METHOD);
    }

    /** @return {@code SCRIPT_NAME}: where the application is mounted, decoded */
    public String scriptName() {
        return string(Environ.SCRIPT_NAME);
    }

    /** @return {@code PATH_INFO}: the path within the application, decoded; {@code ""} or starting with {@code /} */
    public String path() {
        return string(Environ.PATH_INFO);
    }

    /** @return {@code SCRIPT_NAME + PATH_INFO}: the whole decoded path */
    public String fullPath() {
        return scriptName() + path();
    }

    /** @return {@code QUERY_STRING}, undecoded; {@code ""} if none */
    public String queryString() {
        return string(Environ.QUERY_STRING);
    }

    /**
     * Rebuilds the request URL as PEP 3333 describes: scheme, {@code Host} (or server name and
     * port), quoted path and the query.
     *
     * @return e.g. {@code "https://example.com/chat/poll?since=4"}
     */
    public String url() {
        String scheme = string(Environ.WSGI_URL_SCHEME).isEmpty() ? "http" : string(Environ.WSGI_URL_SCHEME);
        StringBuilder url = new StringBuilder(scheme).append("://");
        String host = header("Host");
        if (host != null) {
            url.append(host);
        } else {
            url.append(string(Environ.SERVER_NAME));
            String port = string(Environ.SERVER_PORT);
            if (!port.isEmpty() && !(scheme.equals("https") ? port.equals("443") : port.equals("80"))) {
                url.append(':').append(port);
            }
        }
        url.append(quotePath(fullPath()));
        return queryString().isEmpty() ? url.toString() : url.append('?').append(queryString()).toString();
    }

    /** @return the query parameters, decoded; names in order, unmodifiable */
    public Map<String, List<String>> query() {
        if (query == null) {
            query = FormData.parse(queryString());
        }
        return query;
    }

    /** @param name a parameter name @return its first value in the query, or {@code null} */
    public String query(String name) {
        List<String> values = query().get(name);
        return values == null ? null : values.get(0);
    }

    /**
     * A request header.
     *
     * @param name the header name, any case ({@code "User-Agent"})
     * @return its value (several joined by the server with {@code ,}), or {@code null}
     */
    public String header(String name) {
        return environ.get(Environ.headerKey(name)) instanceof String s ? s : null;
    }

    /** @return every request header, by name in {@code Title-Case} ({@code HTTP_USER_AGENT} is {@code User-Agent}) */
    public Map<String, String> headers() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : environ.entrySet()) {
            if (e.getKey().startsWith(Environ.HTTP_PREFIX) && e.getValue() instanceof String v) {
                out.put(titleCase(e.getKey().substring(Environ.HTTP_PREFIX.length())), v);
            } else if ((e.getKey().equals(Environ.CONTENT_TYPE) || e.getKey().equals(Environ.CONTENT_LENGTH))
                    && e.getValue() instanceof String v) {
                out.put(titleCase(e.getKey()), v);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** @return {@code CONTENT_TYPE}, or {@code null} */
    public String contentType() {
        return environ.get(Environ.CONTENT_TYPE) instanceof String s ? s : null;
    }

    /** @return {@code CONTENT_LENGTH} as a number, or -1 when absent or malformed */
    public long contentLength() {
        try {
            return environ.get(Environ.CONTENT_LENGTH) instanceof String s ? Long.parseLong(s.trim()) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** @return the cookies of the {@code Cookie} header; the first of a repeated name wins; unmodifiable */
    public Map<String, String> cookies() {
        if (cookies == null) {
            Map<String, String> out = new LinkedHashMap<>();
            String header = header("Cookie");
            if (header != null) {
                for (String pair : header.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        String name = pair.substring(0, eq).trim();
                        String value = pair.substring(eq + 1).trim();
                        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                            value = value.substring(1, value.length() - 1);
                        }
                        out.putIfAbsent(name, value);
                    }
                }
            }
            cookies = Collections.unmodifiableMap(out);
        }
        return cookies;
    }

    /** @param name a cookie name @return its value, or {@code null} */
    public String cookie(String name) {
        return cookies().get(name);
    }

    /**
     * The whole body, read once and kept in the environ.
     *
     * @return the bytes; empty if the request has none
     * @throws BodyTooLarge if it is longer than the body limit
     * @throws IOException if reading fails
     */
    public byte[] body() throws IOException {
        if (environ.get(BODY_KEY) instanceof byte[] kept) {
            return kept;
        }
        long declared = contentLength();
        if (declared > bodyLimit) {
            throw new BodyTooLarge("the request body declares " + declared + " bytes, over the limit of " + bodyLimit);
        }
        byte[] body = environ.get(Environ.WSGI_INPUT) instanceof InputStream in ? readUpTo(in, bodyLimit) : new byte[0];
        environ.put(BODY_KEY, body);
        return body;
    }

    /**
     * The body as text, in the charset of {@code Content-Type} (UTF-8 if none is named).
     *
     * @return the text
     * @throws IOException if reading fails or the body is too large
     */
    public String text() throws IOException {
        return new String(body(), charset());
    }

    /**
     * The body as a stream: the kept bytes once read, else {@code wsgi.input}.
     *
     * @return the stream; reading it from {@code wsgi.input} consumes the body
     */
    public InputStream stream() {
        if (environ.get(BODY_KEY) instanceof byte[] kept) {
            return new ByteArrayInputStream(kept);
        }
        return environ.get(Environ.WSGI_INPUT) instanceof InputStream in ? in : InputStream.nullInputStream();
    }

    /**
     * The form fields of an {@code application/x-www-form-urlencoded} body; empty for other types.
     *
     * @return names to values, unmodifiable
     * @throws IOException if reading fails or the body is too large
     */
    public Map<String, List<String>> form() throws IOException {
        String type = contentType();
        if (type == null || !mediaType(type).equals("application/x-www-form-urlencoded")) {
            return Map.of();
        }
        Charset charset = charset();
        return FormData.parse(new String(body(), charset), charset);
    }

    /**
     * A form field.
     *
     * @param name the field name
     * @return its first value, or {@code null}
     * @throws IOException if reading fails or the body is too large
     */
    public String form(String name) throws IOException {
        List<String> values = form().get(name);
        return values == null ? null : values.get(0);
    }

    private Charset charset() {
        String type = contentType();
        if (type != null) {
            for (String param : type.split(";")) {
                String p = param.trim();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    try {
                        return Charset.forName(p.substring(8).replace("\"", "").trim());
                    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                        return StandardCharsets.UTF_8;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static byte[] readUpTo(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            if (out.size() + (long) n > limit) {
                throw new BodyTooLarge("the request body is longer than the limit of " + limit + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static String titleCase(String key) {
        StringBuilder b = new StringBuilder(key.length());
        boolean upper = true;
        for (char c : key.toCharArray()) {
            if (c == '_') {
                b.append('-');
                upper = true;
            } else {
                b.append(upper ? c : Character.toLowerCase(c));
                upper = false;
            }
        }
        return b.toString();
    }

    /** Percent-encodes what may not appear raw in a URL path (PEP 3333's {@code quote}). */
    private static String quotePath(String path) {
        StringBuilder b = new StringBuilder(path.length());
        for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "/-._~!$&'()*+,;=:@".indexOf(c) >= 0;
            b.append(safe ? String.valueOf((char) c) : String.format("%%%02X", c));
        }
        return b.toString();
    }

    private String string(String key) {
        return environ.get(key) instanceof String s ? s : "";
    }
}
