package io.jwsgi.bench;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The JWSGI applications measured, each the bridge side of one reference servlet in {@link Servlets}. */
final class Apps {

    /** The hello-world body every variant sends. */
    static final byte[] HELLO = "Hello, world!".getBytes(StandardCharsets.US_ASCII);
    static final List<Header> HELLO_HEADERS = List.of(new Header("Content-Type", "text/plain"),
            new Header("Content-Length", Integer.toString(HELLO.length)));

    private Apps() {
    }

    /** Hello world: one chunk, Content-Length set. */
    static Application hello() {
        return (environ, startResponse) -> {
            startResponse.start("200 OK", HELLO_HEADERS);
            return List.of(HELLO);
        };
    }

    /**
     * {@code total} bytes in fresh {@code chunk}-byte arrays ({@code ?chunk=N&total=N}); counts the
     * bytes it yields and the streams still open.
     */
    static Application stream(AtomicLong produced, AtomicInteger open) {
        return (environ, startResponse) -> {
            String query = (String) environ.get(Environ.QUERY_STRING);
            int chunk = (int) Query.number(query, "chunk", 65536);
            long total = Query.number(query, "total", 1L << 30);
            startResponse.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream"),
                    new Header("Content-Length", Long.toString(total))));
            open.incrementAndGet();
            return new Chunks(chunk, total, produced, open);
        };
    }

    /** The whole file through {@code wsgi.file_wrapper}, with {@code Content-Length}: what the bridge sends as mapped slices. */
    static Application file(java.nio.file.Path file) {
        return (environ, startResponse) -> {
            startResponse.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream"),
                    new Header("Content-Length", Long.toString(java.nio.file.Files.size(file)))));
            return io.jwsgi.app.FileWrapper.of(environ).wrap(file);
        };
    }

    /** The same file as a {@link io.jwsgi.app.FileBody} over a stream: iterated, each block read into a fresh array. */
    static Application fileIterated(java.nio.file.Path file) {
        return (environ, startResponse) -> {
            startResponse.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream"),
                    new Header("Content-Length", Long.toString(java.nio.file.Files.size(file)))));
            return io.jwsgi.app.FileBody.of(java.nio.file.Files.newInputStream(file), -1, io.jwsgi.app.FileWrapper.BLOCK_SIZE);
        };
    }

    /** Sleeps at once and parks its {@code async.wake}; once woken, answers hello world. */
    static Application parked(Parking parking) {
        return (environ, startResponse) -> {
            int id = (int) Query.number((String) environ.get(Environ.QUERY_STRING), "id", -1);
            Runnable sleep = (Runnable) environ.get(Environ.ASYNC_SLEEP);
            Runnable wake = (Runnable) environ.get(Environ.ASYNC_WAKE);
            startResponse.start("200 OK", HELLO_HEADERS);
            sleep.run();
            parking.park(id, wake);
            return new SleepThenHello();
        };
    }

    /** Blocks its thread for {@code millis}, then answers hello world. */
    static Application blocking(long millis) {
        return (environ, startResponse) -> {
            Thread.sleep(millis);
            startResponse.start("200 OK", HELLO_HEADERS);
            return List.of(HELLO);
        };
    }

    /** Waits {@code millis} with {@code async.sleep} and a timer calling {@code async.wake}, then answers. */
    static Application asyncWait(long millis, ScheduledExecutorService timer) {
        return (environ, startResponse) -> {
            Runnable sleep = (Runnable) environ.get(Environ.ASYNC_SLEEP);
            Runnable wake = (Runnable) environ.get(Environ.ASYNC_WAKE);
            startResponse.start("200 OK", HELLO_HEADERS);
            sleep.run();
            timer.schedule(wake, millis, TimeUnit.MILLISECONDS);
            return new SleepThenHello();
        };
    }

    /** Yields an empty chunk (the sleep is taken), then the hello body. */
    private static final class SleepThenHello implements Iterable<byte[]>, Iterator<byte[]> {
        private int step;

        @Override
        public Iterator<byte[]> iterator() {
            return this;
        }

        @Override
        public boolean hasNext() {
            return step < 2;
        }

        @Override
        public byte[] next() {
            if (step >= 2) {
                throw new NoSuchElementException();
            }
            return step++ == 0 ? new byte[0] : HELLO;
        }
    }

    /** Fresh zeroed arrays until the total is reached; close() counts the stream as ended. */
    private static final class Chunks implements Iterable<byte[]>, Iterator<byte[]>, AutoCloseable {
        private final int chunk;
        private final AtomicLong produced;
        private final AtomicInteger open;
        private long left;

        Chunks(int chunk, long total, AtomicLong produced, AtomicInteger open) {
            this.chunk = chunk;
            this.left = total;
            this.produced = produced;
            this.open = open;
        }

        @Override
        public Iterator<byte[]> iterator() {
            return this;
        }

        @Override
        public boolean hasNext() {
            return left > 0;
        }

        @Override
        public byte[] next() {
            if (left <= 0) {
                throw new NoSuchElementException();
            }
            byte[] data = new byte[(int) Math.min(chunk, left)];
            left -= data.length;
            produced.addAndGet(data.length);
            return data;
        }

        @Override
        public void close() {
            open.decrementAndGet();
        }
    }
}
