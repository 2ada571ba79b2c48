package io.jwsgi.server;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one request: calls the application, pulls its chunks one at a time while the client can
 * take them, suspends on {@code async.sleep}, resumes on {@code async.wake}, and ends the exchange
 * exactly once, closing the iterable exactly once, whatever happens.
 *
 * <pre>{@code
 *              onWritePossible (first dispatch)
 *   NEW ---------------------------------------> SCHEDULED <-------------------------------+
 *                                                   | a turn starts on an engine thread     |
 *                                                   v                                       |
 *        onWritePossible    +------------------- RUNNING ---------------------+            |
 *     +-------------------> |  SIGNALLED         |  |  |                      |            |
 *     |  (while running)    +--------------------+  |  | budget spent and     | app slept  |
 *     |                                             |  | others wait          |            |
 *     |                                             |  +-------> SCHEDULED    v            |
 *     |                  output not ready           |                      SLEEPING --------+ wake
 *     |                 AWAITING_READY <------------+                                       |
 *     |                        |  onWritePossible                                           |
 *     |                        +------------------------------------------------------------+
 *     |
 *     +-- RUNNING / SIGNALLED --- body sent, failed or ended ---> DONE (terminal)
 * }</pre>
 *
 * <p>Rules the diagram implies: only the thread that moved the pump to {@code RUNNING} touches the
 * application, the iterable and the {@link Channel}; every state change goes through
 * {@link #transition} under one lock; decisions are taken under the lock and acted on outside it;
 * an ending asked for from outside (client gone, idle timeout, shutdown) is recorded and carried
 * out by the running thread, scheduling a turn if none runs. A wake that finds nothing asleep is
 * kept as a permit that cancels the next sleep, so no wake is ever lost.
 *
 * <p>Whatever throws, the exchange reaches {@code DONE}: a turn has a catch-all (as Jetty's
 * {@code IteratingCallback} has around its processing) that ends the exchange if anything escapes
 * the step's own handling (a logging call on an exception whose {@code toString()} throws, say),
 * and a turn the executor refuses is handed to the engine, which ends the response without ever
 * running it on the caller's thread ({@link Engine#execute}). An unexpected state in a transition
 * fails loudly, naming both states.
 */
public final class Pump {

    private static final Logger LOG = Logger.getLogger(Pump.class.getName());
    /**
     * Steps in one turn before the pump lets other responses have the thread, if any wait for
     * one ({@link Engine#turnShouldYield}).
     */
    private static final int TURN_BUDGET = 32;
    /** The most bytes of legacy {@code write} calls kept unsent on a container thread ({@link #keepUnsent}). */
    static final long LEGACY_BACKLOG = 1 << 20;

    /** Where the response is; see the class diagram. */
    enum State {
        /** Created; waiting for the container's first {@code onWritePossible}. */
        NEW,
        /** A turn is queued on the engine's executor. */
        SCHEDULED,
        /** One thread runs the application and owns the channel. */
        RUNNING,
        /** Running, and an {@code onWritePossible} arrived meanwhile; the runner must not wait for another. */
        SIGNALLED,
        /** The output said not ready; waiting for {@code onWritePossible}. No thread is held. */
        AWAITING_READY,
        /** The application slept; waiting for {@code async.wake}. No thread is held. */
        SLEEPING,
        /** Ended; the iterable is closed and the channel completed or aborted. */
        DONE
    }

    /** The sleep/wake ledger: a sleep asked for and not yet taken, or a wake kept for the next sleep. */
    private enum Sleep { NONE, REQUESTED, PERMIT }

    private enum Step { CONTINUE, AWAIT_READY, SLEEP, END }

    private final Engine engine;
    private final Application app;
    private final Map<String, Object> environ;
    private final Channel channel;
    private final String name;
    private final ResponseHead head;
    private final Outbound out;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signalled = lock.newCondition();
    private volatile State state = State.NEW;
    private volatile Sleep sleep = Sleep.NONE;
    private volatile Throwable ending;
    private ScheduledFuture<?> idleCheck;
    /** The running thread waits in {@link #awaitWritePossible} and no event has come to release it. */
    private boolean writeBlocked;

    // Confined to the running thread (handed over under the lock):
    private volatile Thread runner;
    private Iterator<byte[]> source;
    /** The body when it is a file region the pump sends itself ({@link FileRegion}); {@code source} is then empty. */
    private FileRegion region;
    private AutoCloseable closer;
    private boolean serverBody;
    private boolean bodyOver;
    /** The running turn is on a container thread (see {@link #turn}). */
    private boolean onContainer;
    private volatile long lastProgress = System.nanoTime();

    private Pump(Engine engine, Application app, Map<String, Object> environ, Channel channel, String name) {
        this.engine = engine;
        this.app = app;
        this.environ = environ;
        this.channel = channel;
        this.name = name;
        this.head = new ResponseHead(this::write);
        this.out = new Outbound(head, engine.nonBlocking() ? channel.bufferSize() : 0);
    }

    static Pump create(Engine engine, Application app, Map<String, Object> environ, Channel channel, String name) {
        Pump pump = new Pump(engine, app, environ, channel, name);
        environ.put(Environ.ASYNC_SLEEP, (Runnable) pump::sleep);
        environ.put(Environ.ASYNC_WAKE, (Runnable) pump::wake);
        return pump;
    }

    /** The container can take output now; the first call starts the application. Any thread. */
    public void onWritePossible() {
        progress();
        resume(Event.WRITE_POSSIBLE, null);
    }

    /** The client connection failed or closed; the response ends and the iterable is closed. Any thread. */
    public void onClientGone(Throwable cause) {
        resume(Event.END, new ClientGone(cause));
    }

    /**
     * Ends the response from outside (idle timeout, shutdown): {@code 503} if no header went out,
     * the connection cut otherwise; the iterable is closed. Any thread; does nothing once ended.
     */
    public void end(ResponseEnded cause) {
        resume(Event.END, cause);
    }

    /** Whether the response has ended. */
    public boolean isDone() {
        lock.lock();
        try {
            return state == State.DONE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the application is asleep: it called {@code async.sleep}, yielded, and the pump
     * suspended the response; only {@code async.wake} (or an ending) resumes it. For tests and
     * monitoring: another thread may wake the response right after this returns.
     *
     * @return {@code true} while the response is suspended on {@code async.sleep}
     */
    public boolean isSleeping() {
        lock.lock();
        try {
            return state == State.SLEEPING;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the application's thread is blocked in the legacy {@code write} callable, waiting
     * for the client to take output, and no event that releases it ({@link #onWritePossible()},
     * an ending) has arrived yet. Together with {@link #isSleeping()} and its executor's own
     * bookkeeping, this tells a test harness that the response cannot move until an outside event.
     *
     * @return {@code true} while a {@code write} waits for {@code onWritePossible}
     */
    public boolean isWriteBlocked() {
        lock.lock();
        try {
            return writeBlocked;
        } finally {
            lock.unlock();
        }
    }

    State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    private void sleep() {
        lock.lock();
        try {
            if (state != State.DONE) {
                sleep = sleep == Sleep.PERMIT ? Sleep.NONE : Sleep.REQUESTED;
            }
        } finally {
            lock.unlock();
        }
    }

    private void wake() {
        resume(Event.WAKE, null);
    }

    private enum Event { WRITE_POSSIBLE, WAKE, END }

    /** The one entry point for every outside event: decide under the lock, schedule a turn outside it. */
    private void resume(Event event, Throwable cause) {
        boolean schedule;
        lock.lock();
        try {
            schedule = decide(event, cause);
        } finally {
            lock.unlock();
        }
        if (schedule) {
            schedule();
        }
    }

    /**
     * Starts the turn just decided on: right here if this thread is inside {@link Engine#runInline}
     * (a container callback, or the servlet's first dispatch), else on the engine's threads. An
     * application that used the legacy {@code write} always gets the engine's threads: its wait
     * for the client must not hold a container thread whose return the container needs before it
     * can say the client is ready.
     */
    private void schedule() {
        if (!engine.legacyWriteSeen() && engine.claimInline()) {
            turn(true);
        } else {
            engine.execute(this, () -> turn(false));
        }
    }

    private boolean decide(Event event, Throwable cause) {
        switch (event) {
            case WRITE_POSSIBLE:
                if (transition(State.RUNNING, State.SIGNALLED)) {
                    writeBlocked = false;
                    signalled.signalAll();
                    return false;
                }
                return transition(State.NEW, State.SCHEDULED) || transition(State.AWAITING_READY, State.SCHEDULED);
            case WAKE:
                if (transition(State.SLEEPING, State.SCHEDULED)) {
                    Metrics.woke(channel);
                    return true;
                }
                if (state != State.DONE) {
                    sleep = sleep == Sleep.REQUESTED ? Sleep.NONE : Sleep.PERMIT;
                }
                return false;
            default:
                if (state == State.DONE) {
                    return false;
                }
                if (ending == null || ending instanceof ResponseEnded && cause instanceof ClientGone) {
                    ending = cause;
                }
                writeBlocked = false;
                signalled.signalAll();
                return transition(State.SLEEPING, State.SCHEDULED) || transition(State.AWAITING_READY, State.SCHEDULED)
                        || transition(State.NEW, State.SCHEDULED);
        }
    }

    /** The exception for a transition from the current state the pump never makes; the message names both states. */
    private IllegalStateException illegal(State to, String expected) {
        return new IllegalStateException(name + ": illegal transition " + state + " -> " + to + " (expected from "
                + expected + ")");
    }

    /** The only place {@code state} changes (besides {@link #finish} forcing {@code DONE} after a bug). Call with the lock held. */
    private boolean transition(State from, State to) {
        if (state != from) {
            return false;
        }
        state = to;
        if (LOG.isLoggable(Level.FINEST)) {
            LOG.finest(name + ": " + from + " -> " + to);
        }
        return true;
    }

    /**
     * One turn: loops over steps until the pump must wait, yields or ends. Nothing escapes it:
     * see {@link #crashed}.
     *
     * @param container whether this thread is the container's, inside a callback or dispatch whose
     *        return the container may need before it reports the output ready again
     */
    private void turn(boolean container) {
        lock.lock();
        try {
            if (!transition(State.SCHEDULED, State.RUNNING)) {
                return;
            }
            runner = Thread.currentThread();
            onContainer = container;
        } finally {
            lock.unlock();
        }
        try {
            steps();
        } catch (Throwable t) {
            crashed(t);
        }
    }

    private void steps() {
        int budget = TURN_BUDGET;
        while (true) {
            Step step = safeStep(false);
            if (step == Step.END) {
                return;
            }
            if (step == Step.CONTINUE && (--budget > 0 || !engine.turnShouldYield())) {
                budget = budget > 0 ? budget : TURN_BUDGET;
                continue;
            }
            if (step == Step.CONTINUE && out.flushOwed()) {
                // Giving the thread up ends the turn too: what it wrote goes out now, not after the next turn's first chunk.
                step = safeStep(true);
                if (step == Step.END) {
                    return;
                }
            }
            State parkIn = step == Step.AWAIT_READY ? State.AWAITING_READY
                    : step == Step.SLEEP ? State.SLEEPING : State.SCHEDULED;
            if (park(parkIn)) {
                if (parkIn == State.SCHEDULED) {
                    schedule();
                }
                return;
            }
            budget = TURN_BUDGET;
        }
    }

    /**
     * The turn's catch-all: something escaped the step's own error handling (a bug, or an
     * exception whose {@code toString()} throws while being logged). The exchange ends here, once:
     * the iterable is closed and the connection cut, unless the pump had ended already.
     */
    private void crashed(Throwable t) {
        State at = state;
        boolean owned;
        lock.lock();
        try {
            owned = runner == Thread.currentThread() && (state == State.RUNNING || state == State.SIGNALLED);
        } finally {
            lock.unlock();
        }
        if (owned) {
            finish(false, t);
        }
        try {
            LOG.log(Level.SEVERE, name + ": the response failed unexpectedly (" + describe(t) + ") in state " + at
                    + "; the exchange is ended", t);
        } catch (Throwable logging) {
            // A log handler that throws must not take the turn's thread down with it.
        }
    }

    /**
     * Ends a response whose turn can run nowhere (the executor and the engine's timer both refused
     * it), on the calling thread: the iterable is closed and the connection cut. The application's
     * {@code call}, {@code hasNext} and {@code next} are never run here. Does nothing unless a turn
     * was due ({@code SCHEDULED}).
     */
    void abandon(Throwable cause) {
        lock.lock();
        try {
            if (!transition(State.SCHEDULED, State.RUNNING)) {
                return;
            }
            runner = Thread.currentThread();
        } finally {
            lock.unlock();
        }
        finish(false, cause);
    }

    /** {@code t.toString()}, or its class name if that throws: logging an error must not fail. */
    static String describe(Throwable t) {
        try {
            return String.valueOf(t);
        } catch (Throwable e) {
            return t.getClass().getName() + " (whose toString() threw " + e.getClass().getName() + ")";
        }
    }

    /** Leaves {@code RUNNING} for {@code to}, unless an event since makes the runner go on. */
    private boolean park(State to) {
        lock.lock();
        try {
            if (ending != null) {
                return false;
            }
            if (to == State.AWAITING_READY && transition(State.SIGNALLED, State.RUNNING)) {
                return false;
            }
            if (to == State.SLEEPING) {
                if (sleep != Sleep.REQUESTED) {
                    return false;
                }
                sleep = Sleep.NONE;
            }
            runner = null;
            // A signal seen while going to sleep or yielding was not waited for: isReady() is asked afresh.
            if (transition(State.RUNNING, to) || transition(State.SIGNALLED, to)) {
                return true;
            }
            throw illegal(to, "RUNNING or SIGNALLED");
        } finally {
            lock.unlock();
        }
    }

    private Step safeStep(boolean yielding) {
        try {
            return step(yielding);
        } catch (ClientGone gone) {
            return endOn(gone);
        } catch (Throwable t) {
            Throwable ended = endingBehind(t);
            return ended != null ? endOn(ended) : applicationFailed(t);
        }
    }

    /**
     * The ending an exception comes from, if the application let through (or wrapped) what
     * {@code write} threw because the client left or the response was ended: that is no
     * application error.
     */
    private Throwable endingBehind(Throwable t) {
        // A cause chain may loop (a.initCause(b), b.initCause(a)): each exception is looked at once.
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            if (c instanceof ClientGone) {
                return c;
            }
            if (c instanceof EndedWhileWriting) {
                Throwable cause = takeEnding();
                return cause != null ? cause : c.getCause();
            }
        }
        return null;
    }

    /**
     * One step: an ending carried out, a write or a flush, the body finished, a sleep, or a pull.
     * With {@code yielding} (the turn gives its thread up next) only the flush owed, if the
     * channel is ready: a chunk taken waits for the next turn.
     */
    private Step step(boolean yielding) throws Exception {
        Throwable cause = takeEnding();
        if (cause != null) {
            return endOn(cause);
        }
        if (yielding) {
            return out.flushNow(channel) ? Step.CONTINUE : Step.AWAIT_READY;
        }
        boolean sleepDue = sleep == Sleep.REQUESTED && !serverBody;
        // With a non-blocking application the flush may wait for the turn's end: a sleep or the body's end.
        if (out.mustSend(bodyOver || sleepDue)) {
            // On a container thread the exchange's completion, right after, sends the last chunk.
            return out.drain(channel, onContainer) ? Step.CONTINUE : Step.AWAIT_READY;
        }
        if (bodyOver) {
            return finishBody();
        }
        if (sleepDue) {
            return Step.SLEEP;
        }
        pull();
        return Step.CONTINUE;
    }

    private void pull() throws Exception {
        if (source == null) {
            Iterable<byte[]> body = app.call(environ, head);
            progress();
            if (body == null) {
                throw new IllegalStateException("Application.call must return an Iterable<byte[]>, got null"
                        + " (return List.of() for an empty body)");
            }
            closer = body instanceof AutoCloseable c ? c : null;
            region = FileRegion.of(body);
            source = region != null ? Collections.emptyIterator() : body.iterator();
            if (source == null) {
                throw new IllegalStateException("Iterable.iterator() must not return null (" + body.getClass().getName() + ")");
            }
            return;
        }
        if (region != null) {
            pullSlice();
            return;
        }
        if (!source.hasNext()) {
            bodyOver = true;
            return;
        }
        byte[] chunk = source.next();
        progress();
        if (chunk == null) {
            throw new IllegalStateException("The iterable yielded a null chunk; yield new byte[0] for an empty one");
        }
        if (chunk.length > 0) {
            requireStarted(chunk.length);
            out.offer(chunk, this);
        }
        if (out.lengthReached()) {
            bodyOver = true;
        }
    }

    /** Takes the file region's next slice as the next chunk, under the same rules as a chunk pulled from the iterator. */
    private void pullSlice() {
        ByteBuffer slice = region.next();
        progress();
        if (slice == null) {
            bodyOver = true;
            return;
        }
        requireStarted(slice.remaining());
        out.offer(slice, this);
        if (out.lengthReached()) {
            bodyOver = true;
        }
    }

    private void requireStarted(int chunkLength) {
        if (!head.started()) {
            throw new IllegalStateException("A non-empty chunk (" + chunkLength + " bytes) was yielded"
                    + " before start_response was called; call start first (PEP 3333)");
        }
    }

    private Step finishBody() {
        if (!head.started()) {
            throw new IllegalStateException("The application ended its body without calling start_response");
        }
        if (out.endedShort(isBodyless())) {
            String message = "the body ended after " + out.sent() + " of the " + out.declared()
                    + " bytes its Content-Length declared";
            if (!head.sent()) {
                throw new IllegalStateException("The application's body ended short: " + message);
            }
            LOG.log(Level.SEVERE, "{0}: {1}; the connection is cut", new Object[] {this, message});
            return finish(false, new IllegalStateException(message));
        }
        // The last flush may still be in flight: completing now would race it (Jetty: "Closed while Pending").
        if (!channel.isReady()) {
            return Step.AWAIT_READY;
        }
        out.sendHead(channel);
        return finish(true, null);
    }

    private boolean isBodyless() {
        int code = head.code();
        return "HEAD".equals(environ.get(Environ.REQUEST_METHOD)) || code < 200 || code == 204 || code == 304;
    }

    private Step applicationFailed(Throwable t) {
        Metrics.ending(channel, t);
        LOG.log(Level.SEVERE, this + ": application error: " + describe(t), t);
        // The error page itself failing (the container threw) cuts the connection instead of looping.
        if (!head.sent() && !serverBody) {
            closeApplication();
            serveErrorPage("500 Internal Server Error");
            return Step.CONTINUE;
        }
        return finish(false, t);
    }

    private Step endOn(Throwable cause) {
        Metrics.ending(channel, cause);
        if (cause instanceof ClientGone) {
            LOG.log(Level.FINE, "{0}: {1}", new Object[] {this, cause.getMessage()});
            return finish(true, null);
        }
        // At shutdown the engine logs one line for all the responses it ends, not one each.
        LOG.log(engine.isShutdownEnding(cause) ? Level.FINE : Level.WARNING, "{0}: {1}",
                new Object[] {this, cause.getMessage()});
        // A second ending while the error page itself is stuck cuts the connection instead.
        if (!head.sent() && !serverBody) {
            closeApplication();
            serveErrorPage("503 Service Unavailable");
            return Step.CONTINUE;
        }
        return finish(false, cause);
    }

    /** Replaces a response whose head has not gone out with a short plain-text page. */
    private void serveErrorPage(String status) {
        byte[] body = (status + "\n").getBytes(StandardCharsets.UTF_8);
        out.discard();
        head.replace(status, List.of(new Header("Content-Type", "text/plain; charset=utf-8"),
                new Header("Content-Length", Integer.toString(body.length))));
        source = List.of(body).iterator();
        region = null;
        serverBody = true;
        bodyOver = false;
    }

    /**
     * Ends the response: the iterable is closed first, so that a client that saw the end of its
     * response can count on {@code close()} having run; then the pump is done; then the exchange ends.
     */
    private Step finish(boolean complete, Throwable abortCause) {
        closeApplication();
        State was;
        lock.lock();
        try {
            was = state;
            if (!transition(State.RUNNING, State.DONE) && !transition(State.SIGNALLED, State.DONE)) {
                LOG.log(Level.SEVERE, illegal(State.DONE, "RUNNING or SIGNALLED").getMessage());
                state = State.DONE;
            }
            runner = null;
            if (idleCheck != null) {
                idleCheck.cancel(false);
            }
            signalled.signalAll();
        } finally {
            lock.unlock();
        }
        engine.ended(this);
        if (was == State.DONE) {
            return Step.END;
        }
        try {
            if (complete) {
                channel.complete();
            } else {
                channel.abort(abortCause);
            }
        } catch (Throwable e) {
            LOG.log(Level.WARNING, this + ": the container refused to end the exchange: " + describe(e), e);
        }
        return Step.END;
    }

    private void closeApplication() {
        AutoCloseable c = closer;
        closer = null;
        if (c != null) {
            try {
                c.close();
            } catch (Throwable t) {
                LOG.log(Level.SEVERE, this + ": the iterable's close() failed: " + describe(t), t);
            }
        }
    }

    private Throwable takeEnding() {
        if (ending == null) {
            return null;
        }
        lock.lock();
        try {
            Throwable cause = ending;
            ending = null;
            return cause;
        } finally {
            lock.unlock();
        }
    }

    /** The legacy {@code write} callable: sends the bytes before returning, on the running thread. */
    private void write(byte[] data) throws java.io.IOException {
        if (Thread.currentThread() != runner) {
            throw new IllegalStateException("write() must be called by the thread running the application"
                    + " (inside call, hasNext or next), not by " + Thread.currentThread().getName());
        }
        if (data == null) {
            throw new IllegalArgumentException("write() needs a byte[], got null");
        }
        if (!head.started()) {
            throw new IllegalStateException("write() called before start_response (PEP 3333)");
        }
        if (data.length == 0 || out.lengthReached()) {
            return;
        }
        engine.sawLegacyWrite();
        out.offer(data, this);
        try {
            while (out.hasPending()) {
                Throwable cause = ending;
                if (cause instanceof ClientGone gone) {
                    throw gone;
                }
                if (cause != null) {
                    throw new EndedWhileWriting(cause);
                }
                if (!out.drain(channel, false)) {
                    if (onContainer) {
                        // Waiting here would wait for a callback the container holds back until this
                        // thread returns: the bytes stay buffered (PEP 3333 allows it), within a bound.
                        keepUnsent();
                        return;
                    }
                    awaitWritePossible();
                }
            }
        } catch (ClientGone gone) {
            resume(Event.END, gone);
            throw gone;
        }
        progress();
    }

    /**
     * Lets legacy {@code write} bytes the client cannot take yet wait in the pump, on a container
     * thread, up to {@link #LEGACY_BACKLOG} bytes: the turn sends them once the application
     * returns. Past that bound {@code write} fails rather than hold without limit what an
     * application writing in a loop produces.
     */
    private void keepUnsent() throws java.io.IOException {
        long backlog = out.unsent();
        if (backlog > LEGACY_BACKLOG) {
            throw new java.io.IOException("write() could not send " + backlog + " bytes: the client is not taking them"
                    + " and this response runs on a container thread (init-param turns=container), where write() cannot"
                    + " wait for the client beyond " + LEGACY_BACKLOG + " bytes; this application's later requests run on"
                    + " the bridge's threads, where it can; set turns=pool to serve every request so");
        }
    }

    /** What {@code write} throws when the server ended the response (idle timeout, shutdown) while it waited. */
    private static final class EndedWhileWriting extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        EndedWhileWriting(Throwable ending) {
            super("the response was ended: " + ending.getMessage(), ending);
        }
    }

    private void awaitWritePossible() throws java.io.InterruptedIOException {
        lock.lock();
        try {
            writeBlocked = state == State.RUNNING && ending == null;
            while (state == State.RUNNING && ending == null) {
                signalled.await();
            }
            transition(State.SIGNALLED, State.RUNNING);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the client to take output");
        } finally {
            writeBlocked = false;
            lock.unlock();
        }
    }

    private void progress() {
        lastProgress = System.nanoTime();
    }

    /** Schedules the idle check; called once by the engine when the pump is registered. */
    void watchIdle(long timeoutNanos) {
        long idle = System.nanoTime() - lastProgress;
        long delay = timeoutNanos - idle;
        if (delay <= 0) {
            end(new ResponseEnded("no progress for " + TimeUnit.NANOSECONDS.toMillis(idle)
                    + " ms (async-timeout " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms)"));
            // Keep watching: a 503 page stalled on a client that reads nothing is cut at the next expiry.
            progress();
            delay = timeoutNanos;
        }
        lock.lock();
        try {
            if (state != State.DONE) {
                final long next = delay;
                idleCheck = engine.schedule(() -> watchIdle(timeoutNanos), next);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The request line and the state, e.g. {@code GET /chat (SLEEPING)}. */
    @Override
    public String toString() {
        return name + " (" + state + ")";
    }
}
