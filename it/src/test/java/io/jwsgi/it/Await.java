package io.jwsgi.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition another thread brings about, up to a generous deadline. */
final class Await {

    /** The deadline of every wait: long enough for a busy two-core machine. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private Await() {
    }

    /**
     * Polls the condition until it holds.
     *
     * @param what the condition, for the failure message
     * @param condition the condition
     * @throws AssertionError if it does not hold within {@link #DEADLINE}
     */
    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(() -> what, condition);
    }

    /**
     * Polls the condition until it holds; the failure message is computed when it fails, so it
     * can show the state that did not settle.
     *
     * @param what describes the condition and what was seen instead
     * @param condition the condition
     * @throws AssertionError if it does not hold within {@link #DEADLINE}
     */
    static void until(java.util.function.Supplier<String> what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what.get());
            }
            Thread.sleep(5);
        }
    }

    /**
     * Waits until a progress count stops moving over 300 ms: how a test tells that a stream to a
     * client that reads nothing has filled the buffers and the server's writes are pending.
     *
     * @param what the stream, for the failure message
     * @param progress a count that grows while the server writes (chunks pulled, writes made)
     * @throws AssertionError if it keeps moving (or never starts) for {@link #DEADLINE}
     */
    static void stalled(String what, java.util.function.IntSupplier progress) throws InterruptedException {
        until(what + " stalls", () -> {
            int before = progress.getAsInt();
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300));
            return before > 0 && progress.getAsInt() == before;
        });
    }
}
