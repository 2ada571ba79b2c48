package io.jwsgi.testing;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** Small applications and bodies for the testing package's own tests. */
final class Apps {

    static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain; charset=utf-8"));

    private Apps() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Runnable sleep(Map<String, Object> environ) {
        return (Runnable) environ.get(Environ.ASYNC_SLEEP);
    }

    static Runnable wake(Map<String, Object> environ) {
        return (Runnable) environ.get(Environ.ASYNC_WAKE);
    }

    /** An app answering 200 text/plain with the given chunks. */
    static Application text(String... chunks) {
        return (environ, start) -> {
            start.start("200 OK", TEXT);
            return new Body(chunks.length, i -> bytes(chunks[i]));
        };
    }

    /** In a {@link Script}: call {@code async.sleep} and yield an empty chunk. */
    static final String SLEEP = "<sleep>";

    /**
     * An app that starts 200 text/plain and plays a script: each step yields its text, or for
     * {@link #SLEEP} sleeps and yields an empty chunk. Records the thread of each step.
     */
    static final class Script implements Application {
        final List<String> steps;
        final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile Body body;
        volatile Map<String, Object> environ;

        Script(String... steps) {
            this.steps = List.of(steps);
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> env, io.jwsgi.StartResponse start) {
            this.environ = env;
            start.start("200 OK", TEXT);
            body = new Body(steps.size(), i -> {
                threads.add(Thread.currentThread());
                if (steps.get(i).equals(SLEEP)) {
                    sleep(env).run();
                    return new byte[0];
                }
                return bytes(steps.get(i));
            });
            return body;
        }

        int closes() {
            return body.closes.get();
        }
    }

    /** A closeable body of {@code count} chunks made by a function; counts pulls and closes. */
    static final class Body implements Iterable<byte[]>, AutoCloseable {
        final AtomicInteger pulls = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        private final int count;
        private final IntFunction<byte[]> chunk;

        Body(int count, IntFunction<byte[]> chunk) {
            this.count = count;
            this.chunk = chunk;
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
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return chunk.apply(pulls.getAndIncrement());
                }
            };
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
