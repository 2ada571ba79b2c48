package io.jwsgi.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One section of {@code BENCHMARKS.md} per scenario: what was run, the table, the notes, the chart. */
final class ReportSections {

    private static final Map<String, String> LABEL = Map.of("jetty", "Jetty 12", "tomcat11", "Tomcat 11");

    /** How the unpinned column of the hello and stream tables was measured; the reference, then the unit of the CPU notes. */
    private static final String UNPINNED_ROUNDS = " The ratio to %s is given both ways: *pinned*, from the"
            + " rounds in which every variant takes turns, with the server JVM on one CPU and wrk on the other, and"
            + " *unpinned*, from as many rounds after them in which only JWSGI and %<s take turns (each warmed up"
            + " again), with the server JVM's threads and wrk free to run on both CPUs; the notes give the unpinned"
            + " rounds' CPU per %s too. All other columns come from the first rounds, pinned as the first table"
            + " says. A run with `-Dbench.pin=true` or `-Dbench.pin=false` measures one way only (with `false`, all"
            + " rounds are unpinned), and the other column says \"" + Pinning.NOT_MEASURED + "\".\n\n";

    private final Path results;
    private final Path charts;
    private final StringBuilder md;
    private final ReportBench.Data data;

    ReportSections(Path results, Path charts, StringBuilder md) {
        this.results = results;
        this.charts = charts;
        this.md = md;
        this.data = new ReportBench.Data(results);
    }

    void hello() throws IOException {
        md.append("## 1. Hello world\n\n`GET` of a 13-byte `text/plain` body with `Content-Length`, 64 connections,")
                .append(" `wrk -t1 -c64`, 5 s warm-up per variant then 4 s per run. References: a synchronous servlet and")
                .append(" an async servlet writing from its `WriteListener`; peer: WebFlux's `HttpHandler` (no router, no")
                .append(" codecs: the level of a JWSGI application) through `ServletHttpHandlerAdapter`. JWSGI is the")
                .append(" servlet as deployed by default: the container's `onWritePossible` hands the application to the")
                .append(" bridge's threads. The last column is the same servlet with `non-blocking=true` (SPEC.md §5), for")
                .append(" applications that never block: the application runs on the container's thread, saving that")
                .append(" hand-off (see the analysis). On Tomcat the async servlet and JWSGI also take turns on a second")
                .append(" connector with `processorCache=\"0\"` (no request lost to Tomcat's race, RELIABILITY.md §7; a")
                .append(" request processor is then built per request instead of reused); the notes under the table give")
                .append(" what that costs.").append(UNPINNED_ROUNDS.formatted("the async servlet", "request"));
        table("hello", "| container | sync servlet req/s | async servlet req/s | WebFlux req/s | JWSGI req/s"
                + " | JWSGI ÷ async servlet, pinned | JWSGI ÷ async servlet, unpinned | JWSGI ÷ sync servlet | JWSGI ÷ WebFlux"
                + " | JWSGI non-blocking=true ÷ async servlet |");
        Charts.boxes(charts.resolve("hello.png"), "Hello world: JWSGI throughput ÷ reference, per round", "ratio",
                byContainer("hello"), Map.of("0.95", 0.95, "1.0", 1.0));
        image("hello.png", "Hello world ratios");
    }

    void stream() throws IOException {
        md.append("## 2. Streaming a large response\n\nOne connection downloads a 1 GiB response made of fresh zeroed")
                .append(" arrays of 64 KiB or 4 KiB (`wrk -t1 -c1`, 3 s warm-up then 3 s per run; wrk counts every byte")
                .append(" read). The reference writes while `isReady()` from a `WriteListener` and leaves flushing to the")
                .append(" container; JWSGI flushes every chunk (PEP 3333's no-delay rule). \"Heap after GC\" is the range")
                .append(" of heap in use after each collection during the measured runs: flat means nothing accumulates")
                .append(" as the gigabytes go by. The last three columns are the same JWSGI servlet with")
                .append(" `non-blocking=true` (SPEC.md §5): each turn the container's `onWritePossible` asks for runs on")
                .append(" the container's thread instead of being handed to the bridge's threads, and the chunks of a")
                .append(" turn share one flush (within the response's buffer). The last two columns")
                .append(" measure what the no-delay rule itself costs: the same `WriteListener` servlet, flushing each")
                .append(" chunk as soon as the output is ready, as the bridge does by default.")
                .append(UNPINNED_ROUNDS.formatted("the `WriteListener` servlet", "MiB"));
        table("stream", "| container | chunk | WriteListener MiB/s | WebFlux MiB/s | JWSGI MiB/s | JWSGI ÷ WriteListener, pinned"
                + " | JWSGI ÷ WriteListener, unpinned | JWSGI ÷ WebFlux | heap after GC, WriteListener (MiB) | heap after GC, JWSGI (MiB)"
                + " | JWSGI non-blocking=true MiB/s | JWSGI non-blocking=true ÷ WriteListener"
                + " | heap after GC, JWSGI non-blocking=true (MiB) | WriteListener, flush per chunk MiB/s"
                + " | JWSGI ÷ WriteListener, flush per chunk |");
        Charts.boxes(charts.resolve("stream.png"), "Streaming: JWSGI throughput ÷ reference, per round", "ratio",
                byContainer("stream"), Map.of("0.95", 0.95, "0.85", 0.85));
        image("stream.png", "Streaming ratios");
    }

