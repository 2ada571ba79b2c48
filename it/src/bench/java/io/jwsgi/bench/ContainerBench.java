package io.jwsgi.bench;

import io.jwsgi.servlet.JwsgiServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Runs the container scenarios named by {@code bench.scenarios} ({@code hello,stream,suspend,slow,file}
 * or {@code blocking}) on the container named by {@code jwsgi.container}, in this JVM pinned to the
 * server core, and appends their results for {@link ReportBench}. Every variant of every scenario
 * is served by the same container at once, under its own path.
 */
class ContainerBench {

    /** The init-params of the bridge's non-blocking variants: the benchmark's applications never block. */
    private static final Map<String, String> NON_BLOCKING = Map.of("non-blocking", "true");

    @Test
    void runScenarios() throws Exception {
        String container = BenchServer.container();
        Set<String> scenarios = Arrays.stream(System.getProperty("bench.scenarios", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        // -Dbench.only=hello,slow runs a subset (for development; the report then has gaps).
        String only = System.getProperty("bench.only", "");
        if (!only.isEmpty()) {
            scenarios.retainAll(Set.of(only.split(",")));
        }
        if (scenarios.isEmpty()) {
            return;
        }
        Wrk wrk = Wrk.require();
        Cpus.pinThisJvm();
        Parking refParking = new Parking();
        Parking bridgeParking = new Parking();
        AtomicInteger refOpen = new AtomicInteger();
        AtomicInteger bridgeOpen = new AtomicInteger();
        AtomicInteger fluxOpen = new AtomicInteger();
        AtomicInteger nonBlockingOpen = new AtomicInteger();
        AtomicLong produced = new AtomicLong();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "async-wait-timer");
            t.setDaemon(true);
            return t;
        });
        List<BenchServer.Mount> mounts = new ArrayList<>(List.of(
                new BenchServer.Mount("/sync/hello", new Servlets.SyncHello()),
                new BenchServer.Mount("/async/hello", new Servlets.AsyncHello()),
                new BenchServer.Mount("/flux/hello/*", WebFlux.hello()),
                new BenchServer.Mount("/jwsgi/hello", new JwsgiServlet(Apps.hello())),
                new BenchServer.Mount(HelloBench.NON_BLOCKING_PATH, new JwsgiServlet(Apps.hello()), NON_BLOCKING),
                new BenchServer.Mount("/ref/stream", new Servlets.Stream(produced, refOpen, false)),
                new BenchServer.Mount(StreamBench.FLUSHED_PATH, new Servlets.Stream(produced, refOpen, true)),
                new BenchServer.Mount("/flux/stream/*", WebFlux.stream(produced, fluxOpen)),
                new BenchServer.Mount("/jwsgi/stream", new JwsgiServlet(Apps.stream(produced, bridgeOpen))),
                new BenchServer.Mount(StreamBench.NON_BLOCKING_PATH,
                        new JwsgiServlet(Apps.stream(produced, nonBlockingOpen)), NON_BLOCKING),
                new BenchServer.Mount("/ref/park", new Servlets.Parked(refParking)),
                new BenchServer.Mount("/jwsgi/park", new JwsgiServlet(Apps.parked(bridgeParking)))));
        if (scenarios.contains(BlockingBench.NAME)) {
            mounts.add(new BenchServer.Mount("/jwsgi/block-platform",
                    new JwsgiServlet(Apps.blocking(BlockingBench.WAIT_MILLIS)), Map.of("threads", "platform")));
            mounts.add(new BenchServer.Mount("/jwsgi/block-virtual",
                    new JwsgiServlet(Apps.blocking(BlockingBench.WAIT_MILLIS)), Map.of("threads", "virtual")));
            mounts.add(new BenchServer.Mount("/jwsgi/wait-async",
                    new JwsgiServlet(Apps.asyncWait(BlockingBench.WAIT_MILLIS, timer))));
            mounts.add(new BenchServer.Mount("/ref/wait-async", new Servlets.TimedWait(timer, BlockingBench.WAIT_MILLIS)));
        }
        // The default servlet's directory; the 1 GiB file is kept there across runs (target/, not the results).
        Path staticDir = Files.createDirectories(Path.of("target", "bench-files").toAbsolutePath());
        if (scenarios.contains(FileBench.NAME)) {
            Path file = FileBench.create(staticDir);
            mounts.add(new BenchServer.Mount(FileBench.JWSGI_PATH, new JwsgiServlet(Apps.file(file))));
            mounts.add(new BenchServer.Mount(FileBench.ITERATED_PATH, new JwsgiServlet(Apps.fileIterated(file))));
        }
        String loadAtStart = Cpus.loadAverage();
        long started = System.nanoTime();
        BenchServer server = BenchServer.start(mounts, staticDir);
        Bench bench = new Bench(container, server, wrk, Bench.Settings.fromSystem());
        try {
            if (scenarios.contains(HelloBench.NAME)) {
                HelloBench.run(bench);
            }
            if (scenarios.contains(StreamBench.NAME)) {
                StreamBench.run(bench);
            }
            if (scenarios.contains(SuspendBench.NAME)) {
                SuspendBench.run(bench, refParking, bridgeParking);
            }
            if (scenarios.contains(SlowBench.NAME)) {
                SlowBench.run(bench, refOpen, bridgeOpen);
            }
            if (scenarios.contains(BlockingBench.NAME)) {
                BlockingBench.run(bench);
            }
            if (scenarios.contains(FileBench.NAME)) {
                FileBench.run(bench);
            }
        } finally {
            bench.closeClient();
            server.stop();
            timer.shutdownNow();
        }
        Results.note("setup", Stats.format("| %s | %s | Java %s (%s) | %s | %s | %s | %.1f min |", container,
                String.join(", ", scenarios), Runtime.version(), System.getProperty("java.vm.name"), server.describe(),
                Cpus.status(), loadAtStart + " → " + Cpus.loadAverage(),
                (System.nanoTime() - started) / 6e10));
    }
}
