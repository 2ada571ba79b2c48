package io.jwsgi.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;

/**
 * Writes {@code BENCHMARKS.md} at the repository root and its charts into {@code docs/bench/}
 * from what the benchmark JVMs left in the results directory. Runs last in the bench profile.
 */
class ReportBench {

    static final String COMMAND = "mvn -P bench -pl it -am verify";
    private static final String[] CONTAINERS = {"jetty", "tomcat11"};

    private Path results;
    private Path root;
    private final StringBuilder md = new StringBuilder();

    @Test
    void writeReport() throws IOException {
        // -Dbench.only=... without "report" (a partial run, for development) leaves the report alone.
        String only = System.getProperty("bench.only", "");
        if (!only.isEmpty() && !List.of(only.split(",")).contains("report")) {
            return;
        }
        results = Results.dir();
        root = Path.of(System.getProperty("bench.root", ""));
        if (!Files.isDirectory(root.resolve("it")) || !Files.isDirectory(results)) {
            throw new IllegalStateException("bench.root must be the repository root and " + results + " must exist");
        }
        Path charts = Files.createDirectories(root.resolve("docs/bench"));
        header();
        summary();
        ReportSections sections = new ReportSections(results, charts, md);
        sections.hello();
        sections.stream();
        sections.suspend();
        sections.slow();
        sections.blocking();
        sections.jmh();
        sections.file();
        Path analysis = root.resolve("it/src/bench/analysis.md");
        if (Files.exists(analysis)) {
            md.append("\n").append(Files.readString(analysis, StandardCharsets.UTF_8));
        }
        Files.writeString(root.resolve("BENCHMARKS.md"), md.toString(), StandardCharsets.UTF_8);
    }