    void suspend() throws IOException {
        md.append("## 3. Ten thousand suspended requests\n\nThe load client keeps 10,000 connections open and sends")
                .append(" one request on each; every request suspends (reference: `startAsync` and the `AsyncContext`")
                .append(" parked in a queue; JWSGI: `async.sleep` and the `async.wake` parked). With all of them")
                .append(" suspended the server's live heap and thread count are taken (threads also at a quarter and")
                .append(" half way). Then a foreign thread wakes all 10,000 at once (burst: time until the last")
                .append(" response is in), they are suspended again, and the foreign thread wakes 2,000 at 1,000 per")
                .append(" second (then the rest): wake → first byte is measured from each scheduled wake time. The")
                .append(" reference's foreign thread writes the response and completes; JWSGI's calls `async.wake`")
                .append(" and the bridge's own threads answer.\n\n");
        table("suspend", "| container | variant | threads at 0 / ¼ / ½ / all suspended | heap per suspended request (B)"
                + " | burst drain (ms) | wake → first byte p50 (ms) | p99 (ms) |");
        Map<String, List<double[]>> lines = new LinkedHashMap<>();
        data.file("suspend-threads").forEach((container, bySeries) -> bySeries.forEach((series, points) ->
                lines.put(LABEL.getOrDefault(container, container) + ": " + series, points)));
        Charts.lines(charts.resolve("suspend-threads.png"), "Threads in the server JVM vs requests suspended",
                "requests suspended", "threads", lines);
        image("suspend-threads.png", "Threads vs suspended requests");
        Map<String, Map<String, Double>> latency = new LinkedHashMap<>();
        for (String pct : new String[] {"p50", "p99"}) {
            Map<String, Double> bars = new LinkedHashMap<>();
            data.file("suspend-" + pct).forEach((container, bySeries) -> bySeries.forEach((series, points) ->
                    bars.put(LABEL.getOrDefault(container, container) + ": " + series, Stats.median(values(points)))));
            latency.put(pct, bars);
        }
        Charts.bars(charts.resolve("suspend-latency.png"), "Wake → first byte at 1,000 wakes/s (median of rounds)",
                "ms (log scale)", latency, Map.of("1 ms", 1.0, "10 ms", 10.0), true);
        image("suspend-latency.png", "Wake to first byte latency");
    }

    void slow() throws IOException {
        md.append("## 4. Slow clients on large responses\n\n100 clients each ask for a 1 GiB response in 64 KiB chunks")
                .append(" and read 16 KiB per second. After 3 s of that the server's live heap is compared with the")
                .append(" same server without them, and every thread's stack is searched for a frame of the")
                .append(" application, the bridge or the servlet (a thread parked on a slow client would show there).\n\n");
        table("slow", "| container | variant | live heap per response (KiB) | threads added | threads inside app/bridge/servlet"
                + " | one chunk + container buffer |");
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        data.file("slow").forEach((container, bySeries) -> bySeries.forEach((series, points) -> {
            if (!series.contains("threads")) {
                bars.computeIfAbsent(series, k -> new LinkedHashMap<>()).put(LABEL.getOrDefault(container, container),
                        Stats.median(values(points)));
            }
        }));
        Charts.bars(charts.resolve("slow.png"), "Live heap per slow response (median of rounds)", "KiB", bars, Map.of(), false);
        image("slow.png", "Heap per slow response");
    }

