package io.jwsgi.sample.chat;

import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.sample.Http;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The body of {@code GET /chat/poll?after=N}: answers {@code {"messages":[...]}} with the messages
 * after {@code N} as soon as there is one, or an empty list when the timeout passes first.
 *
 * <p>The raw sleep/wake protocol, step by step: the constructor registers {@code async.wake} with
 * the bus and with the timer; each {@code next()} reads the history and, finding nothing, calls
 * {@code async.sleep} and yields an empty chunk, after which the request holds no thread until a
 * publish (on any node) or the timeout wakes it. {@link #close()} unregisters both.
 */
final class LongPoll implements Iterable<byte[]>, Iterator<byte[]>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LongPoll.class.getName());
    private static final byte[] EMPTY = new byte[0];

    private final ChatBus bus;
    private final long after;
    private final StartResponse start;
    private final Runnable sleep;
    private final ChatBus.Subscription subscription;
    private final ScheduledFuture<?> deadline;
    private volatile boolean timedOut;
    private boolean answered;

    LongPoll(ChatBus bus, long after, StartResponse start, Runnable sleep, Runnable wake,
            ScheduledExecutorService timer, Duration timeout) {
        this.bus = bus;
        this.after = after;
        this.start = start;
        this.sleep = sleep;
        this.deadline = timer.schedule(() -> {
            timedOut = true;
            wake.run();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        // Subscribed before the first read of the history: a message published in between wakes us.
        this.subscription = bus.subscribe(wake);
    }

    @Override
    public Iterator<byte[]> iterator() {
        return this;
    }

    @Override
    public boolean hasNext() {
        return !answered;
    }

    @Override
    public byte[] next() {
        if (answered) {
            throw new NoSuchElementException();
        }
        List<ChatMessage> found;
        try {
            found = bus.since(after);
        } catch (ChatBus.ChatBusException e) {
            LOG.log(Level.WARNING, "chat long-poll answered 503: {0}", e.getMessage());
            return answer("503 Service Unavailable", "{\"error\":\"the chat store is unavailable\"}");
        }
        if (found.isEmpty() && !timedOut) {
            sleep.run();
            return EMPTY;
        }
        return answer("200 OK", ChatMessage.listJson(found));
    }

    private byte[] answer(String status, String json) {
        answered = true;
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        // The status and length are known only now: start_response is called from the iterator.
        start.start(status, List.of(new Header("Content-Type", Http.JSON),
                new Header("Content-Length", Integer.toString(body.length)),
                new Header("Cache-Control", "no-store")));
        return body;
    }

    @Override
    public void close() {
        subscription.close();
        deadline.cancel(false);
    }
}
