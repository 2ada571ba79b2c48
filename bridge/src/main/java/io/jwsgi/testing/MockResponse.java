package io.jwsgi.testing;

import io.jwsgi.Header;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the client of a {@link MockContainer} received: status, headers and body, plus what a test
 * wants to know beyond the wire (the chunks one by one, whether the iterable was closed, what went
 * to {@code wsgi.errors}). Immutable: a snapshot taken when the response ended, or, from
 * {@link MockExchange#response()}, when it was asked for.
 *
 * <p>The headers are the ones the application gave (or the server's error page's), in order;
 * a container adds its own ({@code Date}, framing) on the wire, which the mock does not invent.
 * As from a container, a client receives no body for a {@code HEAD} request.
 */
public final class MockResponse {

    private final String request;
    private final String statusLine;
    private final List<Header> headers;
    private final List<byte[]> chunks;
    private final boolean ended;
    private final boolean aborted;
    private final Throwable abortCause;
    private final int closeCount;
    private final boolean closeable;
    private final String errors;
    private final List<String> warnings;
    private final Throwable applicationError;

    MockResponse(String request, MockChannel channel, Probe probe, String errors, List<String> warnings) {
        this.request = request;
        this.statusLine = channel.status();
        this.headers = channel.headers();
        this.chunks = channel.chunks();
        this.ended = channel.isOver();
        this.aborted = channel.isAborted();
        this.abortCause = channel.abortCause();
        this.closeCount = probe.closes();
        this.closeable = probe.closeable();
        this.errors = errors;
        this.warnings = warnings;
        this.applicationError = probe.failure();
    }

    /**
     * Returns the status code.
     *
     * @return the code, e.g. {@code 200}; {@code 0} while the head has not gone out
     */
    public int status() {
        return statusLine == null ? 0 : Integer.parseInt(statusLine.substring(0, 3));
    }

    /**
     * Returns the reason phrase the application gave (a servlet container sends its own instead).
     *
     * @return e.g. {@code "OK"}; {@code ""} while the head has not gone out
     */
    public String reason() {
        return statusLine == null ? "" : statusLine.substring(4);
    }

    /**
     * Returns the status as given to {@code start}.
     *
     * @return e.g. {@code "404 Not Found"}; {@code null} while the head has not gone out
     */
    public String statusLine() {
        return statusLine;
    }

    /**
     * Returns the headers, in order, names as given.
     *
     * @return the headers
     */
    public List<Header> headers() {
        return headers;
    }

    /**
     * Returns the first value of a header, the name compared ignoring case.
     *
     * @param name the header name
     * @return its first value, or {@code null} if the response has no such header
     */
    public String header(String name) {
        for (Header header : headers) {
            if (header.is(name)) {
                return header.value();
            }
        }
        return null;
    }

    /**
     * Returns every value of a header, in order, the name compared ignoring case.
     *
     * @param name the header name
     * @return its values; empty if the response has no such header
     */
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (Header header : headers) {
            if (header.is(name)) {
                values.add(header.value());
            }
        }
        return values;
    }

    /**
     * Returns the body: every chunk the client received, in order.
     *
     * @return a copy of the bytes
     */
    public byte[] body() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }

    /**
     * Returns the body decoded as UTF-8.
     *
     * @return the body's text
     */
    public String text() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    /**
     * Returns the chunks in the order they were written: one per non-empty chunk the iterable
     * yielded and per non-empty {@code write} (empty chunks write nothing).
     *
     * @return copies of the chunks
     */
    public List<byte[]> chunks() {
        List<byte[]> copy = new ArrayList<>(chunks.size());
        for (byte[] chunk : chunks) {
            copy.add(chunk.clone());
        }
        return copy;
    }

    /**
     * Returns the chunks decoded as UTF-8, each on its own.
     *
     * @return the chunks' texts, in order
     */
    public List<String> textChunks() {
        List<String> texts = new ArrayList<>(chunks.size());
        for (byte[] chunk : chunks) {
            texts.add(new String(chunk, StandardCharsets.UTF_8));
        }
        return texts;
    }

    /**
     * Returns whether the response ended, normally or not.
     *
     * @return {@code false} only for a snapshot taken in the middle of an exchange
     */
    public boolean isEnded() {
        return ended;
    }

    /**
     * Returns whether the connection was cut: the client could tell the response is incomplete
     * (an error after the head went out, a body shorter than its {@code Content-Length}).
     *
     * @return {@code true} if the response was aborted
     */
    public boolean isAborted() {
        return aborted;
    }

    /**
     * Returns why the connection was cut.
     *
     * @return the cause, or empty if the response was not aborted
     */
    public Optional<Throwable> abortCause() {
        return Optional.ofNullable(abortCause);
    }

    /**
     * Returns how many times {@code close()} reached the application's iterable.
     *
     * @return {@code 1} once the response ended, if the iterable is {@link AutoCloseable}; {@code 0} otherwise
     */
    public int closeCount() {
        return closeCount;
    }

    /**
     * Returns whether the application's iterable is {@link AutoCloseable}.
     *
     * @return {@code true} if it is; {@code false} also when the application returned none
     */
    public boolean isCloseable() {
        return closeable;
    }

    /**
     * Returns what was written to {@code wsgi.errors}, validator warnings included.
     *
     * @return the text, lines ending with {@code \n}
     */
    public String errors() {
        return errors;
    }

    /**
     * Returns the validator's warnings (soft problems), without their {@code wsgi.errors} prefix.
     *
     * @return the warnings, in order; empty without the validator
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Returns the first exception the application threw from {@code call}, {@code iterator},
     * {@code hasNext} or {@code next}, checked or not, also when {@code start} rethrew it as
     * {@code excInfo}: the cause of a {@code 500}, or of the cut connection if the head had gone
     * out. What the application lets through of the response's own ending (a {@code write} that
     * failed because the client left or the server ended the response) is not an application
     * error, as for the server. The validator's own errors are not here: they are thrown to the
     * test.
     *
     * @return the exception, or empty if the application threw none
     */
    public Optional<Throwable> applicationError() {
        return Optional.ofNullable(applicationError);
    }

    @Override
    public String toString() {
        long bytes = 0;
        for (byte[] chunk : chunks) {
            bytes += chunk.length;
        }
        return request + " -> " + (statusLine == null ? "(no head yet)" : statusLine) + ", " + headers.size()
                + " headers, " + bytes + " bytes in " + chunks.size() + " chunks"
                + (aborted ? ", aborted" : ended ? "" : ", not ended yet");
    }
}
