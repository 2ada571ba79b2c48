package io.jwsgi.app;

import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server-sent events response ({@code text/event-stream}, the HTML standard's EventSource
 * protocol), fed from any thread, on top of {@link AsyncBody}.
 *
 * <pre>{@code
 * public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
 *     SseStream events = SseStream.start(environ, startResponse);
 *     Subscription s = chatRoom.subscribe(m -> events.send(SseStream.Event.of(m.text()).name("message").id(m.id())));
 *     events.onClose(s::cancel);                          // client gone, timeout or end
 *     events.heartbeat(scheduler, Duration.ofSeconds(15)); // comments keep proxies from idling it out
 *     return events;
 * }
 * }</pre>
 *
 * <p>{@link #start} calls {@code start_response} with {@code 200 OK}, {@code Content-Type:
 * text/event-stream}, {@code Cache-Control: no-cache} and {@code X-Accel-Buffering: no} (which
 * asks nginx not to buffer), plus any extra headers, and queues a comment ({@code ": open"}) so
 * that the headers go out at once and the client's {@code open} event fires. Each
 * {@code send}, {@link #comment} or {@link #retry} then becomes one chunk, sent as soon as the
 * client can take it. The stream is iterable once and {@link AutoCloseable}; the server closes it
 * when the response ends for any reason, which runs the {@link #onClose} callbacks.
 */
public final class SseStream implements Iterable<byte[]>, AutoCloseable {

    /** The stream's media type. */
    public static final String CONTENT_TYPE = "text/event-stream";

    private final AsyncBody body;

    private SseStream(AsyncBody body) {
        this.body = body;
    }

    /**
     * Starts an event stream: calls {@code start_response} and queues the opening comment.
     *
     * @param environ the request's environ, with {@code async.sleep} and {@code async.wake}
     * @param startResponse the server's start_response
     * @param extraHeaders more response headers, e.g. {@code Access-Control-Allow-Origin}
     * @return the stream, to return from {@code call}
     */
    public static SseStream start(Map<String, Object> environ, StartResponse startResponse, Header... extraHeaders) {
        List<Header> headers = new ArrayList<>(List.of(new Header("Content-Type", CONTENT_TYPE),
                new Header("Cache-Control", "no-cache"), new Header("X-Accel-Buffering", "no")));
        headers.addAll(List.of(extraHeaders));
        AsyncBody body = AsyncBody.of(environ);
        startResponse.start("200 OK", headers);
        SseStream stream = new SseStream(body);
        stream.comment("open");
        return stream;
    }

    /**
     * Sends an event with only data (a {@code message} event in the browser).
     *
     * @param data the data; line breaks become several {@code data:} lines
     * @return {@code false} if the stream has ended or closed
     */
    public boolean send(String data) {
        return send(Event.of(data));
    }

    /**
     * Sends a named event.
     *
     * @param name the event type (the browser's {@code addEventListener} name)
     * @param data the data; line breaks become several {@code data:} lines
     * @return {@code false} if the stream has ended or closed
     */
    public boolean send(String name, String data) {
        return send(Event.of(data).name(name));
    }

    /**
     * Sends an event.
     *
     * @param event the event
     * @return {@code false} if the stream has ended or closed
     */
    public boolean send(Event event) {
        return body.offer(event.encode());
    }

    /**
     * Sends a comment, which clients ignore: a heartbeat that keeps proxies from closing an idle
     * stream and lets the server notice a client that left.
     *
     * @param text the comment; line breaks become several comment lines
     * @return {@code false} if the stream has ended or closed
     */
    public boolean comment(String text) {
        return body.offer(encodeComment(text));
    }

    /**
     * Tells the client how long to wait before reconnecting after the stream breaks.
     *
     * @param delay the reconnection delay
     * @return {@code false} if the stream has ended or closed
     */
    public boolean retry(Duration delay) {
        return body.offer(("retry: " + delay.toMillis() + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a comment every {@code period} until the stream closes; the task is cancelled then.
     *
     * @param scheduler where the heartbeat runs; owned by the caller
     * @param period the time between heartbeats
     * @return the scheduled task
     */
    public ScheduledFuture<?> heartbeat(ScheduledExecutorService scheduler, Duration period) {
        long nanos = period.toNanos();
        ScheduledFuture<?> task = scheduler.scheduleAtFixedRate(() -> comment(""), nanos, nanos, TimeUnit.NANOSECONDS);
        onClose(() -> task.cancel(false));
        return task;
    }

    /** Runs a callback once when the stream closes; see {@link AsyncBody#onClose}. @param callback what to do */
    public void onClose(Runnable callback) {
        body.onClose(callback);
    }

    /** Ends the stream after the events already queued. Any thread. */
    public void end() {
        body.end();
    }

    /** Whether events can still be sent. @return {@code true} until ended or closed */
    public boolean isOpen() {
        return body.isOpen();
    }

    /** Ends the stream now; the server calls it when the response ends. */
    @Override
    public void close() {
        body.close();
    }

    @Override
    public Iterator<byte[]> iterator() {
        return body.iterator();
    }

    /**
     * Encodes a comment: {@code ": text"} per line, then a blank line.
     *
     * @param text the comment
     * @return the bytes
     */
    static byte[] encodeComment(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (String line : lines(text)) {
            b.append(':');
            if (!line.isEmpty()) {
                b.append(' ').append(line);
            }
            b.append('\n');
        }
        return b.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String[] lines(String text) {
        return text.split("\r\n|\r|\n", -1);
    }

    /**
     * One event: data, and optionally a type name, an id and a reconnection delay. Immutable.
     *
     * @param data the data; may hold line breaks
     * @param name the event type, or {@code null} for the default ({@code message}); no line breaks
     * @param id the last-event id, or {@code null}; no line breaks or NUL
     * @param retry the reconnection delay, or {@code null}
     */
    public record Event(String data, String name, String id, Duration retry) {

        /** Checks the fields; an event could otherwise forge other events. */
        public Event {
            Objects.requireNonNull(data, "event data");
            if (name != null && (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0)) {
                throw new IllegalArgumentException("SSE event name must not hold CR or LF, got \"" + name.replace("\n", "\\n")
                        .replace("\r", "\\r") + "\"");
            }
            if (id != null && (id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0 || id.indexOf('\0') >= 0)) {
                throw new IllegalArgumentException("SSE event id must not hold CR, LF or NUL, got \"" + id.replace("\n", "\\n")
                        .replace("\r", "\\r").replace("\0", "\\0") + "\"");
            }
            if (retry != null && retry.isNegative()) {
                throw new IllegalArgumentException("SSE retry must not be negative, got " + retry);
            }
        }

        /** An event with only data. @param data the data @return the event */
        public static Event of(String data) {
            return new Event(data, null, null, null);
        }

        /** This event with a type name. @param value the name @return a new event */
        public Event name(String value) {
            return new Event(data, value, id, retry);
        }

        /** This event with an id. @param value the id @return a new event */
        public Event id(String value) {
            return new Event(data, name, value, retry);
        }

        /** This event with a reconnection delay. @param value the delay @return a new event */
        public Event retry(Duration value) {
            return new Event(data, name, id, value);
        }

        /**
         * Encodes the event: {@code event:}, {@code id:}, {@code retry:}, one {@code data:} line per
         * line of data, then a blank line.
         *
         * @return the UTF-8 bytes
         */
        public byte[] encode() {
            StringBuilder b = new StringBuilder(data.length() + 32);
            if (name != null) {
                b.append("event: ").append(name).append('\n');
            }
            if (id != null) {
                b.append("id: ").append(id).append('\n');
            }
            if (retry != null) {
                b.append("retry: ").append(retry.toMillis()).append('\n');
            }
            for (String line : lines(data)) {
                b.append("data: ").append(line).append('\n');
            }
            return b.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
