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
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link Channel} over a Servlet async exchange, and the container's listeners feeding the
 * pump. The pump guarantees one caller at a time and {@code isReady()} before each write or flush;
 * this class adds that the exchange is ended once, whoever gets there first, and that nothing
 * touches the request or response once the container reported the exchange complete: Tomcat
 * recycles both for another connection as soon as {@code onComplete} returns, so a late write
 * would land in someone else's response. {@code onComplete} therefore waits for a channel call
 * in progress (they never block: the output is in non-blocking mode), and later calls are refused.
 */
final class ServletChannel implements Channel, WriteListener, AsyncListener {

    /** Request attribute holding the cause of an abort, read by the ASYNC dispatch that carries it out. */
    static final String ABORT = ServletChannel.class.getName() + ".abort";

    private final AsyncContext async;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final ServletOutputStream out;
    private final ReentrantLock lock = new ReentrantLock();
    /** The exchange was ended, by this channel or by the container; guarded by {@code lock}. */
    private boolean ended;
    private Pump pump;
    private volatile AutoCloseable resource;

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
        this.resource = held;
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
    public boolean isReady() {
        lock.lock();
        try {
            // Once ended, "ready" lets the pump reach write(), which reports the end.
            // Jetty: isReady() is not a pure query; false schedules onWritePossible (jetty#1755).
            return ended || out.isReady();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void head(int code, String status, List<Header> headers) {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            // Servlet 6 has no way to send the reason phrase: the container sends its own.
            response.setStatus(code);
            for (Header h : headers) {
                response.addHeader(h.name(), h.value());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(byte[] chunk) throws IOException {
        lock.lock();
        try {
            refuseIfEnded();
            out.write(chunk);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            refuseIfEnded();
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    private void refuseIfEnded() throws IOException {
        if (ended) {
            throw new IOException("the container already ended the exchange");
        }
    }

    /** Marks the exchange ended; returns whether this call did it. */
    private boolean end() {
        lock.lock();
        try {
            boolean first = !ended;
            ended = true;
            return first;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void complete() {
        release();
        if (end()) {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // The container ended the exchange itself (after a client abort or at shutdown).
            }
        }
    }

    @Override
    public void abort(Throwable cause) {
        release();
        boolean first;
        lock.lock();
        try {
            first = !ended;
            ended = true;
            if (first) {
                request.setAttribute(ABORT, cause);
            }
        } finally {
            lock.unlock();
        }
        if (first) {
            // The Servlet API cannot cut a committed response directly: throwing from an ASYNC
            // dispatch makes both Tomcat and Jetty close the connection instead of ending the body.
            try {
                async.dispatch();
            } catch (IllegalStateException e) {
                // Already completed by the container: the connection is being closed anyway.
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
        completeInErrorCallback();
        pump.onClientGone(t);
    }

    @Override
    public void onError(AsyncEvent event) {
        completeInErrorCallback();
        pump.onClientGone(event.getThrowable());
    }

    /**
     * Ends the exchange on the container's thread, inside its error callback: Tomcat completes an
     * errored exchange itself when the callback returns, and a complete() racing that from the
     * pump's thread could have it recycled twice.
     */
    private void completeInErrorCallback() {
        release();
        if (end()) {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // The container is already completing the exchange.
            }
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        // Tomcat recycles the request after this: whatever ended it, the pump must not touch it again.
        end();
        release();
        if (!pump.isDone()) {
            pump.onClientGone(new IOException("the container completed the exchange"));
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // The container's own timeout is disabled (setTimeout(0)); the engine's idle timer rules.
        pump.onClientGone(new IOException("the container timed the exchange out"));
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // One async cycle per request: nothing to re-register.
    }
}
