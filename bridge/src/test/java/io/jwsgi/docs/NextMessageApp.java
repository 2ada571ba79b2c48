package io.jwsgi.docs;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** A long-poll: answers with the next message published on the topic, holding no thread meanwhile. */
public final class NextMessageApp implements Application {

    /** An in-process topic: {@code publish} from any thread reaches every subscriber. */
    public static final class Topic {
        private final Set<Consumer<String>> subscribers = ConcurrentHashMap.newKeySet();

        public void publish(String message) {
            subscribers.forEach(subscriber -> subscriber.accept(message));
        }

        /** Subscribes; running the returned {@code Runnable} unsubscribes. */
        public Runnable subscribe(Consumer<String> subscriber) {
            subscribers.add(subscriber);
            return () -> subscribers.remove(subscriber);
        }

        public int subscribers() {
            return subscribers.size();
        }
    }

    private final Topic topic;

    public NextMessageApp(Topic topic) {
        this.topic = topic;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
        Runnable sleep = (Runnable) environ.get(Environ.ASYNC_SLEEP);
        Runnable wake = (Runnable) environ.get(Environ.ASYNC_WAKE);
        AtomicReference<String> message = new AtomicReference<>();
        Runnable unsubscribe = topic.subscribe(m -> {   // runs later, on the publisher's thread
            message.compareAndSet(null, m);
            wake.run();
        });
        start.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8")));
        return new Reply(sleep, message, unsubscribe);
    }

    private static final class Reply implements Iterable<byte[]>, AutoCloseable {
        private final Runnable sleep;
        private final AtomicReference<String> message;
        private final Runnable unsubscribe;
        private boolean sent;

        Reply(Runnable sleep, AtomicReference<String> message, Runnable unsubscribe) {
            this.sleep = sleep;
            this.message = message;
            this.unsubscribe = unsubscribe;
        }

        @Override
        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return !sent;
                }

                @Override
                public byte[] next() {
                    String m = message.get();
                    if (m == null) {        // nothing yet: sleep, and hand the thread back until a wake
                        sleep.run();
                        return new byte[0];
                    }
                    sent = true;
                    return m.getBytes(UTF_8);
                }
            };
        }

        /** Called once by the server however the response ends: answered, client gone, timed out. */
        @Override
        public void close() {
            unsubscribe.run();
        }
    }
}
