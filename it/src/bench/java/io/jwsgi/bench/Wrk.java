package io.jwsgi.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code wrk} (the Debian package) against a URL on the load core and reads its exact totals
 * through a Lua {@code done} hook.
 */
final class Wrk {

    /**
     * One run's totals, and the latency of its requests as wrk saw it (closed loop: from sending a
     * request to its response, not from when it was due).
     */
    record Run(long requests, long bytes, long micros, long errors, long non2xx, long p50Micros, long p99Micros,
            long meanMicros) {
        double requestsPerSecond() {
            return requests * 1e6 / micros;
        }

        double bytesPerSecond() {
            return bytes * 1e6 / micros;
        }
    }

    private static final String SCRIPT = """
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("TOTALS %d %d %d %d %d %d %d %d\\n", summary.requests, summary.bytes,
                summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
                math.floor(latency:percentile(50)), math.floor(latency:percentile(99)), math.floor(latency.mean)))
            end
            """;

    private final Path script;

    private Wrk(Path script) {
        this.script = script;
    }

    /**
     * Checks that wrk is installed and prepares its script.
     *
     * @throws IllegalStateException naming the Debian package when wrk is missing
     */
    static Wrk require() throws IOException {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("wrk is not installed: the throughput benchmarks need the Debian"
                    + " package wrk (apt-get install -y wrk)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        Path script = Files.createTempFile("jwsgi-wrk", ".lua");
        Files.writeString(script, SCRIPT, StandardCharsets.US_ASCII);
        script.toFile().deleteOnExit();
        return new Wrk(script);
    }

    /**
     * One run of wrk with one thread.
     *
     * @param url the URL
     * @param connections open connections
     * @param seconds the duration
     * @return the totals
     */
    Run run(String url, int connections, int seconds) throws IOException, InterruptedException {
        List<String> command = Cpus.loadCommand(new ArrayList<>(List.of("wrk", "-t1", "-c" + connections,
                "-d" + seconds + "s", "--timeout", "30s", "-s", script.toString(), url)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
                throw new IllegalStateException("wrk did not end: " + command);
            }
        } finally {
            p.destroyForcibly();
        }
        for (String line : output.split("\n")) {
            if (line.startsWith("TOTALS ")) {
                String[] f = line.trim().split(" ");
                return new Run(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                        Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]),
                        Long.parseLong(f[8]));
            }
        }
        throw new IllegalStateException("wrk printed no totals for " + command + ":\n" + output);
    }
}
