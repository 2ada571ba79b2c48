package io.jwsgi.testing;

/**
 * The {@code async.sleep} and {@code async.wake} an {@link EnvironBuilder} environ holds: they
 * keep the extension's ledger (SPEC.md, the async extension) and suspend nothing, so that a test
 * can iterate a sleeping body itself, playing the server. Read it with
 * {@link EnvironBuilder#async(java.util.Map)}.
 *
 * <p>As on a server: a sleep records a pending suspension ({@link #isSleeping()} becomes
 * {@code true}); a wake releases it; a wake while nothing sleeps is kept as a permit, and the next
 * sleep takes the permit instead of becoming pending; a second wake before that sleep changes
 * nothing. Unlike a server, nothing waits: the test decides when to pull the next chunk. Any
 * thread.
 */
public final class AsyncStandIn {

    final Runnable sleep = new Sleep();
    final Runnable wake = this::wake;
    private boolean asleep;
    private boolean permit;
    private int sleeps;
    private int wakes;

    AsyncStandIn() {
    }

    /**
     * Returns whether a sleep is pending: {@code async.sleep} was called, no permit cancelled it,
     * and no {@code async.wake} came since. A server would not pull the next chunk now.
     *
     * @return {@code true} while a suspension is pending
     */
    public synchronized boolean isSleeping() {
        return asleep;
    }

    /**
     * Returns whether a wake is kept for the next sleep, which will then not suspend.
     *
     * @return {@code true} while a permit is kept
     */
    public synchronized boolean hasPermit() {
        return permit;
    }

    /**
     * Returns how many times {@code async.sleep} was called.
     *
     * @return the count
     */
    public synchronized int sleeps() {
        return sleeps;
    }

    /**
     * Returns how many times {@code async.wake} was called.
     *
     * @return the count
     */
    public synchronized int wakes() {
        return wakes;
    }

    private synchronized void sleep() {
        sleeps++;
        if (permit) {
            permit = false;
        } else {
            asleep = true;
        }
    }

    private synchronized void wake() {
        wakes++;
        if (asleep) {
            asleep = false;
        } else {
            permit = true;
        }
    }

    @Override
    public synchronized String toString() {
        return "async stand-in: " + (asleep ? "sleeping" : permit ? "awake, a wake kept" : "awake") + ", " + sleeps
                + " sleeps, " + wakes + " wakes";
    }

    /** The {@code async.sleep} stand-in, which leads back to its ledger. */
    final class Sleep implements Runnable {
        @Override
        public void run() {
            sleep();
        }

        AsyncStandIn ledger() {
            return AsyncStandIn.this;
        }

        @Override
        public String toString() {
            return "async.sleep stand-in";
        }
    }
}
