package io.jwsgi.servlet;

import io.jwsgi.Header;
import io.jwsgi.server.Channel;
import io.jwsgi.server.Engine;
import io.jwsgi.server.Pump;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link Channel} over a Servlet async exchange, and the container's listeners feeding the
 * pump. The pump guarantees one caller at a time and {@code isReady()} before each write or flush;
 * this class adds that the exchange is ended once, whoever gets there first, and that once the
 * container reported the connection failed, neither the pump nor {@code wsgi.input} calls into
 * the container's streams again.
 */
final class ServletChannel implements Channel, WriteListener, AsyncListener {

    /** Request attribute holding the cause of an abort, read by the ASYNC dispatch that carries it out. */
    static final String ABORT = ServletChannel.class.getName() + ".abort";

    private final AsyncContext async;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final ServletOutputStream out;
    private final ClassLoader containerLoader;
    /** How long a container callback waits for a stream call in progress to return. */
    private static final long STREAM_CALL_WAIT_SECONDS = 10;

    private final AtomicBoolean ended = new AtomicBoolean();
    /** Held around every call into the container from a bridge thread; see {@link #containerFailed}. */
    private final ReentrantLock streamCall = new ReentrantLock();
    private volatile boolean failed;
    /** The container reported an error to the AsyncListener, or completed: it ends the exchange itself. */
    private volatile boolean containerEnds;
    /** A write or flush failed: the container will report it to the WriteListener, which ends the exchange. */
    private volatile boolean outputFailed;
    private Pump pump;
    /** With non-blocking=true, the engine whose {@link Engine#runInline} delivers {@code onWritePossible}. */
    private Engine inline;
    private volatile AutoCloseable resource;
    private OpenExchanges completions;
    /** 0: no completion asked for; 1: counted in {@link #completions}; 2: the container reported it. */
    private final AtomicInteger completion = new AtomicInteger();

    ServletChannel(AsyncContext async, HttpServletRequest request, HttpServletResponse response) throws IOException {
        this.async = async;
        this.request = request;
        this.response = response;
        this.out = response.getOutputStream();
        this.containerLoader = async.getClass().getClassLoader();
    }

    void bind(Pump target) {
        this.pump = target;
    }

    /** Counts this exchange in {@code open} from the bridge's {@code complete()} until the container's {@code onComplete}. */
    void countCompletionIn(OpenExchanges open) {
        this.completions = open;
    }

    private void completionAsked() {
        if (completions != null && completion.compareAndSet(0, 1)) {
            completions.completing();
        }
    }

    private void completionSettled() {
        if (completion.getAndSet(2) == 1) {
            completions.completed();
        }
    }

    /**
     * Runs the turn each {@code onWritePossible} asks for on the container's thread, inside the
     * callback, through {@link Engine#runInline}; other turns stay on the engine's threads.
     * Call before the {@code WriteListener} is registered.
     */
    void runTurnsInline(Engine engine) {
        this.inline = engine;
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
        // Once the container failed the exchange, say ready: the write that follows fails at once.
        // Jetty: isReady() is not a pure query; false schedules onWritePossible (jetty#1755).
        return inContainer(() -> failed || out.isReady());
    }

    @Override
    public void head(int code, String status, List<Header> headers) {
        inContainer(() -> {
            if (!failed) {
                // Servlet 6 has no way to send the reason phrase: the container sends its own.
                response.setStatus(code);
                for (Header h : headers) {
                    response.addHeader(h.name(), h.value());
                }
            }
            return null;
        });
    }

    @Override
    public void write(byte[] chunk) throws IOException {
        inContainer(() -> {
            checkNotFailed();
            try {
                out.write(chunk);
            } catch (IOException e) {
                outputFailed = true;
                throw e;
            }
            return null;
        });
    }

    @Override
    public void flush() throws IOException {
        inContainer(() -> {
            checkNotFailed();
            try {
                out.flush();
            } catch (IOException e) {
                outputFailed = true;
                throw e;
            }
            return null;
        });
    }

    /** The container's request body stream, read under the same guard as the output. */
    InputStream guard(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                return inContainer(() -> {
                    checkNotFailed();
                    return super.read();
                });
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return inContainer(() -> {
                    checkNotFailed();
                    return super.read(b, off, len);
                });
            }

