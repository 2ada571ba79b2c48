package io.jwsgi.testing.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Streams a countdown, one line per chunk: {@code GET /countdown?from=3}. */
public final class CountdownApp implements Application {

    private final AtomicInteger openStreams = new AtomicInteger();

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
        int from = Integer.parseInt(((String) environ.get(Environ.QUERY_STRING)).replace("from=", ""));
        start.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8")));
        openStreams.incrementAndGet();
        return new Countdown(from);
    }

    /** How many countdowns are streaming now. */
    public int openStreams() {
        return openStreams.get();
    }

    private final class Countdown implements Iterable<byte[]>, AutoCloseable {
        private int next;

        Countdown(int from) {
            this.next = from;
        }

        @Override
        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return next >= 0;
                }

                @Override
                public byte[] next() {
                    String line = next == 0 ? "liftoff\n" : next + "\n";
                    next--;
                    return line.getBytes(UTF_8);
                }
            };
        }

        @Override
        public void close() {
            openStreams.decrementAndGet();
        }
    }
}
