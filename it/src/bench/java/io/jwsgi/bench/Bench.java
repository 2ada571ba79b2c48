package io.jwsgi.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * What every scenario of one container JVM shares: the server, wrk, the load client, the
 * settings, and the JVM probes (live heap after a full GC, thread count).
 */
final class Bench {

    /** The settings of a run: full by default, short with {@code -Dbench.quick=true} (for development). */
    record Settings(int pairs, int helloSeconds, int helloWarmup, int streamSeconds, long streamBytes,
            int suspended, int paced, int slowClients, int blockingSeconds, int blockingWarmup) {

        static Settings fromSystem() {
            if (Boolean.getBoolean("bench.quick")) {
                return new Settings(Integer.getInteger("bench.pairs", 2), Integer.getInteger("bench.seconds", 1), 1,
                        Integer.getInteger("bench.seconds", 1), 1L << 28, Integer.getInteger("bench.suspended", 2000), 500, 20, 2, 1);
            }
            return new Settings(5, 4, 5, 3, 1L << 30, Integer.getInteger("bench.suspended", 10_000), 2000, 100, 5, 3);
        }
    }

    final String container;
    final BenchServer server;
    final Wrk wrk;
    final Settings settings;
    private ClientProcess client;

    Bench(String container, BenchServer server, Wrk wrk, Settings settings) {
        this.container = container;
        this.server = server;
        this.wrk = wrk;
        this.settings = settings;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    /** The load client JVM, started on first use. */
    ClientProcess client() throws java.io.IOException {
        if (client == null) {
            client = ClientProcess.start(server.port());
        }
        return client;
    }

    void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** Heap in use after two full collections: what is reachable. */
    static long liveHeap() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /**
     * Polls {@code condition} every millisecond until it holds.
     *
     * @throws IllegalStateException naming {@code what} if it does not hold within {@code deadline}
     */
    static void await(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("timed out after " + deadline.toSeconds() + " s waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Waits until {@code nanoTime} reaches {@code when}. */
    static void parkUntil(long when) {
        for (long left; (left = when - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
    }
}