    private void header() throws IOException {
        md.append("# Benchmarks\n\nEvery table and chart below comes from one run of\n\n```\n").append(COMMAND)
                .append("\n```\n\nfrom the repository root (it needs the Debian package `wrk`, and Temurin 25 at")
                .append(" `/usr/lib/jvm/temurin-25-jdk-amd64` for the virtual-thread scenario; `-Dbench.java25=/path/to/bin/java`")
                .append(" points elsewhere). It is not part of `mvn verify`.");
        // Kept with the results, so that rewriting the report later does not change it.
        Path tookFile = results.resolve("took.txt");
        String started = System.getProperty("bench.started", "");
        if (!Files.exists(tookFile) && !started.isEmpty() && !started.startsWith("$")) {
            Duration took = Duration.between(Instant.parse(started), Instant.now());
            Files.writeString(tookFile, Stats.format("%d min %02d s", took.toMinutes(), took.toSecondsPart()));
        }
        if (Files.exists(tookFile)) {
            md.append(" This run took **").append(Files.readString(tookFile).trim()).append("**, build included.");
        }
        Path commitFile = results.resolve("commit.txt");
        if (!Files.exists(commitFile)) {
            Files.writeString(commitFile, commit());
        }
        String commit = Files.readString(commitFile).trim();
        if (!commit.isEmpty()) {
            md.append(" It measured the code at commit `").append(commit).append("`.");
        }
        md.append("\n\n## How to read the numbers\n\n")
                .append("- Absolute numbers from a shared 2-core machine are noise; **ratios are the result**. Each ratio")
                .append(" compares two variants measured in the same JVM, on the same container, in the same round;")
                .append(" the variants take turns (A B A B …, the first one rotating) for 5 rounds, and a cell shows the")
                .append(" **median** and, in parentheses, the **min–max** over the rounds.\n")
                .append("- Loopback only. Throughput: `wrk` (one thread). Latency and the suspended/slow clients: a Java")
                .append(" load client in its own JVM (one NIO selector thread), timing each response from the moment its")
                .append(" wake-up was *scheduled*, not when it happened, so a late waker counts against the result")
                .append(" (no coordinated omission). Every variant is warmed up before it is measured.\n")
                .append("- Heap figures are live heap: used heap after two `System.gc()` (full collections with G1), so")
                .append(" garbage does not count; the server JVM runs with `-Xms4g -Xmx4g -XX:+UseG1GC` (10,000 connections with a request in flight need over 1 GiB on both containers).\n\n");
        md.append("## The machine and the run\n\n");
        md.append("- CPU: ").append(cpu()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores visible; ").append(memory()).append("; Linux ").append(System.getProperty("os.version")).append(".\n");
        md.append("- The machine was shared with other builds during the run: the load average (1 min, on 2 cores)")
                .append(" at the start and end of each JVM is in the table; values well above 2 mean the")
                .append(" benchmarks got a fraction of the CPU, which lowers and scatters absolute numbers.\n\n");
        md.append("| JVM | scenarios | Java | container | pinning | load avg | took |\n|---|---|---|---|---|---|---|\n");
        md.append(read("setup.notes.md"));
        md.append("\n");
    }

    private void summary() throws IOException {
        Data d = new Data(results);
        md.append("## Targets\n\n| scenario | target | Jetty 12 | Jetty 12, unpinned | Tomcat 11 | Tomcat 11, unpinned |\n")
                .append("|---|---|---|---|---|---|\n");
        pinningTarget(d, "1 hello", "JWSGI ÷ async servlet ≥ 0.95×", "hello", "JWSGI / async servlet", v -> v >= 0.95);
        target(d, "1 hello", "JWSGI ÷ WebFlux ≥ 1.0×", "hello", "JWSGI / WebFlux", "%.2f×", v -> v >= 1.0);
        pinningTarget(d, "2 stream", "64 KiB chunks: JWSGI ÷ WriteListener ≥ 0.95×", "stream", "64 KiB: JWSGI / WriteListener",
                v -> v >= 0.95);
        pinningTarget(d, "2 stream", "4 KiB chunks: JWSGI ÷ WriteListener ≥ 0.85×", "stream", "4 KiB: JWSGI / WriteListener",
                v -> v >= 0.85);
        target(d, "2 stream", "4 KiB chunks, non-blocking=true: JWSGI ÷ WriteListener ≥ 0.85×", "stream",
                "4 KiB: JWSGI non-blocking=true / WriteListener", "%.2f×", v -> v >= 0.85);
        target(d, "3 suspended", "threads added by the suspended requests: a constant", "suspend", "JWSGI threads added", "%+.0f", v -> v <= 16);
        target(d, "3 suspended", "heap per suspended request ≤ reference + 2 KiB (class histograms)", "suspend",
                "histogram over reference (B)", "%+.0f B", v -> v <= 2048);
        target(d, "3 suspended", "the same, from live-heap totals (median of rounds; noisier)", "suspend",
                "heap over reference (B)", "%+.0f B", v -> v <= 2048);
        target(d, "3 suspended", "wake → first byte p50 ≤ 1 ms at 1,000/s", "suspend-p50", "JWSGI async.sleep", "%.2f ms", v -> v <= 1);
        target(d, "3 suspended", "wake → first byte p99 ≤ 10 ms at 1,000/s", "suspend-p99", "JWSGI async.sleep", "%.2f ms", v -> v <= 10);
        target(d, "3 suspended", "burst drained ≤ 1 s", "suspend", "JWSGI drain (ms)", "%.0f ms", v -> v <= 1000);
        md.append("| 4 slow clients | heap per response ≤ one chunk + the container's buffering, i.e. JWSGI − WriteListener"
                + " servlet (which holds the container's buffering) ≤ 64 KiB |");
        for (String c : CONTAINERS) {
            List<Double> held = d.values("slow", c, "JWSGI");
            List<Double> ref = d.values("slow", c, "WriteListener servlet");
            if (held.isEmpty() || ref.isEmpty()) {
                md.append(" not run |");
            } else {
                double over = Stats.median(held) - Stats.median(ref);
                md.append(Stats.format(" %+.1f KiB (%.0f vs %.0f KiB) %s |", over, Stats.median(held), Stats.median(ref),
                        over <= 64 ? "✅" : "❌"));
            }
            md.append(" |");
        }
        md.append("\n");
        target(d, "4 slow clients", "threads held in the app, the bridge or the servlet: none", "slow", "JWSGI threads held", "%.0f", v -> v == 0);
        target(d, "5 blocking app", "virtual threads ≥ 0.9 × Little's law", "blocking", "virtual threads", "%.2f×", v -> v >= 0.9);
        target(d, "5 blocking app", "async.sleep ≥ 0.9 × Little's law", "blocking", "async.sleep", "%.2f×", v -> v >= 0.9);
        target(d, "7 file", "1 GiB file: JWSGI wsgi.file_wrapper ÷ default servlet ≥ 0.9×", "file", "JWSGI / default servlet", "%.2f×", v -> v >= 0.9);
        md.append("\n✅ met (on the median of the rounds), ❌ missed; see each section and the analysis at the end. The")
                .append(" hello and stream ratios are measured two ways, each with its median and (min–max) over the rounds:")
                .append(" pinned as the first table says, and in rounds of their own with nothing pinned (the unpinned")
                .append(" columns; the other scenarios are measured the first way only). \"").append(Pinning.NOT_MEASURED)
                .append("\" marks a way that `-Dbench.pin=true|false` left out.\n\n");
    }

    /** A target row met both ways: the median and range of {@code series} pinned and of its unpinned twin, per container. */
    private void pinningTarget(Data d, String scenario, String target, String file, String series, DoublePredicate ok) {
        md.append("| ").append(scenario).append(" | ").append(target).append(" |");
        for (String c : CONTAINERS) {
            List<Double> pinned = d.values(file, c, series);
            List<Double> unpinned = d.values(file, c, series + Pinning.UNPINNED);
            if (pinned.isEmpty() && unpinned.isEmpty()) {
                md.append(" not run | not run |");
                continue;
            }
            for (List<Double> v : List.of(pinned, unpinned)) {
                md.append(' ').append(v.isEmpty() ? Pinning.NOT_MEASURED
                        : Stats.format("%.2f× (%.2f–%.2f) %s", Stats.median(v), Stats.min(v), Stats.max(v),
                                ok.test(Stats.median(v)) ? "✅" : "❌")).append(" |");
            }
        }
        md.append("\n");
    }

    private void target(Data d, String scenario, String target, String file, String series, String format, DoublePredicate ok) {
        md.append("| ").append(scenario).append(" | ").append(target).append(" |");
        for (String c : CONTAINERS) {
            List<Double> v = d.values(file, c, series);
            if (v.isEmpty()) {
                md.append(" not run |");
            } else {
                double m = Stats.median(v);
                md.append(' ').append(Stats.format(format, m)).append(ok.test(m) ? " ✅" : " ❌").append(" |");
            }
            // Measured pinned only.
            md.append(" |");
        }
        md.append("\n");
    }

    private String read(String file) throws IOException {
        Path p = results.resolve(file);
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    /** The short hash of the repository's HEAD, or "" when git cannot say. */
    private String commit() {
        try {
            Process p = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && out.matches("[0-9a-f]{4,40}") ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String cpu() {
        String model = Cpus.procField("/proc/cpuinfo", "model name");
        return model.isEmpty() ? "unknown" : model;
    }

    private static String memory() {
        String kb = Cpus.procField("/proc/meminfo", "MemTotal").replaceAll("[^0-9]", "");
        return kb.isEmpty() ? "memory unknown" : Stats.format("%.0f GiB of memory", Long.parseLong(kb) / 1048576.0);
    }

    /** The samples of the CSV files: file → container → series → values in order. */
    static final class Data {
        private final Map<String, Map<String, Map<String, List<double[]>>>> byFile = new LinkedHashMap<>();
        private final Path dir;

        Data(Path dir) {
            this.dir = dir;
        }

        Map<String, Map<String, List<double[]>>> file(String name) {
            return byFile.computeIfAbsent(name, n -> {
                Map<String, Map<String, List<double[]>>> m = new LinkedHashMap<>();
                Path p = dir.resolve(n + ".csv");
                try {
                    if (Files.exists(p)) {
                        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                            String[] f = line.split(",");
                            m.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).computeIfAbsent(f[1], k -> new ArrayList<>())
                                    .add(new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])});
                        }
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return m;
            });
        }

        List<Double> values(String file, String container, String series) {
            List<Double> v = new ArrayList<>();
            file(file).getOrDefault(container, Map.of()).getOrDefault(series, List.of()).forEach(p -> v.add(p[1]));
            return v;
        }
    }
}