            @Override
            public int available() throws IOException {
                return inContainer(() -> failed ? 0 : super.available());
            }
        };
    }

    /** A call into the container from a bridge thread. */
    @FunctionalInterface
    private interface ContainerCall<T, E extends Exception> {
        T call() throws E;
    }

    /**
     * Runs a call into the container under {@link #streamCall} (see {@link #containerFailed}),
     * with the container's class loader as the thread's context class loader: a thread the
     * container starts from ours inherits it, and must not keep the application's (Tomcat warns
     * of, and its pool keeps, a web application class loader that way).
     */
    private <T, E extends Exception> T inContainer(ContainerCall<T, E> call) throws E {
        streamCall.lock();
        Thread thread = Thread.currentThread();
        ClassLoader own = thread.getContextClassLoader();
        thread.setContextClassLoader(containerLoader);
        try {
            return call.call();
        } finally {
            thread.setContextClassLoader(own);
            streamCall.unlock();
        }
    }

    private void checkNotFailed() throws IOException {
        if (failed) {
            throw new IOException("the container ended the exchange: the connection failed or was completed");
        }
    }

    /**
     * Marks the exchange failed, after any stream call in progress on another thread returned.
     * Tomcat reports a failed write or read on a container thread while the failing call is still
     * running on ours, then recycles the request's processor for the next connection: a call still
     * inside it would mark that other request failed and its connection would be closed.
     *
     * @param containerEndsIt whether the container now ends the exchange itself
     *     ({@code AsyncListener.onError}, {@code onTimeout}): the bridge must neither complete nor cut it
     * @param completeIfCommitted whether to complete a committed response here, on the container's
     *     thread ({@code WriteListener.onError})
     */
    private void containerFailed(boolean containerEndsIt, boolean completeIfCommitted) {
        boolean locked = false;
        try {
            locked = streamCall.tryLock(STREAM_CALL_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            failed = true;
            containerEnds |= containerEndsIt;
            if (completeIfCommitted && !containerEnds && response.isCommitted() && ended.compareAndSet(false, true)) {
                release();
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    // The container ended the exchange already.
                }
            }
        } finally {
            if (locked) {
                streamCall.unlock();
            }
        }
    }

    @Override
    public void complete() {
        release();
        if (ended.get()) {
            return;
        }
        inContainer(() -> {
            // After a failed write the container's WriteListener.onError ends the exchange, on its own
            // thread (Tomcat, handling that error, could hand one processor to two connections if a
            // bridge thread completed it meanwhile). After AsyncListener.onError the container ends
            // it (error dispatch, then complete): a complete() here could send an empty 200.
            if (!containerEnds && !outputFailed && ended.compareAndSet(false, true)) {
                completionAsked();
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    // The container ended the exchange itself (after a client abort or at shutdown).
                    completionSettled();
                }
            }
            return null;
        });
    }

    @Override
    public void abort(Throwable cause) {
        release();
        if (ended.get()) {
            return;
        }
        // The Servlet API cannot cut a committed response directly: throwing from an ASYNC
        // dispatch makes both Tomcat and Jetty close the connection instead of ending the body.
        inContainer(() -> {
            if (!containerEnds && !outputFailed && ended.compareAndSet(false, true)) {
                try {
                    request.setAttribute(ABORT, cause);
                    async.dispatch();
                } catch (IllegalStateException e) {
                    // Already completed by the container: the connection is being closed anyway.
                } catch (UnsupportedOperationException e) {
                    // Tomcat, context stopping: no dispatch; it times the exchange out and closes the connection itself.
                }
            }
            return null;
        });
    }

    @Override
    public void onWritePossible() {
        // Tomcat: a bridge thread's write failing while the container thread is still in this
        // callback's dispatch can get the exchange recycled without onError while the failing
        // call is still inside it; the turn scheduled here writes only once this callback returned
        // (an inline turn writes from the callback itself, as a plain async servlet does).
        streamCall.lock();
        try {
            if (inline != null) {
                inline.runInline(pump::onWritePossible);
            } else {
                pump.onWritePossible();
            }
        } finally {
            streamCall.unlock();
        }
    }

    @Override
    public void onError(Throwable t) {
        // WriteListener.onError: Jetty calls only this after a client abort; Tomcat calls both (servlet#433).
        // Both call it after a failed write; a committed response is completed here, on their thread.
        containerFailed(false, true);
        pump.onClientGone(t);
    }

    @Override
    public void onError(AsyncEvent event) {
        // Unlike after WriteListener.onError (all Jetty calls on a client abort), the container
        // now error-dispatches and completes unless a listener does (Servlet 2.3.3.3).
        containerFailed(true, false);
        pump.onClientGone(event.getThrowable());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        // Tomcat recycles the request after this: whatever ended it, the pump must not touch it again.
        // No waiting for a call in progress here: Tomcat fires onComplete holding its async state
        // monitor, which such a call may need. onError and onTimeout, which come before the
        // container completes on its own, do wait; after the bridge's own complete() nothing runs.
        failed = true;
        containerEnds = true;
        ended.set(true);
        release();
        completionSettled();
        if (!pump.isDone()) {
            pump.onClientGone(new IOException("the container completed the exchange"));
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // The container's own timeout is disabled (setTimeout(0)), but Tomcat times out the
        // exchanges of a context that stops; the container then ends the exchange itself.
        containerFailed(true, false);
        pump.onClientGone(new IOException("the container timed the exchange out"));
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // One async cycle per request: nothing to re-register.
    }
}
