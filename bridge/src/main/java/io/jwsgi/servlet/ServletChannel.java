package io.jwsgi.servlet;

import io.jwsgi.Header;
import io.jwsgi.server.Channel;
import io.jwsgi.server.Pump;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link Channel} over a Servlet async exchange, and the container's listeners feeding the
 * pump. The pump guarantees one caller at a time and {@code isReady()} before each write or flush;
 * this class adds that the exchange is ended once, whoever gets there first, and that nothing
 * touches the request or response once the container ended the exchange.
 *
 * <p>The pump runs on the bridge's threads, while the container reports errors on its own. A
 * container that ends an exchange recycles its request and response objects (Tomcat hands them to
 * the next connection), so a write racing that ending could land in another client's response.
 * One lock orders the two: the container's ending callbacks take it, mark the exchange ended and
 * complete it before returning; every channel operation takes it and checks the mark first.
 */
final class ServletChannel implements Channel, WriteListener, AsyncListener {

    /** Request attribute holding the cause of an abort, read by the ASYNC dispatch that carries it out. */
    static final String ABORT = ServletChannel.class.getName() + ".abort";

    private final AsyncContext async;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final ServletOutputStream out;
    private final ReentrantLock io = new ReentrantLock();
    private boolean ended;
    private AutoCloseable resource;
    private Pump pump;

    ServletChannel(AsyncContext async, HttpServletRequest request, HttpServletResponse response) throws IOException {
        this.async = async;
        this.request = request;
        this.response = response;
        this.out = response.getOutputStream();
    }

    void bind(Pump target) {
        this.pump = target;
    }

    /** Closes {@code held} (a buffered body, say) when the exchange ends, whichever way. */
    void releaseAtEnd(AutoCloseable held) {
        io.lock();
        try {
            this.resource = held;
        } finally {
            io.unlock();
        }
    }

    @Override
    public boolean isReady() {
        io.lock();
        try {
            // Once ended, "ready" lets the pump reach the write that tells it the client is gone.
            // Jetty: isReady() is not a pure query; false schedules onWritePossible (jetty#1755).
            return ended || out.isReady();
        } finally {
            io.unlock();
        }
    }

    @Override
    public void head(int code, String status, List<Header> headers) {
        io.lock();
        try {
            if (!ended) {
                // Servlet 6 has no way to send the reason phrase: the container sends its own.
                response.setStatus(code);
                for (Header h : headers) {
                    response.addHeader(h.name(), h.value());
                }
            }
        } finally {
            io.unlock();
        }
    }

    @Override
    public void write(byte[] chunk) throws IOException {
        io.lock();
        try {
            checkOpen();
            out.write(chunk);
        } finally {
            io.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        io.lock();
        try {
            checkOpen();
            out.flush();
        } finally {
            io.unlock();
        }
    }

    private void checkOpen() throws IOException {
        if (ended) {
            throw new IOException("the container ended the exchange (client gone)");
        }
    }

    @Override
    public void complete() {
        io.lock();
        try {
            endAndComplete();
        } finally {
            io.unlock();
        }
    }

    @Override
    public void abort(Throwable cause) {
        io.lock();
        try {
            release();
            if (!ended) {
                ended = true;
                // The Servlet API cannot cut a committed response directly: throwing from an ASYNC
                // dispatch makes both Tomcat and Jetty close the connection instead of ending the body.
                request.setAttribute(ABORT, cause);
                try {
                    async.dispatch();
                } catch (IllegalStateException e) {
                    // Already completed by the container: the connection is being closed anyway.
                }
            }
        } finally {
            io.unlock();
        }
    }

    /** Call with {@code io} held. */
    private void endAndComplete() {
        release();
        if (!ended) {
            ended = true;
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // The container ended the exchange itself (after a client abort or at shutdown).
            }
        }
    }

    private void release() {
        AutoCloseable held = resource;
        resource = null;
        if (held != null) {
            try {
                held.close();
            } catch (Exception e) {
                request.getServletContext().log("releasing " + held + " failed", e);
            }
        }
    }

    @Override
    public void onWritePossible() {
        pump.onWritePossible();
    }

    @Override
    public void onError(Throwable t) {
        // WriteListener.onError: Jetty calls only this after a client abort; Tomcat calls both (servlet#433).
        containerEnded(t, true);
    }

    @Override
    public void onError(AsyncEvent event) {
        // Tomcat completes the exchange itself unless a listener does: do it here, before it recycles.
        containerEnded(event.getThrowable(), true);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        containerEnded(null, false);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // The container's own timeout is disabled (setTimeout(0)); if one fires anyway, end cleanly.
        containerEnded(new IOException("the container timed the exchange out"), true);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // One async cycle per request: nothing to re-register.
    }

    /** The container reports the end: from now on nothing may touch the exchange. */
    private void containerEnded(Throwable cause, boolean complete) {
        boolean locked = lockForContainer();
        try {
            if (complete) {
                endAndComplete();
            } else {
                release();
                ended = true;
            }
        } finally {
            if (locked) {
                io.unlock();
            }
        }
        if (!pump.isDone()) {
            pump.onClientGone(cause != null ? cause : new IOException("the container completed the exchange"));
        }
    }

    /** Waits for the runner to leave the channel; bounded, so that a container thread is never stuck. */
    private boolean lockForContainer() {
        try {
            if (io.tryLock(10, TimeUnit.SECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        request.getServletContext().log("JWSGI: a container callback could not wait for the response's writer");
        return false;
    }
}
