package io.jwsgi.servlet;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The guard around every call the bridge's threads make into one exchange's container objects,
 * and the wait a container callback makes for such a call in progress.
 *
 * <p>Tomcat reports a failed write or read on a container thread while the failing call is still
 * running on the bridge's thread, then recycles the request's processor for the next connection:
 * a call still inside it would mark that other request failed, and its connection would be
 * closed. So a container callback that lets the container end the exchange ({@code onError},
 * {@code onTimeout}) first waits for the call in progress. Output calls and the exchange's ending
 * ({@code complete}, the aborting dispatch) hold one lock; {@code wsgi.input} reads hold another,
 * so that a blocking read waiting for a slow uploader never delays a callback that only needs the
 * output quiet ({@code onTimeout}, {@code WriteListener.onError}). Each call runs with the
 * container's class loader as the thread's context class loader: a thread the container starts
 * from ours inherits it, and must not keep the application's (Tomcat warns of, and its pool
 * keeps, a web application class loader that way).
 */
final class ContainerCalls {

    private static final Logger LOG = Logger.getLogger(ContainerCalls.class.getName());
    /** How long a container callback waits for a bridge call in progress to return. */
    static final long WAIT_SECONDS = 10;

    /** A call into the container from a bridge thread. */
    @FunctionalInterface
    interface Call<T, E extends Exception> {
        T call() throws E;
    }

    /** A lock that can name the thread holding it, for the log line of a wait that timed out. */
    private static final class CallLock extends ReentrantLock {
        private static final long serialVersionUID = 1L;

        String holder() {
            Thread owner = getOwner();
            return owner == null ? "none" : owner.getName();
        }
    }

    private final CallLock output = new CallLock();
    private final CallLock input = new CallLock();
    private final ClassLoader containerLoader;

    ContainerCalls(ClassLoader containerLoader) {
        this.containerLoader = containerLoader;
    }

    /** Runs an output call (or the exchange's ending) under the output lock, with the container's class loader. */
    <T, E extends Exception> T output(Call<T, E> call) throws E {
        return under(output, call);
    }

    /** Runs a {@code wsgi.input} read under the input lock, with the container's class loader. */
    <T, E extends Exception> T input(Call<T, E> call) throws E {
        return under(input, call);
    }

    private <T, E extends Exception> T under(ReentrantLock lock, Call<T, E> call) throws E {
        lock.lock();
        Thread thread = Thread.currentThread();
        ClassLoader own = thread.getContextClassLoader();
        thread.setContextClassLoader(containerLoader);
        try {
            return call.call();
        } finally {
            thread.setContextClassLoader(own);
            lock.unlock();
        }
    }

    /**
     * Runs a container callback holding the output lock, so that no bridge thread writes until it
     * returned ({@code onWritePossible}: see {@link ServletChannel#onWritePossible()}).
     */
    void holdingOutput(Runnable callback) {
        output.lock();
        try {
            callback.run();
        } finally {
            output.unlock();
        }
    }

    /**
     * Waits (at most {@link #WAIT_SECONDS}) until no output call, and with {@code reads} no read,
     * is in progress on a bridge thread, then runs {@code decision} holding what it waited for.
     * A wait that times out is logged SEVERE, naming the callback, the exchange's state and the
     * thread still inside the container, and the decision runs anyway: the container's thread
     * cannot be held longer.
     */
    void whenQuiet(boolean reads, String callback, Supplier<String> where, Runnable decision) {
        boolean out = acquire(output, callback, where);
        boolean in = reads && acquire(input, callback, where);
        try {
            decision.run();
        } finally {
            if (in) {
                input.unlock();
            }
            if (out) {
                output.unlock();
            }
        }
    }

    private static boolean acquire(CallLock lock, String callback, Supplier<String> where) {
        try {
            if (lock.tryLock(WAIT_SECONDS, TimeUnit.SECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.SEVERE, "{0}: {1} waited {2} s for a bridge call into the container to return; it goes on"
                + " without it (thread still inside: {3}): the container may recycle the exchange under that call",
                new Object[] {where.get(), callback, WAIT_SECONDS, lock.holder()});
        return false;
    }
}
