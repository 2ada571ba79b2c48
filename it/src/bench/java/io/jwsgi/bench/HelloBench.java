package io.jwsgi.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 1: hello world, 64 connections, wrk. The sync servlet, the async servlet, WebFlux and
 * the bridge (as deployed by default, and with {@code non-blocking=true}) take turns, the starting
 * one rotating each round; ratios are taken within a round. On a container with a
 * {@linkplain BenchServer#variantPort() variant port} (Tomcat with {@code processorCache="0"}), the
 * async servlet and the bridge take turns there too, and a note gives what the setting costs. The
 * bridge's ratio to the async servlet is also measured the other way of {@link Pinning}.
 */
final class HelloBench {

    static final String NAME = "hello";
    static final int CONNECTIONS = 64;
    /** The bridge with {@code non-blocking=true}: the turn runs on the container's thread. */
    static final String NON_BLOCKING = "JWSGI, non-blocking=true";
    static final String NON_BLOCKING_PATH = "/nb/hello";
    private static final String ON_VARIANT = ", processorCache=0";
    private static final Map<String, String> PATHS = new LinkedHashMap<>();

    static {
        PATHS.put("sync servlet", "/sync/hello");
        PATHS.put("async servlet", "/async/hello");
        PATHS.put("WebFlux", "/flux/hello");
        PATHS.put("JWSGI", "/jwsgi/hello");
        PATHS.put(NON_BLOCKING, NON_BLOCKING_PATH);
    }

    private HelloBench() {
    }

    static void run(Bench b) throws Exception {
        Map<String, String> urls = new LinkedHashMap<>();
        PATHS.forEach((v, path) -> urls.put(v, b.url(path)));
        if (b.server.variantPort() > 0) {
            for (String v : List.of("async servlet", "JWSGI")) {
                urls.put(v + ON_VARIANT, "http://127.0.0.1:" + b.server.variantPort() + PATHS.get(v));
            }
        }
        List<String> variants = new ArrayList<>(urls.keySet());
        for (String v : variants) {
            b.wrk.run(urls.get(v), CONNECTIONS, b.settings.helloWarmup());
        }
        Map<String, List<Double>> rps = new LinkedHashMap<>();
        variants.forEach(v -> rps.put(v, new ArrayList<>()));
        List<String> problems = new ArrayList<>();
        // The server JVM's CPU time and context switches per request, as notes; -Dbench.profile=false leaves them out.
        boolean profile = Boolean.parseBoolean(System.getProperty("bench.profile", "true"));
        Map<String, List<Double>> switches = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        variants.forEach(v -> {
            switches.put(v, new ArrayList<>());
            cpu.put(v, new ArrayList<>());
        });
        for (int round = 0; round < b.settings.pairs(); round++) {
            Map<String, Double> thisRound = new LinkedHashMap<>();
            for (int i = 0; i < variants.size(); i++) {
                String v = variants.get((i + round) % variants.size());
                long switchesBefore = profile ? Cpus.contextSwitches() : 0;
                long cpuBefore = Cpus.processCpuNanos();
                Wrk.Run run = b.wrk.run(urls.get(v), CONNECTIONS, b.settings.helloSeconds());
                if (profile) {
                    cpu.get(v).add((Cpus.processCpuNanos() - cpuBefore) / 1000.0 / run.requests());
                    switches.get(v).add((Cpus.contextSwitches() - switchesBefore) / (double) run.requests());
                }
                if (run.errors() + run.non2xx() > 0) {
                    problems.add(v + ": " + run.errors() + " socket errors, " + run.non2xx() + " non-2xx");
                }
                thisRound.put(v, run.requestsPerSecond());
            }
            thisRound.forEach((v, value) -> rps.get(v).add(value));
            System.out.printf("hello %s round %d: %s%n", b.container, round + 1, thisRound);
        }
        if (urls.containsKey("JWSGI" + ON_VARIANT)) {
            for (String v : List.of("async servlet", "JWSGI")) {
                Results.note(NAME, Stats.format("- %s, %s: %s req/s with Tomcat's default processorCache (200), %s req/s"
                        + " with processorCache=\"0\" on a second connector; 0 ÷ default %s", b.container, v,
                        Stats.range(rps.get(v), "%.0f"), Stats.range(rps.get(v + ON_VARIANT), "%.0f"),
                        Stats.ratio(ratios(rps.get(v + ON_VARIANT), rps.get(v)))));
            }
        }
        if (profile) {
            for (String v : variants) {
                Results.note(NAME, Stats.format("- %s, %s: server JVM CPU %s µs per request, %s context switches per request",
                        b.container, v, Stats.range(cpu.get(v), "%.1f"), Stats.range(switches.get(v), "%.2f")));
            }
        }
        for (String p : problems) {
            Results.note(NAME, "- " + b.container + ": " + p);
            // Last, so that the unpinned rounds' notes follow the pinned ones.
        row(b, urls, rps);
    }
        // Last, so that the unpinned rounds' notes follow the pinned ones.
        row(b, urls, rps);
    }

    /** The table row and the samples, after JWSGI and the async servlet take turns the other way of {@link Pinning}. */
    private static void row(Bench b, Map<String, String> urls, Map<String, List<Double>> rps) throws Exception {
        Pinning.Ratios overAsync = Pinning.ratios(b, NAME, b.container, ratios(rps.get("JWSGI"), rps.get("async servlet")),
                new Pinning.Setup(urls.get("JWSGI"), "async servlet", urls.get("async servlet"), CONNECTIONS,
                        b.settings.helloWarmup(), b.settings.helloSeconds()), Pinning.Unit.REQUEST);
        List<Double> overSync = ratios(rps.get("JWSGI"), rps.get("sync servlet"));
        List<Double> overFlux = ratios(rps.get("JWSGI"), rps.get("WebFlux"));
        List<Double> nonBlocking = ratios(rps.get(NON_BLOCKING), rps.get("async servlet"));
        Results.row(NAME, b.container, Stats.range(rps.get("sync servlet"), "%.0f"), Stats.range(rps.get("async servlet"), "%.0f"),
                Stats.range(rps.get("WebFlux"), "%.0f"), Stats.range(rps.get("JWSGI"), "%.0f"),
                overAsync.pinnedCell(), overAsync.unpinnedCell(), Stats.ratio(overSync), Stats.ratio(overFlux),
                Stats.ratio(nonBlocking));
        overAsync.samples(NAME, b.container, "JWSGI / async servlet");
        Results.samples(NAME, b.container, "JWSGI / sync servlet", overSync);
        Results.samples(NAME, b.container, "JWSGI / WebFlux", overFlux);
        Results.samples(NAME, b.container, "JWSGI non-blocking=true / async servlet", nonBlocking);
    }

    static List<Double> ratios(List<Double> a, List<Double> b) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            r.add(a.get(i) / b.get(i));
        }
        return r;
    }
}
