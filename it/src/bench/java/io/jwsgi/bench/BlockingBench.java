package io.jwsgi.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5: an application that waits 100 ms per request, with 1,000 requests in flight (wrk,
 * 1,000 connections). By Little's law no server can do better than 1,000 / 0.1 s = 10,000
 * requests/s. The bridge on its platform pool (200 threads: at most 2,000/s), on virtual threads
 * (Java 21+), and with the wait done by {@code async.sleep} and a timer take turns, with the same
 * app answering at once as a fourth: the most this machine serves on 1,000 connections at all.
 */
final class BlockingBench {

    static final String NAME = "blocking";
    static final int IN_FLIGHT = 1000;
    static final long WAIT_MILLIS = 100;
    static final double LITTLE = IN_FLIGHT * 1000.0 / WAIT_MILLIS;
    private static final Map<String, String> PATHS = new LinkedHashMap<>();
    private static final String REFERENCE = "async servlet + timer (reference)";

    static {
        PATHS.put("platform pool (200)", "/jwsgi/block-platform");
        PATHS.put("virtual threads", "/jwsgi/block-virtual");
        PATHS.put("async.sleep", "/jwsgi/wait-async");
        // The reference for async.sleep: a plain async servlet waiting on the same timer.
        PATHS.put(REFERENCE, "/ref/wait-async");
        // The same app without the wait: the CPU ceiling of this machine for 1,000 connections.
        PATHS.put("no wait (CPU ceiling)", "/jwsgi/hello");
    }

    private BlockingBench() {
    }

    static void run(Bench b) throws Exception {
        List<String> variants = new ArrayList<>(PATHS.keySet());
        for (String v : variants) {
            b.wrk.run(b.url(PATHS.get(v)), IN_FLIGHT, b.settings.blockingWarmup());
        }
        Map<String, List<Double>> share = new LinkedHashMap<>();
        Map<String, List<Double>> rps = new LinkedHashMap<>();
        // The server JVM's CPU time over the run's wall time: 1.0 is all of the one CPU it is pinned to.
        Map<String, List<Double>> busy = new LinkedHashMap<>();
        Map<String, List<Double>> cpuPerRequest = new LinkedHashMap<>();
        Map<String, List<Double>> switchesPerRequest = new LinkedHashMap<>();
        Map<String, List<Double>> p50 = new LinkedHashMap<>();
        Map<String, List<Double>> p99 = new LinkedHashMap<>();
        variants.forEach(v -> {
            p50.put(v, new ArrayList<>());
            p99.put(v, new ArrayList<>());
            switchesPerRequest.put(v, new ArrayList<>());
            share.put(v, new ArrayList<>());
            rps.put(v, new ArrayList<>());
            busy.put(v, new ArrayList<>());
            cpuPerRequest.put(v, new ArrayList<>());
        });
        List<String> problems = new ArrayList<>();
        for (int round = 0; round < b.settings.pairs(); round++) {
            for (int i = 0; i < variants.size(); i++) {
                String v = variants.get((i + round) % variants.size());
                long switchesBefore = Cpus.contextSwitches();
                long cpuBefore = Cpus.processCpuNanos();
                Wrk.Run run = b.wrk.run(b.url(PATHS.get(v)), IN_FLIGHT, b.settings.blockingSeconds());
                long cpu = Cpus.processCpuNanos() - cpuBefore;
                busy.get(v).add(cpu / (run.micros() * 1000.0));
                cpuPerRequest.get(v).add(cpu / 1000.0 / Math.max(1, run.requests()));
                p50.get(v).add(run.p50Micros() / 1000.0);
                p99.get(v).add(run.p99Micros() / 1000.0);
                switchesPerRequest.get(v).add((Cpus.contextSwitches() - switchesBefore) / (double) Math.max(1, run.requests()));
                if (run.errors() + run.non2xx() > 0) {
                    problems.add(v + ": " + run.errors() + " socket errors, " + run.non2xx() + " non-2xx");
                }
                rps.get(v).add(run.requestsPerSecond());
                share.get(v).add(run.requestsPerSecond() / LITTLE);
            }
            System.out.printf("blocking %s round %d done%n", b.container, round + 1);
        }
        List<Double> ceiling = rps.get("no wait (CPU ceiling)");
        for (String v : variants) {
            Results.row(NAME, b.container + " (Java " + Runtime.version().feature() + ")", v,
                    Stats.range(rps.get(v), "%.0f"), Stats.ratio(share.get(v)), Stats.ratio(HelloBench.ratios(rps.get(v), ceiling)));
            Results.samples(NAME, b.container, v, share.get(v));
        }
        for (String v : variants) {
            Results.note(NAME, Stats.format("- %s, %s: server JVM busy %s of its CPU, %s µs of CPU and %s context switches"
                    + " per request; latency p50 %s ms, p99 %s ms", b.container, v, Stats.range(busy.get(v), "%.2f"),
                    Stats.range(cpuPerRequest.get(v), "%.1f"), Stats.range(switchesPerRequest.get(v), "%.1f"),
                    Stats.range(p50.get(v), "%.1f"), Stats.range(p99.get(v), "%.1f")));
        }
        Results.note(NAME, Stats.format("- %s: async.sleep ÷ the async servlet waiting on the same timer, round by round: %s",
                b.container, Stats.ratio(HelloBench.ratios(rps.get("async.sleep"), rps.get(REFERENCE)))));
        for (String p : problems) {
            Results.note(NAME, "- " + b.container + ": " + p);
        }
    }
}
