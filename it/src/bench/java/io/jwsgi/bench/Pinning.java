package io.jwsgi.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two ways hello world and streaming are measured: <b>pinned</b>, the server JVM on one CPU and
 * wrk on the other ({@link Cpus}), and <b>unpinned</b>, all of them free to run on every CPU. By
 * default a run measures both: all variants take turns in the scenario's pinned rounds, then JWSGI
 * and its reference take turns again in unpinned rounds of their own. {@code -Dbench.pin=true}
 * measures pinned only; {@code -Dbench.pin=false} unpinned only, and then every scenario runs
 * unpinned. Where pinning fails (one core, no taskset) the rounds are unpinned whatever was asked.
 */
final class Pinning {

    /** The cell of a ratio not measured one way. */
    static final String NOT_MEASURED = "not measured";
    /** The server JVM's CPU time and context switches per unit, as notes; -Dbench.profile=false leaves them out. */
    private static final boolean PROFILE = Boolean.parseBoolean(System.getProperty("bench.profile", "true"));
    /** Appended to the name of a series of samples measured unpinned (no comma: the samples are CSV). */
    static final String UNPINNED = " (unpinned)";

    /**
     * The wrk setup of the unpinned rounds: JWSGI's URL, the reference's name and URL, connections,
     * seconds of warm-up and per run.
     */
    record Setup(String bridgeUrl, String ref, String refUrl, int connections, int warmup, int seconds) {
    }

    /** What a scenario counts: its throughput per run, and the units its CPU notes divide by. */
    enum Unit {
        REQUEST("request", "%.1f", "%.2f"),
        MIB("MiB", "%.0f", "%.1f");

        private final String name;
        private final String cpuFormat;
        private final String switchesFormat;

        Unit(String name, String cpuFormat, String switchesFormat) {
            this.name = name;
            this.cpuFormat = cpuFormat;
            this.switchesFormat = switchesFormat;
        }

        double throughput(Wrk.Run run) {
            return this == REQUEST ? run.requestsPerSecond() : run.bytesPerSecond() / (1 << 20);
        }

        double count(Wrk.Run run) {
            return this == REQUEST ? run.requests() : run.bytes() / 1048576.0;
        }
    }

    /** A ratio's per-round values measured each way; an empty list when it was not measured that way. */
    record Ratios(List<Double> pinned, List<Double> unpinned) {

        String pinnedCell() {
            return pinned.isEmpty() ? NOT_MEASURED : Stats.ratio(pinned);
        }

        String unpinnedCell() {
            return unpinned.isEmpty() ? NOT_MEASURED : Stats.ratio(unpinned);
        }

        /** The samples for the charts and the targets: {@code series} pinned, {@code series + UNPINNED} unpinned. */
        void samples(String scenario, String container, String series) {
            if (!pinned.isEmpty()) {
                Results.samples(scenario, container, series, pinned);
            }
            if (!unpinned.isEmpty()) {
                Results.samples(scenario, container, series + UNPINNED, unpinned);
            }
        }
    }

    private Pinning() {
    }

    /**
     * Whether the run pins at all: not with {@code -Dbench.pin=false}.
     *
     * @throws IllegalArgumentException when {@code bench.pin} is neither absent, true nor false
     */
    static boolean pinnedWanted() {
        return !requested().equals("false");
    }

    private static String requested() {
        String pin = System.getProperty("bench.pin", "");
        if (!pin.isEmpty() && !pin.equals("true") && !pin.equals("false")) {
            throw new IllegalArgumentException("-Dbench.pin must be true (pinned only), false (unpinned only) or absent"
                    + " (both ways), not '" + pin + "'");
        }
        return pin;
    }

    /**
     * JWSGI's ratio to its reference each way: {@code main}, the ratios of the scenario's own rounds,
     * counts for the way they ran, and when those were pinned and the run measures both ways, JWSGI
     * and the reference take turns again unpinned (the first one rotating, each warmed up first) for
     * as many rounds. The unpinned rounds' CPU notes go under {@code where}, e.g. "jetty, 4 KiB chunks".
     */
    static Ratios ratios(Bench b, String scenario, String where, List<Double> main, Setup setup, Unit unit)
            throws Exception {
        if (!Cpus.pinned()) {
            return new Ratios(List.of(), main);
        }
        if (!requested().isEmpty()) {
            return new Ratios(main, List.of());
        }
        return new Ratios(main, Cpus.unpinned(() -> unpinnedRounds(b, scenario, where, setup, unit)));
    }

    private static List<Double> unpinnedRounds(Bench b, String scenario, String where, Setup setup, Unit unit)
            throws Exception {
        List<Variant> variants = List.of(new Variant("JWSGI", setup.bridgeUrl()), new Variant(setup.ref(), setup.refUrl()));
        for (Variant v : variants) {
            b.wrk.run(v.url, setup.connections(), setup.warmup());
        }
        for (int round = 0; round < b.settings.pairs(); round++) {
            Map<String, Double> thisRound = new LinkedHashMap<>();
            for (int i = 0; i < variants.size(); i++) {
                Variant v = variants.get((i + round) % variants.size());
                Wrk.Run run = v.measure(b.wrk, setup, unit);
                thisRound.put(v.name, unit.throughput(run));
                if (run.errors() + run.non2xx() > 0) {
                    Results.note(scenario, "- " + where + ", " + v.name + ", unpinned: " + run.errors() + " socket errors, "
                            + run.non2xx() + " non-2xx");
                }
            }
            System.out.printf("%s %s unpinned round %d: %s%n", scenario, where, round + 1, thisRound);
        }
        for (Variant v : PROFILE ? variants : List.<Variant>of()) {
            Results.note(scenario, Stats.format("- %s, %s, unpinned: server JVM CPU %s µs per %s, %s context switches per %s",
                    where, v.name, Stats.range(v.cpu, unit.cpuFormat), unit.name,
                    Stats.range(v.switches, unit.switchesFormat), unit.name));
        }
        return HelloBench.ratios(variants.get(0).throughput, variants.get(1).throughput);
    }

    /** One variant of the unpinned rounds and what its runs measured. */
    private static final class Variant {
        final String name;
        final String url;
        final List<Double> throughput = new ArrayList<>();
        final List<Double> cpu = new ArrayList<>();
        final List<Double> switches = new ArrayList<>();

        Variant(String name, String url) {
            this.name = name;
            this.url = url;
        }

        Wrk.Run measure(Wrk wrk, Setup setup, Unit unit) throws Exception {
            long switchesBefore = Cpus.contextSwitches();
            long cpuBefore = Cpus.processCpuNanos();
            Wrk.Run run = wrk.run(url, setup.connections(), setup.seconds());
            cpu.add((Cpus.processCpuNanos() - cpuBefore) / 1000.0 / unit.count(run));
            switches.add((Cpus.contextSwitches() - switchesBefore) / unit.count(run));
            throughput.add(unit.throughput(run));
            return run;
        }
    }
}
