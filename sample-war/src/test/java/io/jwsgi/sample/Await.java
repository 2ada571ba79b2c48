package io.jwsgi.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition another thread will make true, failing after {@link #DEADLINE_MILLIS}. */
public final class Await {

    /** How long a test waits for a condition before failing. */
    public static final long DEADLINE_MILLIS = 20_000;

    private Await() {
    }

    /**
     * Returns once {@code condition} holds; checks it every 5 ms.
     *
     * @param what what is waited for, for the failure message
     */
    public static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited %d ms for %s", DEADLINE_MILLIS, what).isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
