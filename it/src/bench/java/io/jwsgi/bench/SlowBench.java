package io.jwsgi.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 4: slow clients on large responses. The load client opens them and reads a trickle
 * (16 KiB/s each); after a few seconds of that the server's heap is measured (live, after full
 * GCs) against the same moment without them, and every thread's stack is searched for one held in
 * the application, the bridge or the servlet. The WriteListener servlet and the bridge alternate.
 */
final class SlowBench {

    static final String NAME = "slow";
    static final int CHUNK = 65536;
    static final int TRICKLE = 16384;
    /** How long the clients trickle before the measurement: the scenario itself. */
    private static final long SETTLE_MILLIS = 3000;

    private SlowBench() {
    }

    static void run(Bench b, AtomicInteger refOpen, AtomicInteger bridgeOpen) throws Exception {
        int clients = b.settings.slowClients();
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("WriteListener servlet", "/ref/stream");
        paths.put("JWSGI", "/jwsgi/stream");
        Map<String, AtomicInteger> open = Map.of("WriteListener servlet", refOpen, "JWSGI", bridgeOpen);
        Map<String, List<Double>> perResponse = new LinkedHashMap<>();
        Map<String, List<Double>> threadDelta = new LinkedHashMap<>();
        Map<String, List<Double>> held = new LinkedHashMap<>();
        paths.keySet().forEach(v -> {
            perResponse.put(v, new ArrayList<>());
            threadDelta.put(v, new ArrayList<>());
            held.put(v, new ArrayList<>());
        });
        ClientProcess client = b.client();
        System.out.printf("slow %s: streams open before: reference %d, JWSGI %d%n", b.container, refOpen.get(), bridgeOpen.get());
        for (int round = 0; round < b.settings.pairs(); round++) {
            for (String v : paths.keySet()) {
                AtomicInteger count = open.get(v);
                int openBefore = count.get();
                long heapBefore = Bench.liveHeap();
                int threadsBefore = Bench.threads();
                int started = client.slow(paths.get(v) + "?chunk=" + CHUNK + "&total=" + (1L << 30), clients, TRICKLE);
                if (started != clients) {
                    throw new IllegalStateException(v + ": only " + started + " of " + clients + " slow clients got a first byte");
                }
                Thread.sleep(SETTLE_MILLIS);
                long heapDuring = Bench.liveHeap();
                threadDelta.get(v).add((double) (Bench.threads() - threadsBefore));
                held.get(v).add((double) threadsInServingCode());
                perResponse.get(v).add((heapDuring - heapBefore) / (double) clients / 1024);
                client.closeSlow();
                Bench.await("the slow responses of " + v + " to end", Duration.ofSeconds(60), () -> count.get() <= openBefore);
                System.out.printf("slow %s round %d %s: %.1f KiB per response%n", b.container, round + 1, v,
                        perResponse.get(v).get(round));
            }
        }
        for (String v : paths.keySet()) {
            Results.row(NAME, b.container, v, Stats.range(perResponse.get(v), "%.1f"), Stats.range(threadDelta.get(v), "%+.0f"),
                    Stats.format("%.0f", Stats.max(held.get(v))),
                    Stats.format("%d KiB + %d KiB", CHUNK >> 10, b.server.bufferBytes() >> 10));
            Results.samples(NAME, b.container, v, perResponse.get(v));
        }
        Results.sample(NAME, b.container, "bound (KiB)", 0, (CHUNK + b.server.bufferBytes()) / 1024.0);
        Results.samples(NAME, b.container, "JWSGI threads held", held.get("JWSGI"));
        List<Double> over = new ArrayList<>();
        for (int i = 0; i < perResponse.get("JWSGI").size(); i++) {
            over.add(perResponse.get("JWSGI").get(i) - perResponse.get("WriteListener servlet").get(i));
        }
        Results.row(NAME, b.container, "JWSGI − reference", Stats.format("%+.1f", Stats.median(over))
                + Stats.format(" (%+.1f–%+.1f)", Stats.min(over), Stats.max(over)), "", "", "");
        Results.note(NAME, Stats.format("- %s: %d clients, each reading %d KiB/s of a 1 GiB response in %d KiB chunks;"
                + " measured after %d s of trickling.", b.container, clients, TRICKLE >> 10, CHUNK >> 10, SETTLE_MILLIS / 1000));
    }

    /** Threads whose stack is inside the bridge, the benchmark's apps or servlets: none should be. */
    private static int threadsInServingCode() {
        int held = 0;
        long self = Thread.currentThread().getId();
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            if (info.getThreadId() == self) {
                continue;
            }
            for (StackTraceElement frame : info.getStackTrace()) {
                String c = frame.getClassName();
                if (c.startsWith("io.jwsgi.server.") || c.startsWith("io.jwsgi.servlet.")
                        || c.startsWith("io.jwsgi.bench.Apps") || c.startsWith("io.jwsgi.bench.Servlets")) {
                    held++;
                    break;
                }
            }
        }
        return held;
    }
}
