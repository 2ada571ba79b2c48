package io.jwsgi.sample;

import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small HTTP chores the sample applications share: whole responses with a
 * {@code Content-Length}, query strings, request bodies, HTML escaping and page templates.
 * Every method works on the plain environ and {@code start_response}: no servlet types.
 */
public final class Http {

    /** {@code Content-Type} of the HTML pages. */
    public static final String HTML = "text/html; charset=utf-8";
    /** {@code Content-Type} of plain text. */
    public static final String TEXT = "text/plain; charset=utf-8";
    /** {@code Content-Type} of JSON. */
    public static final String JSON = "application/json";

    private Http() {
    }

    /**
     * Starts a response whose whole body is known, and returns that body.
     *
     * @param start the request's {@code start_response}
     * @param status {@code "NNN Reason"}
     * @param contentType the body's media type
     * @param body the body
     * @param extra more headers, as name, value, name, value...
     * @return the iterable to return from {@code call}
     */
    public static Iterable<byte[]> respond(StartResponse start, String status, String contentType, String body,
            String... extra) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Header[] headers = new Header[2 + extra.length / 2];
        headers[0] = new Header("Content-Type", contentType);
        headers[1] = new Header("Content-Length", Integer.toString(bytes.length));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            headers[2 + i / 2] = new Header(extra[i], extra[i + 1]);
        }
        start.start(status, List.of(headers));
        return List.of(bytes);
    }

    /** Answers {@code 405} naming the methods the resource allows. */
    public static Iterable<byte[]> methodNotAllowed(StartResponse start, String allow) {
        return respond(start, "405 Method Not Allowed", TEXT, "Use " + allow + " here.\n", "Allow", allow);
    }

    /** Answers {@code 404}. */
    public static Iterable<byte[]> notFound(Map<String, Object> environ, StartResponse start) {
        return respond(start, "404 Not Found", TEXT,
                "Nothing at " + environ.get(Environ.SCRIPT_NAME) + environ.get(Environ.PATH_INFO) + "\n");
    }

    /**
     * Redirects {@code /app} to {@code /app/}, so that the page's relative links resolve under
     * the application wherever it is mounted.
     */
    public static Iterable<byte[]> redirectToSlash(Map<String, Object> environ, StartResponse start) {
        String query = (String) environ.get(Environ.QUERY_STRING);
        String location = environ.get(Environ.SCRIPT_NAME) + "/" + (query.isEmpty() ? "" : "?" + query);
        return respond(start, "301 Moved Permanently", TEXT, "See " + location + "\n", "Location", location);
    }

    /**
     * Decodes a query string or a form body ({@code a=1&b=x+y}); the first value of a name wins.
     *
     * @param encoded the undecoded text
     * @return the names and values, decoded as UTF-8
     */
    public static Map<String, String> form(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            values.putIfAbsent(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return values;
    }

    /** The request's query parameters; see {@link #form}. */
    public static Map<String, String> query(Map<String, Object> environ) {
        return form((String) environ.get(Environ.QUERY_STRING));
    }

    /**
     * Reads the whole request body from {@code wsgi.input}.
     *
     * @param environ the request's environ
     * @param limit the most bytes accepted
     * @return the body
     * @throws TooLarge if the body is longer than {@code limit}
     * @throws UncheckedIOException if the client went away while sending it
     */
    public static byte[] body(Map<String, Object> environ, int limit) {
        InputStream in = (InputStream) environ.get(Environ.WSGI_INPUT);
        try {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw new TooLarge(limit);
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
    }

    /**
     * Escapes text for HTML element content and quoted attribute values.
     *
     * @param s the text
     * @return {@code s} with {@code & < > " '} replaced by character references
     */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Loads a page shipped next to the sample classes ({@code io/jwsgi/sample/NAME}).
     *
     * @param name the file name
     * @return its text, UTF-8
     * @throws IllegalStateException if the WAR does not hold it
     */
    public static String resource(String name) {
        try (InputStream in = Http.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("io/jwsgi/sample/" + name + " is missing from the classpath");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading io/jwsgi/sample/" + name + " failed", e);
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // A stray '%' is kept as typed rather than failing the whole request.
            return s;
        }
    }

    /** A request body over the limit the application set. */
    public static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(int limit) {
            super("the request body is longer than the " + limit + " bytes accepted here");
        }
    }
}
