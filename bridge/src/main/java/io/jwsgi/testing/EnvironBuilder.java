package io.jwsgi.testing;

import io.jwsgi.Environ;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a request's environ the way the servlet bridge does, for tests:
 *
 * <pre>{@code
 * Map<String, Object> environ = EnvironBuilder.of("GET", "/search?q=caf%C3%A9")
 *         .header("Accept", "text/plain")
 *         .build();
 * }</pre>
 *
 * <p>The defaults make a minimal valid environ (SPEC.md section 2): {@code REQUEST_METHOD} as
 * given; {@code SCRIPT_NAME} {@code ""}; {@code PATH_INFO} the target's path, percent-decoded as
 * UTF-8; {@code QUERY_STRING} the text after {@code ?}, undecoded, {@code ""} if none;
 * {@code SERVER_NAME} {@code "localhost"}, {@code SERVER_PORT} {@code "80"},
 * {@code SERVER_PROTOCOL} {@code "HTTP/1.1"}, {@code REMOTE_ADDR} {@code "127.0.0.1"},
 * {@code HTTP_HOST} {@code "localhost"} (an HTTP/1.1 request always has one); the {@code wsgi.*}
 * keys with their specified values ({@code wsgi.input} the body, or empty; {@code wsgi.errors}
 * printing to {@code System.err}); and stand-ins for {@code async.sleep} and {@code async.wake},
 * which a server replaces with its own. {@code CONTENT_LENGTH} and {@code CONTENT_TYPE} are set
 * only when the request has a body.
 *
 * <p>The stand-ins keep the extension's ledger without suspending anything, so that a body using
 * them ({@code AsyncBody}, {@code SseStream}) can be iterated directly by the test, which plays
 * the server and reads the ledger with {@link #async(Map)}:
 *
 * <pre>{@code
 * Map<String, Object> environ = EnvironBuilder.of("GET", "/feed").build();
 * AsyncBody body = AsyncBody.of(environ);
 * Iterator<byte[]> chunks = body.iterator();
 * chunks.next();                                     // nothing queued: sleeps, yields an empty chunk
 * assertThat(EnvironBuilder.async(environ).isSleeping()).isTrue();
 * body.offer("hi".getBytes(UTF_8));                  // wakes
 * assertThat(EnvironBuilder.async(environ).isSleeping()).isFalse();
 * }</pre>
 *
 * <p>Request headers map as the bridge maps them: {@code X-Name} to {@code HTTP_X_NAME}, a header
 * given twice joined with {@code ","} ({@code "; "} for {@code Cookie}), {@code Content-Type} and
 * {@code Content-Length} to their CGI keys, and names holding {@code _} dropped. Any key can then
 * be replaced with {@link #set} or removed with {@link #remove}, to test how an application
 * copes with an unusual server.
 */
public final class EnvironBuilder {

    private final String method;
    private final String path;
    private final String query;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;
    private String bodyType;
    private final Map<String, Object> overrides = new LinkedHashMap<>();
    private final Set<String> removed = new LinkedHashSet<>();

    private EnvironBuilder(String method, String target) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("the request target must be a path starting with \"/\""
                    + " (an optional \"?query\" after it), got \"" + target + "\"");
        }
        int q = target.indexOf('?');
        this.method = method;
        this.path = q < 0 ? target : target.substring(0, q);
        this.query = q < 0 ? "" : target.substring(q + 1);
    }

    /**
     * Starts an environ for a request.
     *
     * @param method the HTTP method, {@code "GET"}, {@code "POST"}, ...
     * @param target the path and query as sent on the request line, e.g. {@code "/a%20b?q=1"}
     * @return the builder
     */
    public static EnvironBuilder of(String method, String target) {
        return new EnvironBuilder(method, target);
    }

    /**
     * Adds a request header; a name given again adds a value.
     *
     * @param name the header name; names holding {@code _} are dropped, as the bridge drops them
     * @param value the value
     * @return this builder
     */
    public EnvironBuilder header(String name, String value) {
        if (name.indexOf('_') >= 0) {
            return this;
        }
        String key = Environ.headerKey(name);
        String joined = headers.get(key);
        if (joined == null || !key.startsWith(Environ.HTTP_PREFIX)) {
            headers.put(key, value);
        } else {
            headers.put(key, joined + (key.equals("HTTP_COOKIE") ? "; " : ",") + value);
        }
        return this;
    }

    /**
     * Sets the request body: {@code wsgi.input} reads it, {@code CONTENT_LENGTH} is its length and
     * {@code CONTENT_TYPE}, unless a {@code Content-Type} header is given, is
     * {@code application/octet-stream}.
     *
     * @param bytes the body
     * @return this builder
     */
    public EnvironBuilder body(byte[] bytes) {
        this.body = bytes.clone();
        this.bodyType = "application/octet-stream";
        return this;
    }

    /**
     * Sets a text body, encoded as UTF-8; like {@link #body(byte[])} with
     * {@code CONTENT_TYPE} {@code text/plain; charset=utf-8} unless a {@code Content-Type} header is given.
     *
     * @param text the body
     * @return this builder
     */
    public EnvironBuilder body(String text) {
        body(text.getBytes(StandardCharsets.UTF_8));
        this.bodyType = "text/plain; charset=utf-8";
        return this;
    }

    /**
     * Sets where the application is mounted; the same as {@code set(Environ.SCRIPT_NAME, scriptName)}.
     *
     * @param scriptName {@code ""}, or a path starting with {@code /} and not ending with {@code /}
     * @return this builder
     */
    public EnvironBuilder scriptName(String scriptName) {
        return set(Environ.SCRIPT_NAME, scriptName);
    }

    /**
     * Sets an environ key to a value, replacing the default or what the request gave it; any key
     * and any value, valid or not.
     *
     * @param key the environ key
     * @param value its value
     * @return this builder
     */
    public EnvironBuilder set(String key, Object value) {
        removed.remove(key);
        overrides.put(key, value);
        return this;
    }

    /**
     * Leaves a key out of the environ, even a required one.
     *
     * @param key the environ key
     * @return this builder
     */
    public EnvironBuilder remove(String key) {
        overrides.remove(key);
        removed.add(key);
        return this;
    }

    /** The request method. */
    public String method() {
        return method;
    }

    /** The request target as given: the path, and {@code ?query} if there is one. */
    public String target() {
        return query.isEmpty() ? path : path + "?" + query;
    }

    /** Whether {@link #set} gave this key a value. */
    boolean isSet(String key) {
        return overrides.containsKey(key);
    }

    /**
     * Builds a new, mutable environ; each call gives a fresh map and a fresh {@code wsgi.input}.
     *
     * @return the environ
     */
    public Map<String, Object> build() {
        Map<String, Object> env = new HashMap<>(64);
        env.put(Environ.REQUEST_METHOD, method);
        env.put(Environ.SCRIPT_NAME, "");
        env.put(Environ.PATH_INFO, percentDecode(path));
        env.put(Environ.QUERY_STRING, query);
        env.put(Environ.SERVER_NAME, "localhost");
        env.put(Environ.SERVER_PORT, "80");
        env.put(Environ.SERVER_PROTOCOL, "HTTP/1.1");
        env.put(Environ.REMOTE_ADDR, "127.0.0.1");
        env.put("HTTP_HOST", "localhost");
        if (body != null) {
            env.put(Environ.CONTENT_LENGTH, Integer.toString(body.length));
            env.put(Environ.CONTENT_TYPE, bodyType);
        }
        env.putAll(headers);
        env.put(Environ.WSGI_VERSION, Environ.VERSION);
        env.put(Environ.WSGI_URL_SCHEME, "http");
        env.put(Environ.WSGI_INPUT, new ByteArrayInputStream(body == null ? new byte[0] : body));
        env.put(Environ.WSGI_ERRORS, new PrintWriter(System.err, true));
        env.put(Environ.WSGI_MULTITHREAD, Boolean.TRUE);
        env.put(Environ.WSGI_MULTIPROCESS, Boolean.FALSE);
        env.put(Environ.WSGI_RUN_ONCE, Boolean.FALSE);
        env.put(Environ.WSGI_INPUT_TERMINATED, Boolean.TRUE);
        AsyncStandIn async = new AsyncStandIn();
        env.put(Environ.ASYNC_SLEEP, async.sleep);
        env.put(Environ.ASYNC_WAKE, async.wake);
        env.putAll(overrides);
        env.keySet().removeAll(removed);
        return env;
    }

    /**
     * Returns the ledger behind the {@code async.sleep} and {@code async.wake} stand-ins of an
     * environ this builder built.
     *
     * @param environ an environ from {@link #build()}, its {@code async.sleep} not replaced
     * @return the stand-ins' ledger
     * @throws IllegalArgumentException if {@code async.sleep} is not this builder's stand-in (a
     *         server, or {@link #set}, replaced it)
     */
    public static AsyncStandIn async(Map<String, Object> environ) {
        if (environ.get(Environ.ASYNC_SLEEP) instanceof AsyncStandIn.Sleep sleep) {
            return sleep.ledger();
        }
        throw new IllegalArgumentException("environ[\"" + Environ.ASYNC_SLEEP + "\"] is not EnvironBuilder's stand-in"
                + " (a server or set() replaced it), got " + environ.get(Environ.ASYNC_SLEEP));
    }

    /** Decodes %XX escapes as UTF-8; '+' stays (it means a space only in query strings). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (c == '%' && hi >= 0 && lo >= 0) {
                bytes.write(hi * 16 + lo);
                i += 3;
            } else {
                bytes.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return method + " " + target();
    }
}
