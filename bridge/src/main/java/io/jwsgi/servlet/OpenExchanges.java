package io.jwsgi.servlet;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the exchanges the bridge asked the container to complete, or left to the container to
 * end as the application stops, that the container has not yet reported complete, so that
 * {@link JwsgiServlet#destroy()} returns only once the container is done with them: a container
 * thread still finishing an exchange of a stopping application is what Tomcat reports, at
 * undeploy, as a thread the application started or a request still in progress. Exchanges ended
 * by the container's own error handling while the application runs are not counted.
 *
 * <p>Once {@link #draining} was called, a container thread that reports a completion while
 * bound to the application's class loader (its context class loader, which Tomcat sets around
 * {@code onComplete} and keeps through the rest of its completion of the exchange) is also
 * waited for, until it no longer holds that loader: Tomcat's leak check at undeploy looks for
 * exactly such threads. Only a loader of the application's own is watched (not the container's,
 * which its idle threads keep).
 */
final class OpenExchanges {

    /** How long {@link #awaitNone} waits between looks at a completing thread's context class loader. */
    private static final long LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /** The application's own class loader, or {@code null} when it is the container's. */
    private final ClassLoader application;
    private int open;
    private boolean draining;
    /** Container threads that reported a completion while draining, bound to {@link #application}. */
    private final Map<Thread, Boolean> finishing = new IdentityHashMap<>();

    /**
     * @param application the class loader of the application's classes; watched only if it is
     *     not also the class loader of the Servlet API (the container's)
     */
    OpenExchanges(ClassLoader application) {
        this.application = application == jakarta.servlet.Servlet.class.getClassLoader() ? null : application;
    }

    /** One more exchange the bridge asked the container to complete. */
    synchronized void completing() {
        open++;
    }

    /** The container completed one of them (or refused to). */
    synchronized void completed() {
        open--;
        if (open <= 0) {
            notifyAll();
        }
    }

    /** From now on, completing container threads are watched too; called as the servlet is destroyed. */
    synchronized void draining() {
        draining = true;
    }

    /** The current thread, a container thread, is reporting a completion. */
    void reportedOnThisThread() {
        Thread current = Thread.currentThread();
        if (application != null && current.getContextClassLoader() == application) {
            synchronized (this) {
                if (draining) {
                    finishing.put(current, Boolean.TRUE);
                }
            }
        }
    }

    /** How many completions the container has not reported yet. */
    synchronized int open() {
        return open;
    }

    /**
     * Waits until the container reported every completion asked for and every container thread
     * watched left the application, or the timeout passed.
     *
     * @return the number of completions still open plus the threads still bound to the application
     */
    synchronized int awaitNone(long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (long left = unit.toNanos(timeout); left > 0; left = deadline - System.nanoTime()) {
            Thread self = Thread.currentThread();
            finishing.keySet().removeIf(t -> t == self || !t.isAlive() || t.getContextClassLoader() != application);
            if (open <= 0 && finishing.isEmpty()) {
                break;
            }
            try {
                // Woken by completed(); a thread leaving the application is only seen by looking again.
                TimeUnit.NANOSECONDS.timedWait(this, open > 0 ? left : Math.min(left, LOOK_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Math.max(open, 0) + finishing.size();
    }

    /** One exchange's place in an {@link OpenExchanges}: counted once when asked, settled once. */
    static final class Entry {
        /** 0: no completion asked for; 1: counted in {@link #open}; 2: settled. */
        private final AtomicInteger phase = new AtomicInteger();
        private OpenExchanges open;

        void countIn(OpenExchanges exchanges) {
            this.open = exchanges;
        }

        /** The bridge asked the container to complete the exchange, or left it to the container to end. */
        void asked() {
            if (open != null && phase.compareAndSet(0, 1)) {
                open.completing();
            }
        }

        /** The container's {@code onComplete} is running on the current thread. */
        void reportedOnThisThread() {
            if (open != null) {
                open.reportedOnThisThread();
            }
        }

        /** The container completed it, refused to, or its deadline passed: nothing to wait for any more. */
        void settled() {
            if (phase.getAndSet(2) == 1) {
                open.completed();
            }
        }
    }
}
