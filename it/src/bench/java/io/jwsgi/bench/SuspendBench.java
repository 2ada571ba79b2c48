package io.jwsgi.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3: thousands of requests suspended at once on kept-alive connections of the load
 * client, then woken by a foreign thread, all at once (burst) and at a fixed pace. The reference
 * parks its {@code AsyncContext} and the foreign thread writes and completes it; the bridge's app
 * calls {@code async.sleep} and the foreign thread calls {@code async.wake}. Rounds alternate.
 */
final class SuspendBench {

    static final String NAME = "suspend";
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    /** One variant's measurements, a list entry per round. */
    private static final class Series {
        final String path;
        final Parking parking;
        final List<Double> heapPerRequest = new ArrayList<>();
        final List<Double> drainMillis = new ArrayList<>();
        final List<Double> p50 = new ArrayList<>();
        final List<Double> p99 = new ArrayList<>();
        final Map<Integer, List<Double>> threads = new LinkedHashMap<>();
        /** The class histogram with all requests suspended, in the first measured round. */
        Histogram histogram;

        Series(String path, Parking parking) {
            this.path = path;
            this.parking = parking;
        }
    }

    private SuspendBench() {
    }

    static void run(Bench b, Parking reference, Parking bridge) throws Exception {
        int n = b.settings.suspended();
        ClientProcess client = b.client();
        client.open(n);
        Map<String, Series> variants = new LinkedHashMap<>();
        variants.put("AsyncContext parked", new Series("/ref/park", reference));
        variants.put("JWSGI async.sleep", new Series("/jwsgi/park", bridge));
        // Every connection carries a request of each variant once before measuring: containers
        // allocate some per-connection state at a connection's first request and keep it.
        for (Series s : variants.values()) {
            suspend(client, s, n, null);
            burst(client, s, n);
        }
        for (int round = 0; round < b.settings.pairs(); round++) {
            for (Map.Entry<String, Series> e : variants.entrySet()) {
                round(b, client, e.getValue());
                System.out.printf("suspend %s round %d %s: heap/request %.0f B, drain %.0f ms, p50 %.2f ms, p99 %.2f ms%n",
                        b.container, round + 1, e.getKey(), last(e.getValue().heapPerRequest), last(e.getValue().drainMillis),
                        last(e.getValue().p50), last(e.getValue().p99));
            }
        }
        report(b, n, variants);
    }

    private static void round(Bench b, ClientProcess client, Series s) throws Exception {
        int n = b.settings.suspended();
        long heapBefore = Bench.liveHeap();
        suspend(client, s, n, s.threads);
        long heapAfter = Bench.liveHeap();
        s.heapPerRequest.add((heapAfter - heapBefore) / (double) n);
        if (s.histogram == null) {
            s.histogram = Histogram.take();
        }
        s.drainMillis.add(burst(client, s, n));
        suspend(client, s, n, null);
        double[] latencies = paced(client, s, n, b.settings.paced());
        s.p50.add(Stats.percentile(latencies, 50));
        s.p99.add(Stats.percentile(latencies, 99));
    }

    /** Sends n requests and waits until all are parked; records the thread count on the way. */
    private static void suspend(ClientProcess client, Series s, int n, Map<Integer, List<Double>> threads) throws Exception {
        if (threads != null) {
            threads.computeIfAbsent(0, k -> new ArrayList<>()).add((double) Bench.threads());
        }
        client.send(s.path, 0, n);
        for (int level : new int[] {n / 4, n / 2, n}) {
            Bench.await(level + " requests parked on " + s.path, DEADLINE, () -> s.parking.size() >= level);
            if (threads != null) {
                threads.computeIfAbsent(level, k -> new ArrayList<>()).add((double) Bench.threads());
            }
        }
    }

    /** Wakes every parked request from one foreign thread; returns ms until the last response ended. */
    private static double burst(ClientProcess client, Series s, int n) throws Exception {
        List<Parking.Parked> all = s.parking.takeAll();
        long[] start = new long[1];
        Thread waker = new Thread(() -> {
            start[0] = System.nanoTime();
            all.forEach(p -> p.resume().run());
        }, "foreign-waker");
        waker.start();
        ClientProcess.Awaited done = client.await(n, DEADLINE.toMillis());
        waker.join();
        check(done, n, s.path);
        long last = done.times().values().stream().mapToLong(ClientProcess.Times::lastByte).max().orElseThrow();
        return (last - start[0]) / 1e6;
    }

