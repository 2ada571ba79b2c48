package io.jwsgi.bench;

import io.jwsgi.servlet.EnvironBenchmark;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Scenario 6: the JMH benchmarks, each bridge method against its raw twin, alternating raw and
 * bridge (one JMH run, one fork, each), with the GC profiler's bytes allocated per operation.
 */
class JmhBench {

    static final String NAME = "jmh";

    @Test
    void runBenchmarks() throws Exception {
        String only = System.getProperty("bench.only", "");
        if (!only.isEmpty() && !List.of(only.split(",")).contains(NAME)) {
            return;
        }
        Cpus.pinThisJvm();
        boolean quick = Boolean.getBoolean("bench.quick");
        int rounds = quick ? 2 : 5;
        Map<String, Class<?>> benchmarks = new LinkedHashMap<>();
        benchmarks.put("environ construction", EnvironBenchmark.class);
        benchmarks.put("header validation", HeaderBenchmark.class);
        benchmarks.put("sleep → wake → resume", WakeBenchmark.class);
        for (Map.Entry<String, Class<?>> e : benchmarks.entrySet()) {
            List<Double> rawNs = new ArrayList<>();
            List<Double> bridgeNs = new ArrayList<>();
            List<Double> rawBytes = new ArrayList<>();
            List<Double> bridgeBytes = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                RunResult raw = run(e.getValue(), "raw", quick);
                RunResult bridge = run(e.getValue(), "bridge", quick);
                rawNs.add(raw.getPrimaryResult().getScore());
                bridgeNs.add(bridge.getPrimaryResult().getScore());
                rawBytes.add(allocated(raw));
                bridgeBytes.add(allocated(bridge));
            }
            Results.row(NAME, e.getKey(), Stats.range(rawNs, "%.1f"), Stats.range(bridgeNs, "%.1f"),
                    Stats.ratio(HelloBench.ratios(bridgeNs, rawNs)), Stats.format("%.0f", Stats.median(rawBytes)),
                    Stats.format("%.0f", Stats.median(bridgeBytes)));
            Results.sample(NAME, "ns", e.getKey() + "|raw", 0, Stats.median(rawNs));
            Results.sample(NAME, "ns", e.getKey() + "|JWSGI", 0, Stats.median(bridgeNs));
        }
        Results.note(NAME, Stats.format("- Java %s; each run: 1 fork, %s; %d rounds of raw then bridge.",
                Runtime.version(), quick ? "1 × 1 s warm-up, 2 × 0.5 s measured" : "2 × 1 s warm-up, 3 × 1 s measured", rounds));
    }

    private static RunResult run(Class<?> benchmark, String method, boolean quick) throws Exception {
        Options options = new OptionsBuilder()
                .include("^" + benchmark.getName().replace(".", "\\.") + "\\." + method + "$")
                .forks(1)
                .warmupIterations(quick ? 1 : 2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 2 : 3).measurementTime(quick ? TimeValue.milliseconds(500) : TimeValue.seconds(1))
                .addProfiler(GCProfiler.class)
                .jvmArgs("-Xms512m", "-Xmx512m")
                .build();
        return new Runner(options).runSingle();
    }

    private static double allocated(RunResult result) {
        Result<?> r = result.getSecondaryResults().get("gc.alloc.rate.norm");
        return r == null ? Double.NaN : r.getScore();
    }
}
