package io.jwsgi.testing;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The mock container's thread: runs the pump's turns one after the other, whoever scheduled them
 * (the test, a waker thread, the idle timer), and tells whether anything runs or waits to run.
 * Its lock is the monitor of the whole exchange: the channel records under it, and the test waits
 * on its condition, which is signalled after every turn and every channel event.
 */
final class MockLoop implements Executor {

    private static final Logger LOG = Logger.getLogger(MockLoop.class.getName());
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final Thread thread;
    private final BooleanSupplier finished;
    private final Runnable onStop;
    private boolean running;
    private boolean stopped;

    /**
     * @param name the thread's name
     * @param onStart run on the loop's thread before its first task
     * @param finished asked after each task: once true (and nothing is queued) the loop stops
     * @param onStop run on the loop's thread once it stopped
     */
    MockLoop(String name, Runnable onStart, BooleanSupplier finished, Runnable onStop) {
        this.finished = finished;
        this.onStop = onStop;
        this.thread = new Thread(() -> {
            onStart.run();
            loop();
        }, name);
        thread.setDaemon(true);
    }

    void begin() {
        thread.start();
    }

    @Override
    public void execute(Runnable task) {
        lock.lock();
        try {
            if (stopped) {
                throw new RejectedExecutionException("the exchange is over");
            }
            queue.add(task);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether nothing runs and nothing is queued. Call with {@link #lock} held. */
    boolean idle() {
        return queue.isEmpty() && !running;
    }

    /** Whether nothing is queued (a task may be running). Call with {@link #lock} held. */
    boolean nothingQueued() {
        return queue.isEmpty();
    }

    /** Wakes the threads waiting in {@link #await}. Call with {@link #lock} held. */
    void signal() {
        changed.signalAll();
    }

    /**
     * Waits until the condition holds, up to the deadline. Call with {@link #lock} held.
     *
     * @return whether the condition holds
     */
    boolean await(BooleanSupplier condition, long deadlineNanos) {
        try {
            while (!condition.getAsBoolean()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                // Signalled after every task and channel event; a writer blocking inside a task is
                // not one, so the condition is also looked at again every few milliseconds.
                changed.await(Math.min(left, RECHECK_NANOS), TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return condition.getAsBoolean();
        }
    }

    Thread thread() {
        return thread;
    }

    /** Stops the loop after what is queued; later tasks are refused. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (true) {
            Runnable task;
            lock.lock();
            try {
                while (queue.isEmpty() && !stopped) {
                    changed.awaitUninterruptibly();
                }
                task = queue.poll();
                if (task == null) {
                    break;
                }
                running = true;
            } finally {
                lock.unlock();
            }
            try {
                task.run();
            } catch (Throwable t) {
                LOG.log(Level.SEVERE, thread.getName() + ": a turn failed: " + t, t);
            } finally {
                lock.lock();
                try {
                    running = false;
                    if (queue.isEmpty() && finished.getAsBoolean()) {
                        stopped = true;
                    }
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
        onStop.run();
    }
}
