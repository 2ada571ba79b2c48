package io.jwsgi.sample.chat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The body of {@code GET /chat/events}: a server-sent event stream ({@code text/event-stream})
 * carrying each message as {@code id: N} and {@code data: <json>}, from the cursor on, for as long
 * as the client stays.
 *
 * <p>It sleeps between messages like {@link LongPoll}, and a timer wakes it every heartbeat
 * period to send a comment line: that keeps proxies from closing an idle stream, and it is how the
 * server notices a client that left (containers report nothing while no write is pending). If the
 * bus fails, the stream ends; the browser's {@code EventSource} reconnects by itself, sending
 * {@code Last-Event-ID}.
 */
final class EventStream implements Iterable<byte[]>, Iterator<byte[]>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventStream.class.getName());
    private static final byte[] EMPTY = new byte[0];
    /** Sent first: it makes the headers go out at once, and tells the browser to retry after 2 s. */
    private static final byte[] OPENING = "retry: 2000\n: connected\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] UNAVAILABLE = ": the chat store is unavailable; reconnect\n\n".getBytes(StandardCharsets.UTF_8);

    private final ChatBus bus;
    private final Runnable sleep;
    private final ChatBus.Subscription subscription;
    private final ScheduledFuture<?> heartbeats;
    private volatile boolean heartbeatDue;
    private long cursor;
    private boolean opened;
    private boolean ended;

    EventStream(ChatBus bus, long after, Runnable sleep, Runnable wake, ScheduledExecutorService timer, Duration heartbeat) {
        this.bus = bus;
        this.cursor = after;
        this.sleep = sleep;
        long period = heartbeat.toMillis();
        this.heartbeats = timer.scheduleAtFixedRate(() -> {
            heartbeatDue = true;
            wake.run();
        }, period, period, TimeUnit.MILLISECONDS);
        this.subscription = bus.subscribe(wake);
    }

    @Override
    public Iterator<byte[]> iterator() {
        return this;
    }

    @Override
    public boolean hasNext() {
        return !ended;
    }

    @Override
    public byte[] next() {
        if (!opened) {
            opened = true;
            return OPENING;
        }
        List<ChatMessage> found;
        try {
            found = bus.since(cursor);
        } catch (ChatBus.ChatBusException e) {
            LOG.log(Level.WARNING, "chat event stream ended, the browser will reconnect: {0}", e.getMessage());
            ended = true;
            return UNAVAILABLE;
        }
        if (!found.isEmpty()) {
            cursor = found.get(found.size() - 1).id();
            return events(found);
        }
        if (heartbeatDue) {
            heartbeatDue = false;
            return HEARTBEAT;
        }
        sleep.run();
        return EMPTY;
    }

    /** One event per message; the JSON holds no line break, so one {@code data:} line each. */
    static byte[] events(List<ChatMessage> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ChatMessage m : messages) {
            out.writeBytes(("id: " + m.id() + "\ndata: " + m.toJson() + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        subscription.close();
        heartbeats.cancel(false);
    }
}