    /**
     * Wakes {@code paced} requests at 1,000 per second, each at its scheduled time, then the rest at
     * once; returns the wake-to-first-byte latencies of the paced ones in ms, from the scheduled
     * time (not the actual one), so a late waker counts against the result.
     */
    private static double[] paced(ClientProcess client, Series s, int n, int paced) throws Exception {
        List<Parking.Parked> all = s.parking.takeAll();
        long[] scheduled = new long[n];
        Thread waker = new Thread(() -> {
            long start = System.nanoTime() + 10_000_000L;
            for (int i = 0; i < all.size(); i++) {
                Parking.Parked p = all.get(i);
                if (i < paced) {
                    long when = start + i * 1_000_000L;
                    Bench.parkUntil(when);
                    scheduled[p.id()] = when;
                }
                p.resume().run();
            }
        }, "foreign-waker");
        waker.start();
        ClientProcess.Awaited done = client.await(n, DEADLINE.toMillis());
        waker.join();
        check(done, n, s.path);
        double[] latencies = new double[Math.min(paced, all.size())];
        for (int i = 0; i < latencies.length; i++) {
            int id = all.get(i).id();
            latencies[i] = (done.times().get(id).firstByte() - scheduled[id]) / 1e6;
        }
        return latencies;
    }

    private static void check(ClientProcess.Awaited done, int n, String path) {
        if (done.completed() != n || done.errors() != 0) {
            throw new IllegalStateException(path + ": " + done.completed() + " of " + n + " responses completed, "
                    + done.errors() + " errors");
        }
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }

    private static void report(Bench b, int n, Map<String, Series> variants) {
        for (Map.Entry<String, Series> e : variants.entrySet()) {
            Series s = e.getValue();
            StringBuilder threads = new StringBuilder();
            for (Map.Entry<Integer, List<Double>> t : s.threads.entrySet()) {
                threads.append(threads.length() == 0 ? "" : " / ").append(Stats.format("%.0f", Stats.median(t.getValue())));
                Results.sample(NAME + "-threads", b.container, e.getKey(), t.getKey(), Stats.median(t.getValue()));
            }
            Results.row(NAME, b.container, e.getKey(), threads.toString(), Stats.range(s.heapPerRequest, "%.0f"),
                    Stats.range(s.drainMillis, "%.0f"), Stats.range(s.p50, "%.2f"), Stats.range(s.p99, "%.2f"));
            Results.samples(NAME + "-p50", b.container, e.getKey(), s.p50);
            Results.samples(NAME + "-p99", b.container, e.getKey(), s.p99);
        }
        Series ref = variants.get("AsyncContext parked");
        Series jwsgi = variants.get("JWSGI async.sleep");
        List<Double> heapOver = new ArrayList<>();
        for (int i = 0; i < ref.heapPerRequest.size(); i++) {
            heapOver.add(jwsgi.heapPerRequest.get(i) - ref.heapPerRequest.get(i));
        }
        Results.samples(NAME, b.container, "heap over reference (B)", heapOver);
        double exact = jwsgi.histogram.bytesOver(ref.histogram, n);
        Results.sample(NAME, b.container, "histogram over reference (B)", 0, exact);
        Results.note(NAME, Stats.format("- %s, class histograms (`jcmd GC.class_histogram`) with all %d suspended, first"
                + " round: JWSGI holds **%.0f B** per suspended request more than the reference. Largest parts, bytes"
                + " (objects) per request: %s.", b.container, n, exact, String.join(", ", jwsgi.histogram.topOver(ref.histogram, n, 12))));
        Results.samples(NAME, b.container, "JWSGI drain (ms)", jwsgi.drainMillis);
        List<Double> added = new ArrayList<>();
        for (int i = 0; i < jwsgi.threads.get(0).size(); i++) {
            added.add(jwsgi.threads.get(n).get(i) - jwsgi.threads.get(0).get(i));
        }
        Results.samples(NAME, b.container, "JWSGI threads added", added);
        Results.row(NAME, b.container, "JWSGI vs reference", "",
                Stats.format("+%s B", Stats.range(heapOver, "%.0f")),
                Stats.ratio(HelloBench.ratios(jwsgi.drainMillis, ref.drainMillis)),
                Stats.ratio(HelloBench.ratios(jwsgi.p50, ref.p50)), Stats.ratio(HelloBench.ratios(jwsgi.p99, ref.p99)));
        Results.note(NAME, Stats.format("- %s: %d requests suspended at once; threads counted at 0 / %d / %d / %d"
                + " suspended; %d woken at 1,000/s for the latencies.", b.container, n, n / 4, n / 2, n, b.settings.paced()));
    }
}
