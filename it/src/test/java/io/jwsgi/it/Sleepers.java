package io.jwsgi.it;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each request (its id is the query string) calls {@code async.sleep}, hands its
 * {@code async.wake} to the test, yields an empty chunk and, once woken, answers
 * {@code "woke <id>\n"}. Counts the bodies closed.
 */
final class Sleepers implements Application {

    private final Map<String, Runnable> asleep = new ConcurrentHashMap<>();
    private final AtomicInteger closes = new AtomicInteger();

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        String id = (String) environ.get(Environ.QUERY_STRING);
        Runnable sleep = (Runnable) environ.get(Environ.ASYNC_SLEEP);
        Runnable wake = (Runnable) environ.get(Environ.ASYNC_WAKE);
        byte[] answer = ("woke " + id + "\n").getBytes(StandardCharsets.UTF_8);
        startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8"),
                new Header("Content-Length", Integer.toString(answer.length))));
        ProbeBody body = new ProbeBody(i -> {
            if (i == 0) {
                sleep.run();
                // Handed over only now: a wake that beats the suspension must still not be lost.
                asleep.put(id, wake);
                return new byte[0];
            }
            return i == 1 ? answer : ProbeBody.END;
        });
        return new Counted(body);
    }

    /** The wakes of the requests that went to sleep, by id. */
    Map<String, Runnable> asleep() {
        return asleep;
    }

    /** How many bodies were closed. */
    int closes() {
        return closes.get();
    }

    /** Wraps a body to count its close() in this app's total. */
    private final class Counted implements Iterable<byte[]>, AutoCloseable {
        private final ProbeBody body;

        Counted(ProbeBody body) {
            this.body = body;
        }

        @Override
        public java.util.Iterator<byte[]> iterator() {
            return body.iterator();
        }

        @Override
        public void close() {
            body.close();
            closes.incrementAndGet();
        }
    }
}
