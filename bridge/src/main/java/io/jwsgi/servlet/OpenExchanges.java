package io.jwsgi.servlet;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the exchanges the bridge asked the container to complete and the container has not yet
 * reported complete, so that {@link JwsgiServlet#destroy()} returns only once the container is
 * done with them: a container thread still finishing an exchange of a stopping application is
 * what Tomcat reports, at undeploy, as a thread the application started or a request still in
 * progress. Exchanges ended by the container's own error handling are not counted: after a
 * failed dispatch into a stopping application the container may not complete them before it
 * stops.
 */
final class OpenExchanges {

    private int open;

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

    /** How many completions the container has not reported yet. */
    synchronized int open() {
        return open;
    }

    /**
     * Waits until the container reported every completion asked for, or the timeout passed.
     *
     * @return the number still open
     */
    synchronized int awaitNone(long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (long left = unit.toNanos(timeout); open > 0 && left > 0; left = deadline - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return open;
    }

    /** One exchange's place in an {@link OpenExchanges}: counted once when asked, settled once. */
    static final class Entry {
        /** 0: no completion asked for; 1: counted in {@link #open}; 2: settled. */
        private final AtomicInteger phase = new AtomicInteger();
        private OpenExchanges open;

        void countIn(OpenExchanges exchanges) {
            this.open = exchanges;
        }

        /** The bridge asked the container to complete the exchange. */
        void asked() {
            if (open != null && phase.compareAndSet(0, 1)) {
                open.completing();
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
