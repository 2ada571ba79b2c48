package io.jwsgi.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A class histogram of this JVM's live objects ({@code jcmd <pid> GC.class_histogram}, which runs
 * a full GC first): counts objects by class, so two moments can be compared exactly, without the
 * noise of heap totals.
 */
final class Histogram {

    private static final Pattern LINE = Pattern.compile("\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*");

    /** Instances and bytes by class name. */
    private final Map<String, long[]> byClass = new HashMap<>();

    private Histogram() {
    }

    /** Takes the histogram of this JVM now. */
    static Histogram take() throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path jcmd = java.getParent() == null ? Path.of("jcmd") : java.getParent().resolve("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        Histogram h = new Histogram();
        for (String line : out.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                h.byClass.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
        }
        if (h.byClass.isEmpty()) {
            throw new IllegalStateException("jcmd GC.class_histogram gave no histogram: " + out);
        }
        return h;
    }

    /** Bytes of this histogram minus {@code other}'s, divided by {@code n}. */
    double bytesOver(Histogram other, int n) {
        return (total(this) - total(other)) / (double) n;
    }

    /** The classes that make most of the difference, as {@code "Name 672 B (21)"} per {@code n}. */
    List<String> topOver(Histogram other, int n, int count) {
        List<Map.Entry<String, long[]>> diff = new ArrayList<>();
        for (Map.Entry<String, long[]> e : byClass.entrySet()) {
            long[] o = other.byClass.getOrDefault(e.getKey(), new long[2]);
            diff.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - o[0], e.getValue()[1] - o[1]}));
        }
        diff.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        List<String> top = new ArrayList<>();
        for (int i = 0; i < Math.min(count, diff.size()); i++) {
            long[] d = diff.get(i).getValue();
            String name = diff.get(i).getKey().replaceAll("\\$\\$Lambda.*", "$$Lambda").replace("java.util.", "")
                    .replace("java.lang.", "").replace("[B", "byte[]").replace("[L", "").replace(";", "[]");
            top.add(Stats.format("`%s` %.0f B (%.1f)", name, d[1] / (double) n, d[0] / (double) n));
        }
        return top;
    }

    private static long total(Histogram h) {
        return h.byClass.values().stream().mapToLong(v -> v[1]).sum();
    }
}
