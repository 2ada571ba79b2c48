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