    void blocking() throws IOException {
        md.append("## 5. A blocking application\n\nEvery request waits 100 ms; `wrk -t1 -c1000` keeps 1,000 in flight,")
                .append(" so by Little's law no server can exceed 1,000 / 0.1 s = **10,000 requests/s**. JWSGI on its")
                .append(" platform pool (`pool-size` 200: at most 2,000/s), on virtual threads (`threads=virtual`),")
                .append(" and with the wait done by `async.sleep` plus a timer calling `async.wake`. This part runs on")
                .append(" **Java 25** (Temurin), since virtual threads need Java 21+; 3 s warm-up, 5 s per run. The")
                .append(" reference for `async.sleep` is a plain async servlet that waits on the same timer and then")
                .append(" writes from its `WriteListener`: what the container, wrk and this machine allow a wait without a")
                .append(" thread at all. A last variant answers at once (JWSGI hello world on the same 1,000")
                .append(" connections): the most this machine served in that round at all, which the last column")
                .append(" divides by; it is cheaper per request than")
                .append(" the waiting variants, so it bounds them from above only loosely: the notes under the table give")
                .append(" each variant's CPU per request and how busy the server's CPU was. The")
                .append(" virtual-thread scheduler runs with parallelism 2 (`-Djdk.virtualThreadScheduler.parallelism=2`,")
                .append(" what the JVM chooses by itself on this 2-core machine): pinned to one CPU, the server JVM would")
                .append(" otherwise choose 1 (see the analysis).\n\n");
        table("blocking", "| container | variant | req/s | ÷ Little's-law limit (10,000/s) | ÷ no-wait ceiling of the same round |");
        Charts.boxes(charts.resolve("blocking.png"), "Blocking app: throughput ÷ Little's-law limit, per round",
                "share of 10,000 req/s", byContainer("blocking"), Map.of("0.9", 0.9));
        image("blocking.png", "Blocking app vs Little's law");
    }

    void file() throws IOException {
        md.append("## 7. A large file\n\nOne connection downloads a 1 GiB file (`wrk -t1 -c1`, 3 s warm-up then 3 s")
                .append(" per run; wrk counts every byte read), served by the container's own default servlet as")
                .append(" configured by default (Tomcat's sends it with `sendfile`) and by JWSGI through")
                .append(" `wsgi.file_wrapper`: the bridge writes read-only mapped 64 KiB slices of the file, through")
                .append(" Servlet 6.1's `ServletOutputStream.write(ByteBuffer)` on Tomcat 11 and copied into arrays on")
                .append(" Jetty ee10 (Servlet 6.0). The last two columns serve the same file as a `FileBody` over a")
                .append(" stream, which the bridge iterates, reading each 64 KiB block into a fresh array.\n\n");
        table("file", "| container | default servlet MiB/s | JWSGI wsgi.file_wrapper MiB/s | JWSGI ÷ default servlet"
                + " | JWSGI, file iterated as arrays MiB/s | JWSGI ÷ file iterated |");
    }

    void jmh() throws IOException {
        md.append("## 6. Inside the bridge (JMH)\n\nJMH 1.37, average time per operation, with `-prof gc` for the")
                .append(" bytes allocated per operation. Each bridge method against doing the same by hand:\n\n")
                .append("- **environ construction**: `ServletEnviron.of` for a GET with 8 browser headers, against copying")
                .append(" the request line and headers into a `HashMap`;\n")
                .append("- **header validation**: `HeaderRules` on a status and 5 headers, against a CR/LF check and")
                .append(" parsing the status code;\n")
                .append("- **sleep → wake → resume**: `async.wake` on a sleeping `Pump` (engine running turns on the")
                .append(" calling thread, a channel that does nothing) until the application sleeps again, against one")
                .append(" CAS, an executor hop, the next chunk and back.\n\n");
        table("jmh", "| benchmark | raw ns/op | JWSGI ns/op | JWSGI ÷ raw | raw B/op | JWSGI B/op |");
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        data.file("jmh").getOrDefault("ns", Map.of()).forEach((key, points) -> {
            String[] k = key.split("\\|");
            bars.computeIfAbsent(k[1], x -> new LinkedHashMap<>()).put(k[0], points.get(0)[1]);
        });
        Charts.bars(charts.resolve("jmh.png"), "JMH: time per operation", "ns/op (log scale)", bars, Map.of(), true);
        image("jmh.png", "JMH results");
    }

    private void table(String name, String header) throws IOException {
        md.append(header).append('\n').append(header.replaceAll("[^|]+", "---")).append('\n');
        String rows = read(name + ".rows.md");
        md.append(rows.isEmpty() ? "| not run |\n" : rows).append('\n');
        String notes = read(name + ".notes.md");
        if (!notes.isEmpty()) {
            md.append(notes).append('\n');
        }
    }

    private void image(String file, String alt) {
        md.append("![").append(alt).append("](docs/bench/").append(file).append(")\n\n");
    }

    private String read(String file) throws IOException {
        Path p = results.resolve(file);
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    /** series → container label → per-round values, for box plots. */
    private Map<String, Map<String, List<Double>>> byContainer(String file) {
        Map<String, Map<String, List<Double>>> out = new LinkedHashMap<>();
        data.file(file).forEach((container, bySeries) -> bySeries.forEach((series, points) ->
                out.computeIfAbsent(series, k -> new LinkedHashMap<>()).put(LABEL.getOrDefault(container, container),
                        values(points))));
        return out;
    }

    private static List<Double> values(List<double[]> points) {
        List<Double> v = new ArrayList<>();
        points.forEach(p -> v.add(p[1]));
        return v;
    }
}
