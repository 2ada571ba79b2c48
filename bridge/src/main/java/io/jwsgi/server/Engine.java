package io.jwsgi.server;

import io.jwsgi.Application;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the pumps of one server share: the threads that run applications, the idle timer, and the
 * set of responses in flight (so that {@link #close} can end them). The servlet bridge makes one per
 * servlet; the mock container makes one per test client.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Engine.class.getName());
    /** The least time {@link #shutdown} gives the engine's threads to end once they are told to. */
    private static final long THREAD_END_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often the watchdog looks for deadlines that passed ({@link #deadline}). */
    static final long SWEEP_MILLIS = 100;

    /** How applications are run. */
    public enum Threads {
        /** A pool of platform threads, sized by {@link Builder#poolSize}. */
        PLATFORM,
        /** A new virtual thread per turn (Java 21+); falls back to {@code PLATFORM} on older JVMs, with a log line. */
        VIRTUAL
    }

    private final Executor executor;
    private final ExecutorService owned;
    /** The engine's own platform pool, whose queue tells whether turns wait for a thread; else null. */
    private final ThreadPoolExecutor platform;
    private final ScheduledThreadPoolExecutor timer;
    /** Sweeps the {@link #deadlines}: apart from {@link #timer}, so that {@link #idleChecksPending} counts idle checks only. */
    private final ScheduledThreadPoolExecutor watchdog;
    /** The deadlines set and not yet passed or cancelled. */
    private final Set<Deadline> deadlines = ConcurrentHashMap.newKeySet();
    /** The sweep of {@link #deadlines} is scheduled (at the first deadline: most engines never set one). */
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final long idleTimeoutNanos;
    private final boolean nonBlocking;
    private final Set<Pump> live = ConcurrentHashMap.newKeySet();
    /** The threads the engine started that may still run; {@link #shutdown} joins them. */
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    /** An application served by this engine called the legacy {@code write}: see {@link #legacyWriteSeen}. */
    private volatile boolean legacyWrites;
    private final String name;
    /** The ending {@link #shutdown} gives every response; {@link Pump} logs it at FINE, the engine once for all. */
    private final ResponseEnded shutdownEnding = new ResponseEnded("the server is shutting down");
    private final Metrics metrics = new Metrics(live, () -> stopping);
    /**
     * Set on a thread inside {@link #runInline}: {@code TRUE} until its first turn starts right
     * there, {@code FALSE} while that turn runs.
     */
    private final ThreadLocal<Boolean> inlineTurn = new ThreadLocal<>();

    private Engine(Builder b) {
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(b.idleTimeoutMillis);
        this.nonBlocking = b.nonBlocking;
        this.name = b.name;
        if (b.executor != null) {
            this.executor = b.executor;
            this.owned = null;
            this.platform = null;
        } else {
            this.owned = b.threads == Threads.VIRTUAL ? virtualOrNull(b.name) : null;
            this.platform = owned != null ? null : platformPool(b.name, b.poolSize);
            this.executor = owned != null ? owned : platform;
        }
        this.timer = new ScheduledThreadPoolExecutor(1, daemonFactory(b.name + "-timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.watchdog = new ScheduledThreadPoolExecutor(1, daemonFactory(b.name + "-watchdog"));
        watchdog.setRemoveOnCancelPolicy(true);
    }

    /** Starts building an engine; the defaults are a 200-thread platform pool and no idle timeout. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Registers a new response. The pump puts {@code async.sleep} and {@code async.wake} into the
     * environ, and starts the application at the channel's first {@link Pump#onWritePossible()}.
     *
     * @param app the application
     * @param environ the request's environ, without the {@code async.*} keys
     * @param channel the connection
     * @param name how logs name the request, e.g. {@code "GET /chat/poll"}
     * @return the pump; the channel's container events go to it
     */
    public Pump open(Application app, Map<String, Object> environ, Channel channel, String name) {
        Pump pump = Pump.create(this, app, environ, metrics.watch(channel), name);
        live.add(pump);
        if (idleTimeoutNanos > 0) {
            pump.watchIdle(idleTimeoutNanos);
        }
        return pump;
    }

    /** What this engine has served, and where its responses in flight are. */
    public Metrics metrics() {
        return metrics;
    }

    /** The number of responses not yet ended. */
    public int inFlight() {
        return live.size();
    }

    /**
     * The number of idle checks waiting on the engine's timer: one per response in flight when an
     * idle timeout is set, none once every response has ended. For monitoring and leak tests.
     */
    public int idleChecksPending() {
        return timer.getQueue().size();
    }

    /**
     * Delivers an event on the calling thread and runs the first turn it asks for right here,
     * before this method returns, instead of handing it to the engine's threads (or the
     * {@linkplain Builder#executor executor} given). Any further turn (a second one asked for by
     * the same event, a turn the inline turn itself asks for when its budget is spent, a wake
     * of another response) goes to the engine's threads as usual, so at most one turn runs per
     * call and an inline turn never nests another. Turns asked for on other threads meanwhile are
     * not affected.
     *
     * <p>For a caller that knows the application will not block, e.g. a servlet container's
     * {@code onWritePossible} with {@code non-blocking=true}: it saves the hand-off to another
     * thread, at the price of running the application on the caller's thread.
     *
     * @param event the event to deliver, typically {@code pump::onWritePossible}
     */
    public void runInline(Runnable event) {
        inlineTurn.set(Boolean.TRUE);
        try {
            event.run();
        } finally {
            inlineTurn.remove();
        }
    }

    /**
     * Runs a turn of {@code pump} on the engine's threads (a turn that may run inline was
     * claimed through {@link #claimInline} before). A turn the executor refuses (it is shut down, full, or threw an
     * {@code Error} such as failing to start a thread) is never run on the calling thread, which
     * may be a waker's or a container's: the response is told to end ({@code 503} before its head,
     * the connection cut after it) and the turn that ends it runs on the engine's timer thread,
     * where the application's {@code call}, {@code hasNext} and {@code next} are never run (only
     * its {@code close()}). If the timer refuses too (the engine has stopped), the response is
     * abandoned on this thread: iterable closed, connection cut.
     */
    void execute(Pump pump, Runnable turn) {
        try {
            executor.execute(turn);
        } catch (Throwable refused) {
            refused(pump, turn, refused);
        }
    }

    /**
     * Whether a response of this engine's has called the legacy {@code write} callable. That
     * callable waits until the client took the bytes, which a turn on a container thread cannot
     * do (the container reports the client ready only once that thread returned): a server
     * that runs turns on container threads serves the application's later requests on the
     * engine's threads once this is true.
     *
     * @return {@code true} once any response called {@code write} with bytes
     */
    public boolean legacyWriteSeen() {
        return legacyWrites;
    }

    void sawLegacyWrite() {
        if (!legacyWrites) {
            legacyWrites = true;
            LOG.log(Level.INFO, "{0}: the application calls the legacy write callable, which waits for the client;"
                    + " its responses run on the engine''s threads from now on, not on the container''s", name);
        }
    }

    /**
     * Whether the calling thread is inside {@link #runInline} and its one inline turn is still to
     * run: if so, the caller runs that turn now, and later asks on this thread are answered no.
     */
    boolean claimInline() {
        if (inlineTurn.get() == Boolean.TRUE) {
            inlineTurn.set(Boolean.FALSE);
            return true;
        }
        return false;
    }

    private void refused(Pump pump, Runnable turn, Throwable refused) {
        if (!stopping) {
            LOG.log(Level.SEVERE, pump + ": the executor refused a turn (" + Pump.describe(refused)
                    + "); the response is ended", refused);
        }
        // The pump is SCHEDULED: this only records the ending, it schedules nothing.
        pump.end(stopping ? shutdownEnding : new ResponseEnded("the executor refused a turn: " + Pump.describe(refused)));
        try {
            timer.execute(turn);
        } catch (Throwable timerRefused) {
            pump.abandon(refused);
        }
    }

    /**
     * Whether a turn that has written its budget of chunks should give its thread up and queue
     * behind the other responses. Yes when turns wait for one of the engine's platform threads;
     * yes inside {@link #runInline} (the thread is the caller's); yes on virtual threads or an
     * executor given, where nothing tells whether others wait. No on the engine's own pool with
     * no turn queued: there the hand-off would only cost a context switch and a cold cache.
     */
    boolean turnShouldYield() {
        return platform == null || inlineTurn.get() != null || !platform.getQueue().isEmpty();
    }

    /**
     * Runs {@code check} once, on the engine's watchdog thread, about {@code delayMillis} from now
     * (within {@link #SWEEP_MILLIS} after), unless cancelled: for a deadline on a state that waits
     * for the container. Setting and cancelling one costs a set insertion and removal, no task
     * scheduled and no thread woken, so that every exchange may have one: a sweep every
     * {@link #SWEEP_MILLIS} runs those that passed. Returns {@code null} once the engine has stopped.
     *
     * @param check what to do at the deadline; it must be quick and must not block
     * @param delayMillis the deadline, from now
     * @return the deadline, to cancel when the container calls back in time
     */
    public Deadline deadline(Runnable check, long delayMillis) {
        if (stopping) {
            return null;
        }
        Deadline d = new Deadline(check, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis));
        deadlines.add(d);
        if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
            try {
                watchdog.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return null;
            }
        }
        return d;
    }

    /** A deadline set by {@link #deadline}. */
    public final class Deadline {
        private final Runnable check;
        private final long dueNanos;

        private Deadline(Runnable check, long dueNanos) {
            this.check = check;
            this.dueNanos = dueNanos;
        }

        /** Cancels the deadline: its check will not run, unless it is running already. */
        public void cancel() {
            deadlines.remove(this);
        }
    }

    /** On the watchdog thread: runs the checks of the deadlines that passed, each once. */
    private void sweep() {
        long now = System.nanoTime();
        for (Deadline d : deadlines) {
            if (now - d.dueNanos >= 0 && deadlines.remove(d)) {
                try {
                    d.check.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, name + ": a deadline's check failed: " + e, e);
                }
            }
        }
    }

    /** Whether the applications promise never to block ({@link Builder#nonBlocking}). */
    boolean nonBlocking() {
        return nonBlocking;
    }

    /** Whether {@code cause} is the ending {@link #shutdown} gave: logged once by the engine, not per response. */
    boolean isShutdownEnding(Throwable cause) {
        return cause == shutdownEnding;
    }

    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        try {
            return timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    void ended(Pump pump) {
        live.remove(pump);
        if (stopping && live.isEmpty()) {
            synchronized (live) {
                live.notifyAll();
            }
        }
    }

    /**
     * Ends every response in flight ({@code 503}, or the connection cut if its head went out),
     * waits up to {@code grace} for them to finish, and stops the engine's threads: it returns once
     * they have ended, or at least a second after it told them to if an application holds one.
     * Logs one line for all the responses it ends. An executor given through
     * {@link Builder#executor} is not shut down: it belongs to the caller.
     *
     * @param grace how long to wait for the responses to end
     * @return the number of responses that had not ended within {@code grace}
     */
    public int shutdown(Duration grace) {
        stopping = true;
        int ending = 0;
        for (Pump pump : live) {
            pump.end(shutdownEnding);
            ending++;
        }
        if (ending > 0) {
            LOG.log(Level.INFO, "{0}: the server is shutting down: ended {1} waiting responses ({2} if their head had"
                    + " not gone out, the connection cut otherwise)", new Object[] {name, ending, "503"});
        }
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (live) {
            for (long left = grace.toNanos(); !live.isEmpty() && left > 0; left = deadline - System.nanoTime()) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(live, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        timer.shutdownNow();
        watchdog.shutdownNow();
        ExecutorService pool = owned != null ? owned : platform;
        if (pool != null) {
            // Turns still queued belong to responses told to end: dropped, they would never close.
            for (Runnable turn : pool.shutdownNow()) {
                turn.run();
            }
        }
        int left = live.size();
        if (left > 0) {
            LOG.log(Level.WARNING, "{0} responses had not ended when the engine stopped", left);
        }
        // Containers look for threads an application left running as soon as destroy() returns.
        long wait = Math.max(deadline - System.nanoTime(), THREAD_END_WAIT_NANOS);
        awaitTermination(timer, wait);
        awaitTermination(watchdog, wait);
        if (pool != null) {
            awaitTermination(pool, wait);
        }
        joinThreads(System.nanoTime() + wait);
        return left;
    }

    private static void awaitTermination(ExecutorService service, long nanos) {
        try {
            service.awaitTermination(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }

    private static ExecutorService virtualOrNull(String name) {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            LOG.log(Level.INFO, "{0}: virtual threads need Java 21+; this JVM is {1}, using platform threads",
                    new Object[] {name, Runtime.version()});
            return null;
        }
    }

    private ThreadPoolExecutor platformPool(String name, int size) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonFactory(name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private ThreadFactory daemonFactory(String name) {
        AtomicInteger count = new AtomicInteger();
        ClassLoader loader = Engine.class.getClassLoader();
        return task -> {
            Thread t = new Thread(task, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            // TERMINATED, not !isAlive(): a thread another submit has just made is not started yet,
            // and dropping it here left it unjoined at shutdown (a leak warning at Tomcat's undeploy).
            threads.removeIf(old -> old.getState() == Thread.State.TERMINATED);
            threads.add(t);
            return t;
        };
    }

    /** Waits for the engine's threads to die: a terminated pool's last worker is still alive a moment. */
    private void joinThreads(long untilNanos) {
        for (Thread t : threads) {
            long left = untilNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            if (t != Thread.currentThread()) {
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Settings for an {@link Engine}. */
    public static final class Builder {
        private String name = "jwsgi";
        private Threads threads = Threads.PLATFORM;
        private int poolSize = 200;
        private long idleTimeoutMillis;
        private Executor executor;
        private boolean nonBlocking;

        private Builder() {
        }

        /** Names the engine's threads ({@code name-1}, ...); default {@code jwsgi}. */
        public Builder name(String value) {
            this.name = value;
            return this;
        }

        /** Chooses platform or virtual threads; default platform. */
        public Builder threads(Threads value) {
            this.threads = value;
            return this;
        }

        /** The most platform threads running applications at once; default 200. */
        public Builder poolSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("poolSize must be at least 1, got " + value);
            }
            this.poolSize = value;
            return this;
        }

        /** Milliseconds a response may go without progress before it is ended; 0, the default, means never. */
        public Builder idleTimeoutMillis(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("idle timeout must be >= 0 ms (0 = never), got " + value);
            }
            this.idleTimeoutMillis = value;
            return this;
        }

        /** Runs turns on this executor instead of the engine's own threads (tests use a queue). */
        public Builder executor(Executor value) {
            this.executor = value;
            return this;
        }

        /**
         * Declares that the applications never block: {@code call}, {@code hasNext}, {@code next}
         * and {@code close} return promptly (the servlet's {@code non-blocking=true}). Pulling the
         * next chunk then cannot delay one already written, so the chunks of one turn are written
         * back to back and flushed once, where the turn ends: before the application sleeps, before
         * the turn gives its thread up, before the response ends; when the output says not ready,
         * first thing once it is ready again. A flush also goes before a write that would overflow
         * the container's buffer ({@link Channel#bufferSize()}), and right after the first chunk,
         * which carries the head: a response the application fails later must be committed, or the
         * container could not cut it. Default {@code false}: each chunk is flushed before the next
         * is pulled. Where turns run is not affected ({@link Engine#runInline} is the caller's choice).
         */
        public Builder nonBlocking(boolean value) {
            this.nonBlocking = value;
            return this;
        }

        /** Builds the engine. */
        public Engine build() {
            return new Engine(this);
        }
    }
}
