package io.jwsgi.server;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Small applications and iterables for the pump's tests. */
final class TestApps {

    private TestApps() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain"));

    /** An iterable over a script of steps; counts close() calls. */
    static final class Body implements Iterable<byte[]>, AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();
        final AtomicInteger pulls = new AtomicInteger();
        private final Function<Integer, byte[]> next;
        private final int count;

        Body(int count, Function<Integer, byte[]> next) {
            this.count = count;
            this.next = next;
        }

        @Override
        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return pulls.get() < count;
                }

                @Override
                public byte[] next() {
                    return next.apply(pulls.getAndIncrement());
                }
            };
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /** An app that starts "200 OK" and returns the given body; exposes the environ it got. */
    static final class Fixed implements Application {
        final Body body;
        volatile Map<String, Object> environ;
        private final List<Header> headers;

        Fixed(Body body, List<Header> headers) {
            this.body = body;
            this.headers = headers;
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> env, io.jwsgi.StartResponse start) {
            this.environ = env;
            start.start("200 OK", headers);
            return body;
        }

        /** An app whose chunk {@code i} is {@code step.apply(app, i)}; the step may sleep or wake the app. */
        static Fixed scripted(int count, java.util.function.BiFunction<Fixed, Integer, byte[]> step) {
            Fixed[] self = new Fixed[1];
            self[0] = new Fixed(new Body(count, i -> step.apply(self[0], i)), TEXT);
            return self[0];
        }

        void sleep() {
            ((Runnable) environ.get(Environ.ASYNC_SLEEP)).run();
        }

        void wake() {
            ((Runnable) environ.get(Environ.ASYNC_WAKE)).run();
        }
    }
}
