package io.jwsgi.it;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * The applications of the soak, one per kind of traffic, each counting the bodies it returns and
 * how often each is closed. Wakes come from a small pool of foreign threads, several per sleep.
 */
final class SoakApps {

    private static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain; charset=utf-8"));
    private static final byte[] KIB8 = new byte[8192];

    final AtomicLong bodies = new AtomicLong();
    final AtomicLong closes = new AtomicLong();
    final AtomicLong closedTwice = new AtomicLong();
    final AtomicLong wakes = new AtomicLong();
    private final ScheduledExecutorService wakers = Executors.newScheduledThreadPool(3, r -> {
        Thread t = new Thread(r, "soak-waker");
        t.setDaemon(true);
        return t;
    });

    /** Registers every route on the router. */
    void routeOn(Router router) {
        router.put("/hello", (env, sr) -> counted(Router.text("hello\n").call(env, sr)));
        router.put("/stream", this::stream);
        router.put("/sleep", this::sleeper);
        router.put("/upload", this::upload);
        router.put("/fail-before-head", (env, sr) -> {
            sr.start("200 OK", TEXT);
            return counted(failing(0));
        });
        router.put("/fail-after-head", (env, sr) -> {
            sr.start("200 OK", TEXT);
            return counted(failing(1));
        });
        router.put("/endless", (env, sr) -> {
            sr.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream")));
            return counted(new ProbeBody(i -> KIB8));
        });
        router.put("/abandoned", (env, sr) -> {
            Runnable sleep = (Runnable) env.get(Environ.ASYNC_SLEEP);
            sr.start("200 OK", TEXT);
            return counted(new ProbeBody(i -> {
                sleep.run();
                return new byte[0];
            }));
        });
    }

    void stop() {
        wakers.shutdownNow();
    }

    /** The text {@code /stream?n} answers: n lines. */
    static String streamText(int lines) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            b.append("line ").append(i).append('\n');
        }
        return b.toString();
    }

    /** The answer of {@code /upload} for these bytes. */
    static String uploadAnswer(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return "length=" + body.length + " crc=" + Long.toHexString(crc.getValue()) + "\n";
    }

    /** n lines, a sleep before each, each sleep answered by one to three wakes from the waker threads. */
    private Iterable<byte[]> stream(Map<String, Object> env, StartResponse sr) {
        int lines = Integer.parseInt((String) env.get(Environ.QUERY_STRING));
        Runnable sleep = (Runnable) env.get(Environ.ASYNC_SLEEP);
        Runnable wake = (Runnable) env.get(Environ.ASYNC_WAKE);
        sr.start("200 OK", TEXT);
        return counted(new ProbeBody(i -> {
            if (i >= 2 * lines) {
                return ProbeBody.END;
            }
            if (i % 2 == 0) {
                sleep.run();
                wakeSoon(wake, 1 + ThreadLocalRandom.current().nextInt(3));
                return new byte[0];
            }
            return ("line " + i / 2 + "\n").getBytes(StandardCharsets.UTF_8);
        }));
    }

    /** Sleeps once before its head; a storm of wakes from several threads answers it. */
    private Iterable<byte[]> sleeper(Map<String, Object> env, StartResponse sr) {
        String id = (String) env.get(Environ.QUERY_STRING);
        Runnable sleep = (Runnable) env.get(Environ.ASYNC_SLEEP);
        Runnable wake = (Runnable) env.get(Environ.ASYNC_WAKE);
        byte[] answer = ("woke " + id + "\n").getBytes(StandardCharsets.UTF_8);
        sr.start("200 OK", List.of(new Header("Content-Type", "text/plain"),
                new Header("Content-Length", Integer.toString(answer.length))));
        return counted(new ProbeBody(i -> {
            if (i == 0) {
                sleep.run();
                wakeSoon(wake, 20);
                return new byte[0];
            }
            return i == 1 ? answer : ProbeBody.END;
        }));
    }

    private Iterable<byte[]> upload(Map<String, Object> env, StartResponse sr) throws Exception {
        InputStream in = (InputStream) env.get(Environ.WSGI_INPUT);
        CRC32 crc = new CRC32();
        long length = 0;
        byte[] buffer = new byte[16384];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            crc.update(buffer, 0, n);
            length += n;
        }
        byte[] answer = ("length=" + length + " crc=" + Long.toHexString(crc.getValue()) + "\n").getBytes(StandardCharsets.UTF_8);
        sr.start("200 OK", List.of(new Header("Content-Type", "text/plain"),
                new Header("Content-Length", Integer.toString(answer.length))));
        return counted(List.of(answer));
    }

    private void wakeSoon(Runnable wake, int times) {
        for (int k = 0; k < times; k++) {
            wakers.schedule(() -> {
                wakes.incrementAndGet();
                wake.run();
            }, ThreadLocalRandom.current().nextInt(3), TimeUnit.MILLISECONDS);
        }
    }

    /** Yields "partial\n" first when {@code failAt} is 1, then fails in next(). */
    private static Iterable<byte[]> failing(int failAt) {
        return ProbeBody.withIterator(new Iterator<>() {
            private int calls;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public byte[] next() {
                if (calls++ < failAt) {
                    return "partial\n".getBytes(StandardCharsets.UTF_8);
                }
                throw new IllegalStateException("the soak's deliberate failure");
            }
        });
    }

    private Iterable<byte[]> counted(Iterable<byte[]> body) {
        bodies.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return new Counted(body, () -> {
            closes.incrementAndGet();
            if (!closed.compareAndSet(false, true)) {
                closedTwice.incrementAndGet();
            }
        });
    }

    /** A body whose close() is counted, then passed on. */
    private record Counted(Iterable<byte[]> body, Runnable onClose) implements Iterable<byte[]>, AutoCloseable {
        @Override
        public Iterator<byte[]> iterator() {
            return body.iterator();
        }

        @Override
        public void close() {
            onClose.run();
            if (body instanceof ProbeBody probe) {
                probe.close();
            }
        }
    }
}
