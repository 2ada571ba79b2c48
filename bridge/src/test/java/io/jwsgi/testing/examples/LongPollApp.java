package io.jwsgi.testing.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Answers each poll with the next message offered, waiting for one without holding a thread. */
public final class LongPollApp implements Application {

    private final Queue<String> messages = new ConcurrentLinkedQueue<>();
    private final Set<Runnable> waiting = ConcurrentHashMap.newKeySet();

    /** Offers a message and wakes the waiting polls; from any thread. */
    public void offer(String message) {
        messages.add(message);
        waiting.forEach(Runnable::run);
    }

    /** How many polls wait for a message now. */
    public int waitingPolls() {
        return waiting.size();
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
        start.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8")));
        return new Poll((Runnable) environ.get(Environ.ASYNC_SLEEP), (Runnable) environ.get(Environ.ASYNC_WAKE));
    }

    private final class Poll implements Iterable<byte[]>, AutoCloseable {
        private final Runnable sleep;
        private final Runnable wake;
        private boolean answered;

        Poll(Runnable sleep, Runnable wake) {
            this.sleep = sleep;
            this.wake = wake;
        }

        @Override
        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return !answered;
                }

                @Override
                public byte[] next() {
                    waiting.add(wake);            // first be wakeable, then look: no message slips by
                    String message = messages.poll();
                    if (message == null) {
                        sleep.run();              // nothing yet: give the thread back until a wake
                        return new byte[0];
                    }
                    waiting.remove(wake);
                    answered = true;
                    return message.getBytes(UTF_8);
                }
            };
        }

        @Override
        public void close() {
            waiting.remove(wake);
        }
    }
}
