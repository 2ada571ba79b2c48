package io.jwsgi.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.util.concurrent.TimeUnit;

/**
 * Counts the servlet's async exchanges the container has not yet reported complete, so that
 * {@link JwsgiServlet#destroy()} can return only once the container is done with them: a container
 * thread still finishing an exchange of a stopping application is what containers report as a
 * leaked thread or a request still in progress at undeploy. One instance serves every exchange.
 */
final class OpenExchanges implements AsyncListener {

    private int open;

    /** Counts {@code async} until the container completes it. */
    void track(AsyncContext async) {
        synchronized (this) {
            open++;
        }
        async.addListener(this);
    }

    /** How many exchanges the container has not completed yet. */
    synchronized int open() {
        return open;
    }

    /**
     * Waits until the container completed every tracked exchange, or the timeout passed.
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

    @Override
    public synchronized void onComplete(AsyncEvent event) {
        open--;
        if (open <= 0) {
            notifyAll();
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // The container completes the exchange after its timeout handling: counted there.
    }

    @Override
    public void onError(AsyncEvent event) {
        // As for a timeout: the container completes the exchange afterwards.
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // One async cycle per request.
    }
}
