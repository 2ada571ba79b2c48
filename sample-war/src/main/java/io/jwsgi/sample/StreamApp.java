package io.jwsgi.sample;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A long computation that reports its progress line by line: {@code GET /stream/run} counts the
 * primes below two million in twenty steps, one line per step, a pause between steps. The
 * {@code /stream/} page reads that response as it arrives and shows when each line came.
 *
 * <p>The pause holds no thread: the iterable calls {@code async.sleep}, yields an empty chunk and
 * asks one shared timer to call {@code async.wake} later. {@code ?lines=N} (1-100, default 20)
 * and {@code ?interval=MS} (0-5000, default 200) change the pacing.
 */
public final class StreamApp implements Application, AutoCloseable {

    private static final int NUMBERS_PER_STEP = 100_000;
    private static final byte[] EMPTY = new byte[0];

    private volatile Thread timerThread;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "jwsgi-sample-stream-timer");
        t.setDaemon(true);
        timerThread = t;
        return t;
    });
    private final String page = Http.resource("stream.html");

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
        if (!"GET".equals(environ.get(Environ.REQUEST_METHOD))) {
            return Http.methodNotAllowed(start, "GET");
        }
        switch ((String) environ.get(Environ.PATH_INFO)) {
            case "":
                return Http.redirectToSlash(environ, start);
            case "/":
                return Http.respond(start, "200 OK", Http.HTML, page);
            case "/run":
                break;
            default:
                return Http.notFound(environ, start);
        }
        Map<String, String> query = Http.query(environ);
        int lines;
        long interval;
        try {
            lines = bounded(query.getOrDefault("lines", "20"), 1, 100);
            interval = bounded(query.getOrDefault("interval", "200"), 0, 5000);
        } catch (IllegalArgumentException e) {
            return Http.respond(start, "400 Bad Request", Http.TEXT, e.getMessage() + "\n");
        }
        start.start("200 OK", List.of(new Header("Content-Type", Http.TEXT),
                new Header("Cache-Control", "no-store"),
                // Without it a browser may hold the first bytes back to sniff the type.
                new Header("X-Content-Type-Options", "nosniff")));
        return new Progress(lines, interval, (Runnable) environ.get(Environ.ASYNC_SLEEP),
                (Runnable) environ.get(Environ.ASYNC_WAKE));
    }

    /** Stops the shared timer; the servlet calls this when the application is taken down. */
    @Override
    public void close() {
        timer.shutdownNow();
        Thread t = timerThread;
        try {
            // Ended before the container checks for threads the application left running.
            if (t != null) {
                t.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int bounded(String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected a whole number from " + min + " to " + max + ", got \"" + value + "\"");
    }

    /** The body: an intro line, one line per step with a pause before each, a summary line. */
    private final class Progress implements Iterable<byte[]>, Iterator<byte[]>, AutoCloseable {
        private final int lines;
        private final long intervalMillis;
        private final Runnable sleep;
        private final Runnable wake;
        private final PrimeCounter primes;
        private final long started = System.nanoTime();
        private int step;
        private boolean pauseFirst;
        private long found;
        private volatile ScheduledFuture<?> pending;

        Progress(int lines, long intervalMillis, Runnable sleep, Runnable wake) {
            this.lines = lines;
            this.intervalMillis = intervalMillis;
            this.sleep = sleep;
            this.wake = wake;
            this.primes = new PrimeCounter((long) lines * NUMBERS_PER_STEP);
        }

        @Override
        public Iterator<byte[]> iterator() {
            return this;
        }

        @Override
        public boolean hasNext() {
            return step <= lines + 1;
        }

        @Override
        public byte[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (pauseFirst) {
                pauseFirst = false;
                sleep.run();
                pending = timer.schedule(wake, intervalMillis, TimeUnit.MILLISECONDS);
                return EMPTY;
            }
            String line;
            if (step == 0) {
                line = "Counting the primes below " + (long) lines * NUMBERS_PER_STEP + " in " + lines
                        + " steps, pausing " + intervalMillis + " ms before each without holding a thread.";
            } else if (step <= lines) {
                long from = (long) (step - 1) * NUMBERS_PER_STEP;
                long to = from + NUMBERS_PER_STEP;
                found += primes.count(from, to);
                line = String.format("step %d/%d: %d primes below %d", step, lines, found, to);
            } else {
                line = String.format("done: %d primes in %d ms", found,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
            step++;
            pauseFirst = step <= lines;
            return (line + "\n").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            ScheduledFuture<?> p = pending;
            if (p != null) {
                p.cancel(false);
            }
        }
    }
}
