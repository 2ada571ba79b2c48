package io.jwsgi.app;

import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.server.HeaderRules;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds a response and hands it to {@code start_response}: status, headers, cookies and a body,
 * then {@link #send}.
 *
 * <pre>{@code
 * return Response.ok().html("<p>Hello</p>").send(startResponse);
 * return Response.status(404).text("no such room\n").send(startResponse);
 * return Response.redirect("/rooms/1").cookie("session", id, Duration.ofDays(7)).send(startResponse);
 * return Response.ok().contentType("text/event-stream").stream(asyncBody).send(startResponse);
 * }</pre>
 *
 * <p>A byte body ({@link #body}, {@link #text}, {@link #html}, {@link #json}) gets a
 * {@code Content-Length}; a {@link #stream} body does not, and is returned as it is (its chunks,
 * sleeps and {@code close()} untouched). Header names and values are checked at once by the
 * server's rules ({@link HeaderRules}), so a mistake fails where it is made. A builder is used
 * for one response, from one thread.
 */
public final class Response {

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"), Map.entry(201, "Created"), Map.entry(202, "Accepted"), Map.entry(204, "No Content"),
            Map.entry(206, "Partial Content"), Map.entry(301, "Moved Permanently"), Map.entry(302, "Found"),
            Map.entry(303, "See Other"), Map.entry(304, "Not Modified"), Map.entry(307, "Temporary Redirect"),
            Map.entry(308, "Permanent Redirect"), Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(409, "Conflict"), Map.entry(410, "Gone"), Map.entry(413, "Content Too Large"),
            Map.entry(415, "Unsupported Media Type"), Map.entry(416, "Range Not Satisfiable"),
            Map.entry(422, "Unprocessable Content"), Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"), Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));

    private final String status;
    private final List<Header> headers = new ArrayList<>();
    private Iterable<byte[]> body = List.of();

    private Response(String status) {
        HeaderRules.statusCode(status);
        this.status = status;
    }

    /** @return a {@code 200 OK} response */
    public static Response ok() {
        return status(200);
    }

    /**
     * A response with this status code and its standard reason phrase.
     *
     * @param code 100 to 999
     * @return the response
     */
    public static Response status(int code) {
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("status code must have three digits, got " + code);
        }
        return new Response(code + " " + REASONS.getOrDefault(code, code < 400 ? "OK" : "Error"));
    }

    /**
     * A response with this status line.
     *
     * @param statusLine {@code "NNN Reason"}, e.g. {@code "418 I'm a teapot"}
     * @return the response
     */
    public static Response status(String statusLine) {
        return new Response(statusLine);
    }

    /**
     * A {@code 303 See Other} to a location: after a form post, the browser then {@code GET}s it.
     *
     * @param location the URL or absolute path
     * @return the response
     */
    public static Response redirect(String location) {
        return status(303).header("Location", location);
    }

    /**
     * Adds a header (names may repeat).
     *
     * @param name the name
     * @param value the value
     * @return this response
     * @throws IllegalArgumentException if the header breaks a rule (token name, no CR/LF, not hop-by-hop)
     */
    public Response header(String name, String value) {
        Header header = new Header(name, value);
        HeaderRules.check(header);
        headers.add(header);
        return this;
    }

    /**
     * Sets {@code Content-Type}, replacing an earlier one.
     *
     * @param type e.g. {@code "application/json"}
     * @return this response
     */
    public Response contentType(String type) {
        headers.removeIf(h -> h.is("Content-Type"));
        return header("Content-Type", type);
    }

    /**
     * Sets a session cookie: {@code Path=/; HttpOnly; SameSite=Lax}.
     *
     * @param name the cookie name, an HTTP token
     * @param value the value: visible ASCII without {@code " , ; \}
     * @return this response
     */
    public Response cookie(String name, String value) {
        return header("Set-Cookie", cookieText(name, value) + "; Path=/; HttpOnly; SameSite=Lax");
    }

    /**
     * Sets a persistent cookie: {@code Max-Age}, {@code Path=/; HttpOnly; SameSite=Lax}; a zero
     * age deletes it.
     *
     * @param name the cookie name, an HTTP token
     * @param value the value: visible ASCII without {@code " , ; \}
     * @param maxAge how long the browser keeps it
     * @return this response
     */
    public Response cookie(String name, String value, Duration maxAge) {
        return header("Set-Cookie", cookieText(name, value) + "; Max-Age=" + Math.max(0, maxAge.toSeconds())
                + "; Path=/; HttpOnly; SameSite=Lax");
    }

    /**
     * Sets the body; adds {@code Content-Length}.
     *
     * @param bytes the body
     * @return this response
     */
    public Response body(byte[] bytes) {
        headers.removeIf(h -> h.is("Content-Length"));
        headers.add(new Header("Content-Length", Integer.toString(bytes.length)));
        this.body = List.of(bytes);
        return this;
    }

    /** Sets a UTF-8 text body, and {@code text/plain; charset=utf-8} unless a type is set. @param text the text @return this response */
    public Response text(String text) {
        return typed("text/plain; charset=utf-8").body(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sets a UTF-8 HTML body, and {@code text/html; charset=utf-8} unless a type is set. @param html the document @return this response */
    public Response html(String html) {
        return typed("text/html; charset=utf-8").body(html.getBytes(StandardCharsets.UTF_8));
    }

    /** Sets a JSON body (already serialized), and {@code application/json} unless a type is set. @param json the JSON text @return this response */
    public Response json(String json) {
        return typed("application/json").body(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sets a streamed body, e.g. an {@link AsyncBody} or {@link FileBody}; no {@code Content-Length}
     * is added (set one with {@link #header} if the length is known).
     *
     * @param chunks the body, returned by {@link #send} as it is
     * @return this response
     */
    public Response stream(Iterable<byte[]> chunks) {
        headers.removeIf(h -> h.is("Content-Length"));
        this.body = chunks;
        return this;
    }

    /**
     * Calls {@code start_response} with the status and headers and returns the body, to be returned from {@code call}.
     *
     * @param startResponse the server's start_response
     * @return the body
     */
    public Iterable<byte[]> send(StartResponse startResponse) {
        startResponse.start(status, List.copyOf(headers));
        return body;
    }

    /** @return the status line */
    public String status() {
        return status;
    }

    /** @return the headers so far, unmodifiable */
    public List<Header> headers() {
        return List.copyOf(headers);
    }

    private Response typed(String type) {
        return headers.stream().anyMatch(h -> h.is("Content-Type")) ? this : header("Content-Type", type);
    }

    private static String cookieText(String name, String value) {
        if (!HeaderRules.isToken(name)) {
            throw new IllegalArgumentException("cookie name must be an HTTP token (RFC 6265), got " + HeaderRules.quote(name));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\') {
                throw new IllegalArgumentException("cookie value may hold visible ASCII except \" , ; \\ (RFC 6265),"
                        + " got " + HeaderRules.quote(value) + "; encode it (e.g. Base64url) first");
            }
        }
        return name + "=" + value;
    }
}
