package io.jwsgi.server;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The most recent latencies, for percentiles over a sliding window: the last {@code capacity}
 * samples, of which those older than {@code maxAge} are left out when read.
 *
 * <p>{@link #record} is lock-free and allocates nothing: it claims the next slot of a ring and
 * overwrites it. Reading copies the window and sorts it, so it is meant for monitoring, not the
 * hot path. A reader racing a writer may see a slot half-updated (the new latency with the old
 * time, or the reverse): one sample out of the window's many, which percentiles shrug off.
 */
public final class LatencyWindow {

    private final int mask;
    private final long maxAgeNanos;
    private final AtomicLong next = new AtomicLong();
    private final AtomicLongArray latencies;
    private final AtomicLongArray times;

    /**
     * @param capacity how many of the latest samples are kept; a power of two
     * @param maxAge how old a sample may be and still count, in {@code unit}
     * @param unit the unit of {@code maxAge}
     */
    public LatencyWindow(int capacity, long maxAge, TimeUnit unit) {
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
        }
        if (maxAge <= 0) {
            throw new IllegalArgumentException("maxAge must be positive, got " + maxAge + " " + unit);
        }
        this.mask = capacity - 1;
        this.maxAgeNanos = unit.toNanos(maxAge);
        this.latencies = new AtomicLongArray(capacity);
        this.times = new AtomicLongArray(capacity);
    }

    /**
     * Records one latency.
     *
     * @param latencyNanos the latency
     * @param nowNanos {@link System#nanoTime()} at the end of it
     */
    public void record(long latencyNanos, long nowNanos) {
        int slot = (int) (next.getAndIncrement() & mask);
        latencies.lazySet(slot, latencyNanos);
        times.lazySet(slot, nowNanos);
    }

    /** How many samples were ever recorded. */
    public long total() {
        return next.get();
    }

    /**
     * The samples in the window now, sorted.
     *
     * @return latencies in nanoseconds, shortest first
     */
    public long[] snapshot() {
        return snapshot(System.nanoTime());
    }

    long[] snapshot(long nowNanos) {
        int filled = (int) Math.min(next.get(), mask + 1L);
        long[] out = new long[filled];
        int n = 0;
        for (int i = 0; i < filled; i++) {
            if (nowNanos - times.get(i) <= maxAgeNanos) {
                out[n++] = latencies.get(i);
            }
        }
        long[] window = Arrays.copyOf(out, n);
        Arrays.sort(window);
        return window;
    }

    /**
     * The nearest-rank percentile of sorted samples, as {@link #snapshot()} returns them.
     *
     * @param sorted the samples, shortest first
     * @param percent between 0 (exclusive) and 100 (inclusive), e.g. {@code 99}
     * @return the latency at that rank, or {@code -1} if there is no sample
     */
    public static long percentile(long[] sorted, double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent must be in (0, 100], got " + percent);
        }
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
