package io.jwsgi.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Scenario 6: one connection downloading a 1 GiB file, served by the container's own default
 * servlet (as configured by default: Tomcat's uses {@code sendfile}) and by the bridge through
 * {@code wsgi.file_wrapper} (mapped slices, written with Servlet 6.1's
 * {@code ServletOutputStream.write(ByteBuffer)} where the container has it); wrk counts the bytes.
 * The two take turns on the same container in the same JVM.
 */
final class FileBench {

    static final String NAME = "file";
    /** The file, in the directory the default servlet serves. */
    static final String FILE_NAME = "file-1GiB.bin";
    static final String DEFAULT_SERVLET = "default servlet";
    static final String JWSGI = "JWSGI wsgi.file_wrapper";
    static final String JWSGI_PATH = "/jwsgi/file";
    /** The same file iterated as arrays (a FileBody over a stream): what the bridge did before it mapped files. */
    static final String ITERATED = "JWSGI, file iterated as arrays";
    static final String ITERATED_PATH = "/jwsgi/file-iterated";
    private static final long SIZE = 1L << 30;
    private static final boolean PROFILE = Boolean.parseBoolean(System.getProperty("bench.profile", "true"));

    private FileBench() {
    }

    /** Writes the file of seeded random bytes into {@code dir}, unless one of the right size is there. */
    static Path create(Path dir) throws IOException {
        Path file = Files.createDirectories(dir).resolve(FILE_NAME);
        if (Files.isRegularFile(file) && Files.size(file) == SIZE) {
            return file;
        }
        byte[] block = new byte[1 << 20];
        Random random = new Random(6);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < SIZE; written += block.length) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        return file;
    }

    static void run(Bench b) throws Exception {
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put(DEFAULT_SERVLET, "/" + FILE_NAME);
        paths.put(JWSGI, JWSGI_PATH);
        paths.put(ITERATED, ITERATED_PATH);
        List<String> variants = new ArrayList<>(paths.keySet());
        for (String v : variants) {
            b.wrk.run(b.url(paths.get(v)), 1, b.settings.streamSeconds());
        }
        Map<String, List<Double>> mibs = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        variants.forEach(v -> {
            mibs.put(v, new ArrayList<>());
            cpu.put(v, new ArrayList<>());
        });
        for (int round = 0; round < b.settings.pairs(); round++) {
            for (int i = 0; i < variants.size(); i++) {
                String v = variants.get((i + round) % variants.size());
                long cpuBefore = Cpus.processCpuNanos();
                Wrk.Run run = b.wrk.run(b.url(paths.get(v)), 1, b.settings.streamSeconds());
                if (run.errors() > 0 || run.non2xx() > 0) {
                    throw new IllegalStateException(v + " failed on " + b.container + ": " + run);
                }
                cpu.get(v).add((Cpus.processCpuNanos() - cpuBefore) / 1000.0 / (run.bytes() / 1048576.0));
                mibs.get(v).add(run.bytesPerSecond() / (1 << 20));
            }
        }
        List<Double> ratio = HelloBench.ratios(mibs.get(JWSGI), mibs.get(DEFAULT_SERVLET));
        List<Double> overIterated = HelloBench.ratios(mibs.get(JWSGI), mibs.get(ITERATED));
        Results.row(NAME, b.container, Stats.range(mibs.get(DEFAULT_SERVLET), "%.0f"),
                Stats.range(mibs.get(JWSGI), "%.0f"), Stats.ratio(ratio), Stats.range(mibs.get(ITERATED), "%.0f"),
                Stats.ratio(overIterated));
        Results.samples(NAME, b.container, "JWSGI / default servlet", ratio);
        Results.samples(NAME, b.container, "JWSGI / file iterated", overIterated);
        if (PROFILE) {
            for (String v : variants) {
                Results.note(NAME, Stats.format("- %s, %s: server JVM CPU %s µs per MiB", b.container, v,
                        Stats.range(cpu.get(v), "%.0f")));
            }
        }
    }
}
