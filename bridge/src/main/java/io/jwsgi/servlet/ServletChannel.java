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
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link Channel} over a Servlet async exchange, and the container's listeners feeding the
 * pump. The pump guarantees one caller at a time and {@code isReady()} before each write or flush;
 * this class adds that the exchange is ended exactly once, by whoever must end it, and that once
 * the exchange left {@code OPEN}, neither the pump nor {@code wsgi.input} calls into the
 * container's streams again.
 *
 * <pre>
 *                    write/flush throws
 *   OPEN ---------------------------------------> OUTPUT_FAILED
 *    | |  |                                        |          |
 *    | |  | complete(); WriteListener.onError;     | as from  | AsyncListener.onError;
 *    | |  | onTimeout before the head (503)        | OPEN, or | onTimeout after the head
 *    | |  v                                        | deadline |
 *    | |  COMPLETING <-----------------------------+          |
 *    | |     |                                                |
 *    | |     | AsyncListener.onError; onTimeout after the     |
 *    | |     | head; abort() while destroyed (Tomcat)         |
 *    | +-----|----------------> CONTAINER_ENDING <------------+
 *    |       |                      |     ^
 *    |       |  abort()             |     | dispatch refused
 *    +-------|-----> ABORTING ------|-----+
 *            |          |           |
 *            |          | the ASYNC dispatch arrives; onComplete (from any state)
 *            v          v           v
 *            +-------> CLOSED (terminal) <--+
 * </pre>
 *
 * <p>Every change goes through {@link #transition}, a compare-and-set on the one state field;
 * {@code onComplete} moves any state to {@code CLOSED}. Each state that waits for the container
 * ({@code OUTPUT_FAILED}, {@code COMPLETING}, {@code CONTAINER_ENDING}, {@code ABORTING}) has a
 * deadline on the engine's watchdog: if the container never calls back, a SEVERE line names the
 * state, and an exchange stuck in {@code OUTPUT_FAILED} is completed by the bridge itself.
 * Bridge threads call into the container only through {@link ContainerCalls}.
 */
final class ServletChannel implements Channel, WriteListener, AsyncListener {

    private static final Logger LOG = Logger.getLogger(ServletChannel.class.getName());
    /** Request attribute holding the channel whose abort the ASYNC dispatch carries out. */
    static final String ABORT = ServletChannel.class.getName() + ".abort";

    /** Where the exchange is; see the class diagram. */
    enum State {
        /** The bridge may call the container's streams; nobody has asked for the exchange to end. */
        OPEN,
        /** A write or flush threw: the container reports it to {@code WriteListener.onError}, which ends the exchange. */
        OUTPUT_FAILED,
        /** {@code AsyncContext.complete()} was called; waiting for {@code onComplete}. */
        COMPLETING,
        /** The bridge dispatched to cut a committed response; waiting for that ASYNC dispatch. */
        ABORTING,
        /** The container reported an error or a timeout: its own error handling ends the exchange. */
        CONTAINER_ENDING,
        /** Ended: the request and response may already serve another exchange and are never touched again. */
        CLOSED
    }

    private final AsyncContext async;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final ServletOutputStream out;
    /** Whether {@link #out} takes buffers (Servlet 6.1's {@code write(ByteBuffer)}); decided once. */
    private final boolean takesBuffers;
    private final int bufferSize;
    private final ContainerCalls calls;
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    /** The container thread running the first turn inside {@code service()} ({@link #firstTurn}), while it does. */
    private volatile Thread inService;
    private Pump pump;
    /** With non-blocking=true, the engine whose {@link Engine#runInline} delivers {@code onWritePossible}. */
    private Engine inline;
    private Engine watchdog;
    private long deadlineMillis = 30_000;
    private volatile Engine.Deadline deadline;
    private volatile AutoCloseable resource;
    private final OpenExchanges.Entry completions = new OpenExchanges.Entry();
    private volatile Throwable abortCause;
    private BooleanSupplier destroying = () -> false;

    ServletChannel(AsyncContext async, HttpServletRequest request, HttpServletResponse response) throws IOException {
        this.async = async;
        this.request = request;
        this.response = response;
        this.out = response.getOutputStream();
        this.takesBuffers = BufferWrites.takenBy(out);
        this.bufferSize = response.getBufferSize();
        this.calls = new ContainerCalls(async.getClass().getClassLoader());
    }

    void bind(Pump target) {
        this.pump = target;
    }

    /** Counts this exchange in {@code open} from the bridge's {@code complete()} until the container's {@code onComplete}. */
    void countCompletionIn(OpenExchanges open) {
        completions.countIn(open);
    }

    /**
     * Puts a deadline on every state that waits for the container, on {@code engine}'s watchdog thread.
     *
     * @param engine whose watchdog runs the deadlines
     * @param millis how long the container may take to call back
     */
    void watchContainerWith(Engine engine, long millis) {
        this.watchdog = engine;
        this.deadlineMillis = millis;
    }

    /**
     * Tells the channel when its servlet is being destroyed on a container that cuts a committed
     * response itself as it stops (Tomcat): an abort then dispatches nothing (the dispatch would
     * reach a context already gone) and leaves the exchange to the container.
     */
    void destroyingWhen(BooleanSupplier servletDestroying) {
        this.destroying = servletDestroying;
    }

    /**
     * Runs the turn each {@code onWritePossible} asks for on the container's thread, inside the
     * callback, through {@link Engine#runInline}; other turns stay on the engine's threads.
     * Call before the {@code WriteListener} is registered.
     */
    void runTurnsInline(Engine engine) {
        this.inline = engine;
    }

    /**
     * Sets this channel as the {@code WriteListener} and runs the first turn right away on the
     * calling container thread (inside {@code service()}, or the {@code ReadListener} callback
     * that finished a buffered body), instead of waiting for the container's first
     * {@code onWritePossible}, which both containers deliver on this thread once it returns: that
     * later callback then finds the turn done, or resumes it if the output was not ready. The
     * output guard is held throughout, as in {@link #onWritePossible()}.
     *
     * @param engine the pump's engine, which runs the turn inline
     */
    void firstTurn(Engine engine) {
        calls.holdingOutput(() -> {
            // Tomcat expects the WriteListener to be registered on a container thread (this one, or a ReadListener's).
            out.setWriteListener(this);
            inService = Thread.currentThread();
            try {
                engine.runInline(pump::onWritePossible);
            } finally {
                inService = null;
            }
        });
    }

    /** Closes {@code held} (a buffered body, say) when the exchange ends, whichever way. */
    void releaseAtEnd(AutoCloseable held) {
        this.resource = held;
    }

    State state() {
        return state.get();
    }

    /**
     * The response's buffer size, read when the exchange began. Tomcat: a write that overflows
     * its buffer goes to the socket without a flush, and what the socket does not take at once
     * leaves {@code isReady()} false until its poller wrote it (a dispatch per buffer), so a batch
     * of writes stays within it.
     */
    @Override
    public int bufferSize() {
        return bufferSize;
    }

    @Override
    public boolean isReady() {
        // Once the exchange left OPEN, say ready: the write that follows fails at once.
        // Jetty: isReady() is not a pure query; false schedules onWritePossible (jetty#1755).
        return calls.output(() -> state.get() != State.OPEN || out.isReady());
    }

    @Override
    public void head(int code, String status, List<Header> headers) {
        calls.output(() -> {
            if (state.get() == State.OPEN) {
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
        output(() -> out.write(chunk));
    }

    @Override
    public void write(ByteBuffer slice) throws IOException {
        if (takesBuffers) {
            output(() -> BufferWrites.write(out, slice));
        } else {
            Channel.super.write(slice);
        }
    }

    @Override
    public boolean takesBuffers() {
        return takesBuffers;
    }

    @Override
    public void flush() throws IOException {
        output(out::flush);
    }

    /** A write or flush on the container's output stream. */
    @FunctionalInterface
    private interface Output {
        void run() throws IOException;
    }

    /** Runs a write or flush under the output guard, while the exchange is {@code OPEN}; a failure marks it {@code OUTPUT_FAILED}. */
    private void output(Output call) throws IOException {
        calls.output(() -> {
            checkOpen();
            try {
                call.run();
            } catch (IOException e) {
                outputFailed();
                throw e;
            }
            return null;
        });
    }

    private void outputFailed() {
        if (inService == Thread.currentThread()) {
            // Tomcat reports a write failing inside service() to no listener and closes the exchange as
            // service() returns: the pump completes it right here instead of waiting for onError.
            return;
        }
        // Both containers then call WriteListener.onError on their own thread, which ends the
        // exchange (Tomcat, handling that error, could hand one processor to two connections if
        // a bridge thread completed it meanwhile).
        transition(State.OPEN, State.OUTPUT_FAILED);
    }

    /** The container's request body stream, read under {@link ContainerCalls#input}: never under the output's guard. */
    InputStream guard(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                return calls.input(() -> {
                    checkOpen();
                    return super.read();
                });
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return calls.input(() -> {
                    checkOpen();
                    return super.read(b, off, len);
                });
            }

            @Override
            public int available() throws IOException {
                return calls.input(() -> state.get() != State.OPEN ? 0 : super.available());
            }
        };
    }

    private void checkOpen() throws IOException {
        State now = state.get();
        if (now != State.OPEN) {
            throw new IOException("the exchange is " + now + ": the connection failed or the exchange is ending");
        }
    }

    @Override
    public void complete() {
        release();
        // Not even waiting for the guard once ended: the container may call onComplete holding a
        // monitor that a bridge call in progress needs, and the pump, told of it, completes here.
        if (state.get() != State.OPEN) {
            return;
        }
        calls.output(() -> {
            // OUTPUT_FAILED: WriteListener.onError completes on the container's thread. CONTAINER_ENDING:
            // the container's error handling ends it; a complete() here could send an empty 200.
            if (transition(State.OPEN, State.COMPLETING)) {
                completeNow();
            }
            return null;
        });
    }

    /** Calls {@code AsyncContext.complete()}, in {@code COMPLETING}. */
    private void completeNow() {
        completions.asked();
        try {
            async.complete();
        } catch (IllegalStateException e) {
            // The container ended the exchange itself (after a client abort or at shutdown).
            closed();
        }
    }

    @Override
    public void abort(Throwable cause) {
        release();
        if (state.get() != State.OPEN) {
            return;
        }
        calls.output(() -> {
            // Tomcat maps the dispatch of a stopping context to nothing (SEVERE "Error during mapping")
            // and cuts the committed response as it stops: no dispatch then.
            if (destroying.getAsBoolean()) {
                if (transition(State.OPEN, State.CONTAINER_ENDING)) {
                    // Tomcat times it out within a second of the context stopping: destroy() waits for that.
                    completions.asked();
                }
            } else if (transition(State.OPEN, State.ABORTING)) {
                // The Servlet API cannot cut a committed response directly: an ASYNC dispatch that
                // throws makes both containers close the connection instead of ending the body.
                try {
                    abortCause = cause;
                    request.setAttribute(ABORT, this);
                    async.dispatch();
                } catch (IllegalStateException e) {
                    // Already completed by the container: the connection is being closed anyway.
                    closed();
                } catch (UnsupportedOperationException e) {
                    // Tomcat, context stopping: no dispatch; it times the exchange out and closes the connection.
                    if (transition(State.ABORTING, State.CONTAINER_ENDING)) {
                        completions.asked();
                    }
                }
            }
            return null;
        });
    }

    /**
     * The ASYNC dispatch of {@link #abort} arrived on a container thread: the container now cuts
     * the connection. Jetty fires no {@code onComplete} after it, so the exchange counts as ended here.
     *
     * @return why the response is cut
     */
    Throwable abortDispatched() {
        if (!transition(State.ABORTING, State.CLOSED)) {
            illegal("the aborting dispatch", State.ABORTING);
        }
        return abortCause;
    }

    @Override
    public void onWritePossible() {
        // Tomcat: a bridge thread's write failing while the container thread is still in this
        // callback's dispatch can get the exchange recycled without onError while the failing
        // call is still inside it; the turn scheduled here writes only once this callback returned
        // (an inline turn writes from the callback itself, as a plain async servlet does).
        calls.holdingOutput(() -> {
            if (inline != null) {
                inline.runInline(pump::onWritePossible);
            } else {
                pump.onWritePossible();
            }
        });
    }

    @Override
    public void onError(Throwable t) {
        if (settled()) {
            return;
        }
        // WriteListener.onError: Jetty calls only this after a client abort; Tomcat calls both (servlet#433).
        // The connection failed: the exchange is completed here, on the container's thread, committed or not.
        calls.whenQuiet(true, "WriteListener.onError", this::toString, () -> {
            if (transition(State.OPEN, State.COMPLETING) || transition(State.OUTPUT_FAILED, State.COMPLETING)) {
                release();
                neverAWhole200();
                completeNow();
            }
        });
        pump.onClientGone(t);
    }

    @Override
    public void onError(AsyncEvent event) {
        if (settled()) {
            return;
        }
        // Unlike after WriteListener.onError (all Jetty calls on a client abort), the container
        // now error-dispatches and completes unless a listener does (Servlet 2.3.3.3): a 500 before the head.
        calls.whenQuiet(true, "AsyncListener.onError", this::toString, () -> {
            if (!transition(State.OPEN, State.CONTAINER_ENDING)) {
                transition(State.OUTPUT_FAILED, State.CONTAINER_ENDING);
            }
        });
        pump.onClientGone(event.getThrowable());
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        if (settled()) {
            return;
        }
        // The container's own timeout is disabled (setTimeout(0)), but Tomcat times out the
        // exchanges of a context that stops. Before the head the bridge answers 503 and completes
        // here (its thread, as the Servlet spec allows in onTimeout): left to Tomcat, a stopping
        // context sometimes ended it as a whole, empty 200. After the head Tomcat cuts the connection.
        // A read blocked on a slow uploader is not waited for.
        calls.whenQuiet(false, "AsyncListener.onTimeout", this::toString, () -> {
            if (response.isCommitted()) {
                if (!transition(State.OPEN, State.CONTAINER_ENDING)) {
                    transition(State.OUTPUT_FAILED, State.CONTAINER_ENDING);
                }
            } else if (transition(State.OPEN, State.COMPLETING) || transition(State.OUTPUT_FAILED, State.COMPLETING)) {
                release();
                neverAWhole200();
                completeNow();
            }
        });
        pump.onClientGone(new IOException("the container timed the exchange out"));
    }

    /**
     * Whether the exchange is in the container's hands, with no bridge call into it left to wait
     * for, and the pump told: a container error or timeout then changes nothing. Tomcat calls
     * {@code onTimeout} for the exchanges of an undeployed application after its class loader
     * stopped, when code that loads a class (a lambda linked for the first time) fails: such a
     * call returns here. ({@code COMPLETING} and {@code ABORTING} may have a bridge call in
     * progress, which the callback must wait for.)
     */
    private boolean settled() {
        State now = state.get();
        return now == State.CONTAINER_ENDING || now == State.CLOSED;
    }

    /** Before its head, an exchange the bridge completes for a failure gets a 503 with no body, never the 200 default. */
    private void neverAWhole200() {
        if (!response.isCommitted()) {
            try {
                response.reset();
                response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
                response.setHeader("Connection", "close");
                response.setContentLength(0);
            } catch (IllegalStateException e) {
                // Committed meanwhile by the container: it closes the failed connection itself.
            }
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        // Tomcat recycles the request after this: whatever ended it, the pump must not touch it again.
        // No waiting for a call in progress here: Tomcat fires onComplete holding its async state
        // monitor, which such a call may need. onError and onTimeout, which come before the
        // container completes on its own, do wait; after the bridge's own complete() nothing runs.
        completions.reportedOnThisThread();
        closed();
        if (!pump.isDone()) {
            pump.onClientGone(new IOException("the container completed the exchange"));
        }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // One async cycle per request: nothing to re-register.
    }

    /** Any state to {@code CLOSED}: the container is done with the exchange. */
    private void closed() {
        State from = state.getAndSet(State.CLOSED);
        if (from != State.CLOSED) {
            trace(from, State.CLOSED);
            cancelDeadline();
        }
        release();
        completions.settled();
    }

    /** The only compare-and-set of the state besides {@link #closed}; starts the deadline of a waiting state. */
    private boolean transition(State from, State to) {
        if (!state.compareAndSet(from, to)) {
            return false;
        }
        trace(from, to);
        cancelDeadline();
        if (to != State.CLOSED) {
            startDeadline(to);
        }
        return true;
    }

    private void trace(State from, State to) {
        if (LOG.isLoggable(Level.FINEST)) {
            LOG.finest(this + ": " + from + " -> " + to);
        }
    }

    private void illegal(String event, State expected) {
        LOG.log(Level.SEVERE, "{0}: illegal transition: {1} came in state {2}, expected {3}",
                new Object[] {this, event, state.get(), expected});
    }

    private void startDeadline(State waiting) {
        Engine engine = watchdog;
        if (engine != null) {
            deadline = engine.deadline(() -> deadlinePassed(waiting), deadlineMillis);
        }
    }

    private void cancelDeadline() {
        Engine.Deadline pending = deadline;
        if (pending != null) {
            pending.cancel();
        }
    }

    /** On the engine's watchdog thread: the container has not called back in {@code waiting}. */
    private void deadlinePassed(State waiting) {
        if (state.get() != waiting) {
            return;
        }
        LOG.log(Level.SEVERE, "{0}: the container did not call back within {1} ms in state {2}{3}", new Object[] {
            this, deadlineMillis, waiting, waiting == State.OUTPUT_FAILED ? "; the bridge completes the exchange" : ""});
        if (waiting == State.OUTPUT_FAILED) {
            calls.output(() -> {
                if (transition(State.OUTPUT_FAILED, State.COMPLETING)) {
                    neverAWhole200();
                    completeNow();
                }
                return null;
            });
        } else if (waiting == State.COMPLETING || waiting == State.CONTAINER_ENDING) {
            // Not waited for by destroy() any longer.
            completions.settled();
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
    public String toString() {
        return (pump == null ? "exchange" : pump.toString()) + " [" + state.get() + "]";
    }
}
