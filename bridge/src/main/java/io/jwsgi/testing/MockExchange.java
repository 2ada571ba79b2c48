package io.jwsgi.testing;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.server.Engine;
import io.jwsgi.server.Pump;
import io.jwsgi.server.ResponseEnded;
import io.jwsgi.servlet.NonBlocking;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One request in flight on a {@link MockContainer}, stepped by the test:
 *
 * <pre>{@code
 * MockExchange poll = MockContainer.of(app).get("/poll").start();
 * assertThat(poll.isSleeping()).isTrue();      // the app slept, waiting for a message
 * poll.wake();                                 // or: another thread calls async.wake
 * assertThat(poll.takeText()).isEqualTo("hello");
 * assertThat(poll.awaitDone().closeCount()).isEqualTo(1);
 * }</pre>
 *
 * <p>The response runs on the real {@link Pump}, the one the servlet bridge runs, through an
 * in-memory client connection; its turns run one at a time on the exchange's own thread (named
 * {@code jwsgi-mock-N}), whoever triggers them: the test, another thread calling
 * {@code async.wake}, or the idle timer. So a wake never runs the application on the waker's
 * thread, as on a real server.
 *
 * <p><b>Settling.</b> Every method first waits until the exchange settles: nothing runs and nothing
 * is scheduled (the application sleeps, the response waits for the client, or it ended). The
 * stepping methods ({@link #wake()}, {@link #clientTakes(int)}, {@link #clientReady()},
 * {@link #clientNotReady()}, {@link #disconnect()}, {@link #disconnectSilently()},
 * {@link #timeout()}) wait again after their step, so their effect has happened when they return
 * (after {@code disconnect()}, the application's {@code close()} ran and the response ended). So
 * what a method observes, and what it changes, does not depend on timing. {@link #takeChunk()} and
 * {@link #awaitDone()} wait for their event instead, which is what a test uses after another thread
 * woke the application. Each wait lasts at most the container's deadline; then the test fails
 * with a message naming the request, the application, the state it is stuck in and the chunks so
 * far.
 *
 * <p><b>Broken rules.</b> A rule broken by the application is thrown from the next method called,
 * as the {@link ValidationError} itself: one found by the validator the container wraps the
 * application in, or by a validator the application stacks inside itself (called on the
 * exchange's thread), thrown from {@code call}, {@code next} or {@code close()} (which the pump
 * only logs). Once the response ended, the next method also checks that every such validator's
 * iterable was closed ({@link ValidationError.Rule#CLOSE_MISSING}).
 */
public final class MockExchange implements AutoCloseable {

    private static final AtomicInteger COUNT = new AtomicInteger();

    private final String name;
    private final String appName;
    private final Duration deadline;
    private final Map<String, Object> environ;
    private final StringWriter errors;
    private final Probe probe;
    private final Reports reports;
    private final Report report;
    private final MockLoop loop;
    private final MockChannel channel;
    private final Engine engine;
    private final Pump pump;
    private final Runnable wake;
    private int taken;

    MockExchange(MockContainer container, EnvironBuilder request, int credits, boolean slowFlush) {
        this.name = request.toString();
        this.appName = container.application().getClass().getName();
        this.deadline = container.deadline();
        this.environ = request.build();
        if (request.isSet(Environ.WSGI_ERRORS)) {
            this.errors = null;
        } else {
            this.errors = new StringWriter();
            environ.put(Environ.WSGI_ERRORS, new PrintWriter(errors, true));
        }
        this.probe = new Probe(container.application());
        this.reports = new Reports();
        this.report = container.validates() ? new Report() : null;
        this.loop = new MockLoop("jwsgi-mock-" + COUNT.incrementAndGet(), reports::watchCurrentThread,
                this::finished, this::stopped);
        this.channel = new MockChannel(loop, credits, "HEAD".equals(request.method()), slowFlush);
        this.engine = Engine.builder().name(loop.thread().getName()).executor(loop)
                .nonBlocking(container.isNonBlocking()).idleTimeoutMillis(container.idleTimeout().toMillis()).build();
        this.pump = engine.open(served(container.isNonBlocking()), environ, channel, name);
        // With non-blocking=true the servlet runs the turn onWritePossible asks for inside that
        // callback, on the container's thread: here the exchange's thread.
        Runnable writePossible = container.isNonBlocking()
                ? () -> loop.execute(() -> engine.runInline(pump::onWritePossible))
                : pump::onWritePossible;
        channel.bind(pump, writePossible);
        this.wake = (Runnable) environ.get(Environ.ASYNC_WAKE);
        loop.begin();
        // The container's first onWritePossible, as after Servlet's setWriteListener.
        writePossible.run();
    }

    /** The application as the pump calls it: the probe, in the validator unless it is off, in the servlet's non-blocking view if asked. */
    private Application served(boolean nonBlocking) {
        Application served = probe;
        if (report != null) {
            reports.add(report);
            Validator validator = Validator.wrap(probe, appName);
            served = (env, start) -> validator.call(env, start, report);
        }
        return nonBlocking ? new NonBlocking(served) : served;
    }

    private boolean finished() {
        return pump != null && pump.isDone();
    }

    private void stopped() {
        engine.shutdown(Duration.ZERO);
    }

    /**
     * Returns whether the application is asleep: it called {@code async.sleep}, yielded, and
     * nothing woke it yet.
     *
     * @return {@code true} if the response is suspended on {@code async.sleep}
     */
    public boolean isSleeping() {
        return settled(pump::isSleeping);
    }

    /**
     * Returns whether the response waits for the client, which said it is not ready
     * ({@link #clientNotReady()}, {@link #clientTakes(int)}, {@link MockRequest#clientTakes(int)}).
     *
     * @return {@code true} if a write or flush waits for the client
     */
    public boolean isAwaitingClient() {
        return settled(() -> channel.awaitingClient() && !pump.isDone());
    }

    /**
     * Returns whether the response ended (completed, failed, timed out or the client left).
     *
     * @return {@code true} once it ended
     */
    public boolean isDone() {
        return settled(pump::isDone);
    }

    /**
     * Returns the chunks the client received so far, in order.
     *
     * @return copies of the chunks
     */
    public List<byte[]> chunks() {
        settle();
        loop.lock.lock();
        try {
            return channel.chunks();
        } finally {
            loop.lock.unlock();
        }
    }

    /**
     * Returns the body the client received so far, decoded as UTF-8.
     *
     * @return the text so far
     */
    public String text() {
        return response().text();
    }

    /**
     * Returns the next chunk the client received and this method did not return yet, waiting for
     * one to arrive if needed (after a wake from another thread, say).
     *
     * @return the chunk
     * @throws AssertionError if the response ended without another chunk, or none came by the deadline
     */
    public byte[] takeChunk() {
        loop.lock.lock();
        try {
            boolean arrived = loop.await(() -> channel.chunkCount() > taken || pump.isDone() && loop.idle(),
                    deadlineNanos());
            if (channel.chunkCount() > taken) {
                return channel.chunk(taken++);
            }
            rethrowValidation();
            if (arrived) {
                throw new AssertionError(describe("no chunk to take: the response ended after " + taken + " chunks"));
            }
            throw new AssertionError(describe("no chunk arrived within " + deadline.toMillis() + " ms: " + state()));
        } finally {
            loop.lock.unlock();
        }
    }

    /**
     * Like {@link #takeChunk()}, decoded as UTF-8.
     *
     * @return the chunk's text
     */
    public String takeText() {
        return new String(takeChunk(), StandardCharsets.UTF_8);
    }

    /**
     * Wakes the application, as its own code would with {@code async.wake}; the response resumes
     * on the exchange's thread, and this method returns once it settled again (the application
     * slept again, the response waits for the client, or it ended). A wake while nothing sleeps
     * is kept for the next sleep.
     *
     * @return this exchange
     */
    public MockExchange wake() {
        settle();
        wake.run();
        settle();
        return this;
    }

    /**
     * Makes the client stop taking output: the next write waits, holding no thread, until
     * {@link #clientReady()} or {@link #clientTakes(int)}.
     *
     * @return this exchange
     */
    public MockExchange clientNotReady() {
        settle();
        channel.credit(0);
        settle();
        return this;
    }

    /**
     * Makes the client take all output again, firing the container's {@code onWritePossible} if
     * the response waits for it; returns once the response settled again.
     *
     * @return this exchange
     */
    public MockExchange clientReady() {
        settle();
        channel.credit(MockChannel.UNLIMITED);
        settle();
        return this;
    }

    /**
     * Makes the client take {@code writes} more writes (with {@link MockRequest#slowFlush()}, more
     * flushes), then stop taking output again; fires {@code onWritePossible} if the response waits
     * for it, and returns once the response settled again: it waits for the client once more,
     * sleeps, or ended. With {@code 1}, a test steps a stream one chunk at a time.
     *
     * @param writes how many chunks the client takes; {@code 0} is {@link #clientNotReady()}
     * @return this exchange
     */
    public MockExchange clientTakes(int writes) {
        if (writes < 0) {
            throw new IllegalArgumentException("writes must be >= 0, got " + writes);
        }
        settle();
        channel.credit(writes);
        settle();
        return this;
    }

    /**
     * The client goes away and the container reports it to the pump right away (as when a
     * pending write fails); this method returns once the response ended and its iterable was
     * closed. Writes fail from now on.
     *
     * @return this exchange
     */
    public MockExchange disconnect() {
        settle();
        channel.disconnect(true);
        settle();
        return this;
    }

    /**
     * The client goes away unnoticed, as while no write is pending: containers report nothing,
     * so the response ends only at its next write (after a wake, say) or at the idle timeout. If
     * a write is pending (the client was not ready), it fails at once, and this method returns
     * once the response ended.
     *
     * @return this exchange
     */
    public MockExchange disconnectSilently() {
        settle();
        channel.disconnect(false);
        settle();
        return this;
    }

    /**
     * Fires the idle timeout now, as the engine's timer does after {@code async-timeout} without
     * progress: {@code 503} if no header went out, the connection cut otherwise; the iterable is
     * closed. Returns once that settled: the iterable closed and the response ended, or, for the
     * {@code 503} page, waiting for a client that is not ready.
     *
     * @return this exchange
     */
    public MockExchange timeout() {
        settle();
        pump.end(new ResponseEnded("idle timeout (MockExchange.timeout)"));
        settle();
        return this;
    }

    /**
     * Returns how many times {@code close()} reached the application's iterable so far.
     *
     * @return the count; {@code 1} after the end for an {@link AutoCloseable} iterable
     */
    public int closeCount() {
        return settled(probe::closes);
    }

    /**
     * Returns what the client received so far.
     *
     * @return a snapshot; {@link MockResponse#status()} is {@code 0} while the head has not gone out
     */
    public MockResponse response() {
        settle();
        loop.lock.lock();
        try {
            return snapshot();
        } finally {
            loop.lock.unlock();
        }
    }

    /**
     * Waits for the response to end, then checks that the iterable was closed (with the
     * validator on) and returns the response.
     *
     * @return the whole response
     * @throws ValidationError the first rule the application broke; {@link ValidationError.Rule#NEVER_WOKEN}
     *         if it sleeps and nothing woke it by the deadline
     * @throws AssertionError if the response did not end by the deadline for another reason
     */
    public MockResponse awaitDone() {
        loop.lock.lock();
        try {
            if (!loop.await(this::ended, deadlineNanos())) {
                throw abandon();
            }
        } finally {
            loop.lock.unlock();
        }
        reports.responseOver();
        rethrowValidation();
        loop.lock.lock();
        try {
            return snapshot();
        } finally {
            loop.lock.unlock();
        }
    }

    /**
     * Returns the environ as the application received it (the server's {@code async.*} keys in,
     * and, with the validator, its checking {@code wsgi.input} and {@code async.sleep}).
     *
     * @return the live environ map
     */
    public Map<String, Object> environ() {
        return environ;
    }

    /**
     * Returns the thread that runs this exchange's application.
     *
     * @return the {@code jwsgi-mock-N} thread
     */
    public Thread containerThread() {
        return loop.thread();
    }

    /**
     * Ends the response if it has not ended, as a client going away does (the iterable is closed),
     * and stops the exchange's thread.
     */
    @Override
    public void close() {
        channel.disconnect(true);
        loop.lock.lock();
        try {
            loop.await(pump::isDone, deadlineNanos());
        } finally {
            loop.lock.unlock();
        }
        loop.stop();
    }

    @Override
    public String toString() {
        return name + " (" + appName + ")";
    }

    private <T> T settled(Supplier<T> read) {
        settle();
        loop.lock.lock();
        try {
            return read.get();
        } finally {
            loop.lock.unlock();
        }
    }

    private void settle() {
        boolean over;
        loop.lock.lock();
        try {
            if (!loop.await(this::isSettled, deadlineNanos())) {
                throw new AssertionError(describe("the exchange did not settle within " + deadline.toMillis()
                        + " ms: " + state()));
            }
            over = ended();
        } finally {
            loop.lock.unlock();
        }
        if (over) {
            reports.responseOver();
        }
        rethrowValidation();
    }

    /**
     * Whether nothing can happen until an outside event: no turn runs or waits to run, or the one
     * running is blocked in a legacy {@code write} that only the client can release. Lock held.
     */
    private boolean isSettled() {
        return loop.idle() || loop.nothingQueued() && pump.isWriteBlocked();
    }

    /**
     * Whether the response ended and the connection was told: the pump is done a moment before it
     * completes or aborts the channel, on its own thread. Lock held.
     */
    private boolean ended() {
        return pump.isDone() && channel.isOver();
    }

    /** Builds the failure of {@link #awaitDone}, after ending the response so that its iterable is closed. Lock held. */
    private AssertionError abandon() {
        boolean asleep = pump.isSleeping();
        boolean running = !isSettled();
        String message = describe("the response did not end within " + deadline.toMillis() + " ms: " + state());
        // The test gives up as a client would: by going away, which ends even a response stuck on it.
        channel.disconnect(true);
        if (!running) {
            loop.await(pump::isDone, deadlineNanos());
        }
        if (asleep) {
            return new ValidationError(ValidationError.Rule.NEVER_WOKEN, message + ". Arrange for async.wake to run"
                    + " when the awaited event comes, or step the response: start(), then wake()");
        }
        return new AssertionError(message);
    }

    /** Where the exchange is stuck, for failure messages. Lock held. */
    private String state() {
        return Diagnosis.state(pump, channel, loop);
    }

    /** Prefixes a message with the request and the application, and ends it with the chunks so far. Lock held. */
    private String describe(String what) {
        return name + " (" + appName + "): " + what + "; " + channel.chunkCount() + " chunks (" + channel.bytes()
                + " bytes) written so far";
    }

    private void rethrowValidation() {
        ValidationError first = reports.first();
        if (first == null) {
            first = probe.invalid();
        }
        if (first != null) {
            throw first;
        }
    }

    private MockResponse snapshot() {
        String logged = errors == null ? "" : errors.toString();
        return new MockResponse(name, channel, probe, logged, report == null ? List.of() : report.warnings());
    }

    private long deadlineNanos() {
        return System.nanoTime() + deadline.toNanos();
    }
}
