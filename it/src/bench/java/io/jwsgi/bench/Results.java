package io.jwsgi.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * What a benchmark JVM hands to the report: per scenario, markdown table rows
 * ({@code NAME.rows.md}), notes ({@code NAME.notes.md}) and raw samples for the charts
 * ({@code NAME.csv}: container, series, x, value), all under {@code ${bench.out}/results},
 * appended in run order. The profile empties that directory at the start of a run.
 */
final class Results {

    private Results() {
    }

    /** The results directory, from the system property {@code bench.out}. */
    static Path dir() {
        String out = System.getProperty("bench.out", "");
        if (out.isEmpty()) {
            throw new IllegalStateException("system property bench.out must name the output directory;"
                    + " run the benchmarks with mvn -P bench -pl it -am verify");
        }
        return Path.of(out, "results");
    }

    static void row(String scenario, String... cells) {
        append(scenario + ".rows.md", "| " + String.join(" | ", cells) + " |\n");
    }

    static void note(String scenario, String text) {
        append(scenario + ".notes.md", text + "\n");
    }

    static void sample(String scenario, String container, String series, double x, double value) {
        append(scenario + ".csv", String.format(Locale.ROOT, "%s,%s,%s,%s%n", container, series, x, value));
    }

    static void samples(String scenario, String container, String series, List<Double> values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            b.append(String.format(Locale.ROOT, "%s,%s,%d,%s%n", container, series, i + 1, values.get(i)));
        }
        append(scenario + ".csv", b.toString());
    }

    private static void append(String file, String text) {
        try {
            Path path = dir().resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
