package io.jwsgi.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 2: one connection downloading a large response (1 GiB by default) in 64 KiB and in
 * 4 KiB chunks; wrk counts the bytes. The WriteListener servlet, WebFlux and the bridge (as deployed
 * by default, and with {@code non-blocking=true}) take turns; the heap after each GC is watched
 * during every run. The bridge's ratio to the WriteListener servlet is also measured the other way
 * of {@link Pinning}.
 */
final class StreamBench {

    static final String NAME = "stream";
    /** The server JVM's CPU time and context switches per MiB, as notes; -Dbench.profile=false leaves them out. */
    private static final boolean PROFILE = Boolean.parseBoolean(System.getProperty("bench.profile", "true"));
    private static final Map<String, String> PATHS = new LinkedHashMap<>();
    /** The bridge with {@code non-blocking=true}: turns asked for by {@code onWritePossible} run on the container's thread. */
    static final String NON_BLOCKING = "JWSGI, non-blocking=true";
    static final String NON_BLOCKING_PATH = "/nb/stream";
    static final String FLUSHED = "WriteListener servlet, flush per chunk";
    static final String FLUSHED_PATH = "/ref/stream-flushed";

    static {
        PATHS.put("WriteListener servlet", "/ref/stream");
        PATHS.put("WebFlux", "/flux/stream");
        PATHS.put("JWSGI", "/jwsgi/stream");
        PATHS.put(NON_BLOCKING, NON_BLOCKING_PATH);
        PATHS.put(FLUSHED, FLUSHED_PATH);
    }

    private StreamBench() {
    }

    static void run(Bench b) throws Exception {
        for (int chunk : new int[] {65536, 4096}) {
            runChunk(b, chunk);
        }
        Results.note(NAME, Stats.format("- %s: each response is %d MiB; a run lasts %d s on one connection, so it"
                + " moves whatever wrk reads in that time (whole and partial responses).", b.container,
                b.settings.streamBytes() >> 20, b.settings.streamSeconds()));
    }

    private static void runChunk(Bench b, int chunk) throws Exception {
        List<String> variants = new ArrayList<>(PATHS.keySet());
        String query = "?chunk=" + chunk + "&total=" + b.settings.streamBytes();
        for (String v : variants) {
            b.wrk.run(b.url(PATHS.get(v) + query), 1, b.settings.streamSeconds());
        }
        Map<String, List<Double>> mibs = new LinkedHashMap<>();
        Map<String, long[]> heap = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, List<Double>> switches = new LinkedHashMap<>();
        variants.forEach(v -> {
            cpu.put(v, new ArrayList<>());
            switches.put(v, new ArrayList<>());
            mibs.put(v, new ArrayList<>());
            heap.put(v, new long[] {Long.MAX_VALUE, 0});
        });
        for (int round = 0; round < b.settings.pairs(); round++) {
            for (int i = 0; i < variants.size(); i++) {
                String v = variants.get((i + round) % variants.size());
                Wrk.Run run;
                long cpuBefore = Cpus.processCpuNanos();
                long switchesBefore = PROFILE ? Cpus.contextSwitches() : 0;
                try (HeapWatch watch = new HeapWatch()) {
                    run = b.wrk.run(b.url(PATHS.get(v) + query), 1, b.settings.streamSeconds());
                    if (PROFILE) {
                        double mib = run.bytes() / 1048576.0;
                        cpu.get(v).add((Cpus.processCpuNanos() - cpuBefore) / 1000.0 / mib);
                        switches.get(v).add((Cpus.contextSwitches() - switchesBefore) / mib);
                    }
                    if (watch.collections() > 0) {
                        long[] h = heap.get(v);
                        h[0] = Math.min(h[0], watch.min());
                        h[1] = Math.max(h[1], watch.max());
                    }
                }
                mibs.get(v).add(run.bytesPerSecond() / (1 << 20));
            }
        }
        if (PROFILE) {
            for (String v : variants) {
                Results.note(NAME, Stats.format("- %s, %d KiB chunks, %s: server JVM CPU %s µs per MiB, %s context switches per MiB",
                        b.container, chunk >> 10, v, Stats.range(cpu.get(v), "%.0f"), Stats.range(switches.get(v), "%.1f")));
            }
        }
        String where = b.container + ", " + (chunk >> 10) + " KiB chunks";
        Pinning.Ratios overRef = Pinning.ratios(b, NAME, where,
                HelloBench.ratios(mibs.get("JWSGI"), mibs.get("WriteListener servlet")),
                new Pinning.Setup(b.url(PATHS.get("JWSGI") + query), "WriteListener servlet",
                        b.url(PATHS.get("WriteListener servlet") + query), 1, b.settings.streamSeconds(),
                        b.settings.streamSeconds()), Pinning.Unit.MIB);
        List<Double> overFlux = HelloBench.ratios(mibs.get("JWSGI"), mibs.get("WebFlux"));
        List<Double> nonBlocking = HelloBench.ratios(mibs.get(NON_BLOCKING), mibs.get("WriteListener servlet"));
        List<Double> overFlushed = HelloBench.ratios(mibs.get("JWSGI"), mibs.get(FLUSHED));
        long[] h = heap.get("JWSGI");
        long[] r = heap.get("WriteListener servlet");
        Results.row(NAME, b.container, (chunk >> 10) + " KiB", Stats.range(mibs.get("WriteListener servlet"), "%.0f"),
                Stats.range(mibs.get("WebFlux"), "%.0f"), Stats.range(mibs.get("JWSGI"), "%.0f"),
                overRef.pinnedCell(), overRef.unpinnedCell(), Stats.ratio(overFlux), heapRange(r), heapRange(h),
                Stats.range(mibs.get(NON_BLOCKING), "%.0f"), Stats.ratio(nonBlocking), heapRange(heap.get(NON_BLOCKING)),
                Stats.range(mibs.get(FLUSHED), "%.0f"), Stats.ratio(overFlushed));
        overRef.samples(NAME, b.container, (chunk >> 10) + " KiB: JWSGI / WriteListener");
        Results.samples(NAME, b.container, (chunk >> 10) + " KiB: JWSGI / WebFlux", overFlux);
        Results.samples(NAME, b.container, (chunk >> 10) + " KiB: JWSGI non-blocking=true / WriteListener", nonBlocking);
        Results.samples(NAME, b.container, (chunk >> 10) + " KiB: JWSGI / WriteListener flushing each chunk", overFlushed);
    }

    private static String heapRange(long[] h) {
        if (h[1] == 0) {
            return "no GC";
        }
        return Stats.format("%.1f–%.1f", h[0] / 1048576.0, h[1] / 1048576.0);
    }
}
