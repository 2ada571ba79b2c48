package io.jwsgi.bench;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The references: plain Servlets written the usual way for each job, with no bridge in between.
 * Each sends exactly what its JWSGI counterpart in {@link Apps} sends.
 */
final class Servlets {

    private Servlets() {
    }

    /** Hello world from a synchronous servlet. */
    static final class SyncHello extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.setContentLength(Apps.HELLO.length);
            response.getOutputStream().write(Apps.HELLO);
        }
    }

    /** Hello world written from a {@link WriteListener} after {@code startAsync}. */
    static final class AsyncHello extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            writeHello(request.startAsync(), response);
        }
    }

    /**
     * {@code total} bytes ({@code ?chunk=N&total=N}) in fresh {@code chunk}-byte arrays from a
     * {@link WriteListener}, written while {@code isReady()}, left to the container to flush, or,
     * with {@code flushEach}, each flushed as soon as the output is ready (what PEP 3333's no-delay
     * rule asks of a server).
     */
    static final class Stream extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient AtomicLong produced;
        private final transient AtomicInteger open;
        private final boolean flushEach;

        Stream(AtomicLong produced, AtomicInteger open, boolean flushEach) {
            this.produced = produced;
            this.open = open;
            this.flushEach = flushEach;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            int chunk = (int) Query.number(request.getQueryString(), "chunk", 65536);
            long total = Query.number(request.getQueryString(), "total", 1L << 30);
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            response.setContentType("application/octet-stream");
            response.setContentLengthLong(total);
            open.incrementAndGet();
            Ended ended = new Ended(open);
            async.addListener(ended);
            ServletOutputStream out = response.getOutputStream();
            out.setWriteListener(new Writer(async, out) {
                private long left = total;

                @Override
                void failed() {
                    // Jetty 12 calls only WriteListener.onError here, no AsyncListener after the complete() below.
                    ended.end();
                }

                @Override
                boolean writeNext() throws IOException {
                    if (left <= 0) {
                        return false;
                    }
                    byte[] data = new byte[(int) Math.min(chunk, left)];
                    left -= data.length;
                    produced.addAndGet(data.length);
                    out.write(data);
                    if (flushEach && out.isReady()) {
                        out.flush();
                    }
                    return true;
                }
            });
        }
    }

    /**
     * Waits {@code millis} without a thread, the plain Servlet way: {@code startAsync}, a timer
     * that registers the {@link WriteListener} when the wait is over, hello world written from it.
     */
    static final class TimedWait extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient ScheduledExecutorService timer;
        private final long millis;

        TimedWait(ScheduledExecutorService timer, long millis) {
            this.timer = timer;
            this.millis = millis;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            timer.schedule(() -> {
                try {
                    writeHello(async, response);
                } catch (IOException | RuntimeException e) {
                    async.complete();
                }
            }, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Parks the {@code AsyncContext}; a foreign thread later writes hello world and completes it. */
    static final class Parked extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Parking parking;

        Parked(Parking parking) {
            this.parking = parking;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            int id = (int) Query.number(request.getQueryString(), "id", -1);
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            parking.park(id, () -> {
                try {
                    HttpServletResponse r = (HttpServletResponse) async.getResponse();
                    r.setContentType("text/plain");
                    r.setContentLength(Apps.HELLO.length);
                    r.getOutputStream().write(Apps.HELLO);
                } catch (IOException e) {
                    // The client left; completing below releases the exchange.
                } finally {
                    async.complete();
                }
            });
        }
    }

    /** Sets the head of hello world and writes its body from a {@link WriteListener}, then completes. */
    private static void writeHello(AsyncContext async, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.setContentLength(Apps.HELLO.length);
        ServletOutputStream out = response.getOutputStream();
        out.setWriteListener(new Writer(async, out) {
            private boolean written;

            @Override
            boolean writeNext() throws IOException {
                if (written) {
                    return false;
                }
                written = true;
                out.write(Apps.HELLO);
                return true;
            }
        });
    }

    /** The usual WriteListener loop: write while ready, complete when there is nothing left. */
    private abstract static class Writer implements WriteListener {
        private final AsyncContext async;
        private final ServletOutputStream out;

        Writer(AsyncContext async, ServletOutputStream out) {
            this.async = async;
            this.out = out;
        }

        /** Writes the next piece; {@code false} when the body is over. */
        abstract boolean writeNext() throws IOException;

        /** Called when a write failed (the client left), before the exchange is completed. */
        void failed() {
        }

        @Override
        public void onWritePossible() throws IOException {
            while (out.isReady()) {
                if (!writeNext()) {
                    async.complete();
                    return;
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            failed();
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // The container already ended the exchange after the client left.
            }
        }
    }

    /** Counts a stream as ended whichever way its exchange ends. */
    private static final class Ended implements AsyncListener {
        private final AtomicInteger open;
        private boolean counted;

        Ended(AtomicInteger open) {
            this.open = open;
        }

        private synchronized void end() {
            if (!counted) {
                counted = true;
                open.decrementAndGet();
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            end();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            end();
        }

        @Override
        public void onError(AsyncEvent event) {
            end();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // One async cycle per request.
        }
    }
}
