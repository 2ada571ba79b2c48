package io.jwsgi.testtools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Prints, at the end of the build, the tests skipped because a program they run is missing, and the
 * one command that installs what they need. Run by the last module ({@code it/}) from
 * {@code exec:java}; prints nothing when no test ran in this build.
 */
public final class SkipSummary {

    private static final String RULE = "-".repeat(72);

    private SkipSummary() {
    }

    /**
     * Prints the summary of the records in a directory, then deletes older builds' records beside it.
     *
     * @param args the directory {@link SkippedForToolsListener} wrote to in this build
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        if (Files.isDirectory(dir)) {
            print(read(dir), System.out);
        }
        deleteOthers(dir);
    }

    static void print(List<String[]> records, PrintStream out) {
        out.println(RULE);
        if (records.isEmpty()) {
            out.println("No test was skipped for a missing program.");
            out.println(RULE);
            return;
        }
        long total = records.stream().mapToLong(r -> Long.parseLong(r[3])).sum();
        out.println("SKIPPED " + total + (total == 1 ? " test" : " tests")
                + " because a program they run is not installed (-D" + RequiredTools.REQUIRE
                + "=true makes this a failure):");
        Set<String> packages = new LinkedHashSet<>();
        for (String[] r : records) {
            String where = r[1].isEmpty() ? r[0] : r[0] + " on " + r[1];
            out.printf("  %-34s %-28s %3s  needs %s%n", where, r[2], r[3], r[4]);
            packages.addAll(Arrays.asList(r[5].split(" ")));
        }
        out.println("To run them, install what they need and build again:");
        out.println("  sudo apt-get install " + String.join(" ", packages));
        out.println(RULE);
    }

    private static List<String[]> read(Path dir) throws IOException {
        List<String[]> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        records.add(line.split("\t", -1));
                    }
                }
            }
        }
        records.sort(Comparator.comparing((String[] r) -> r[0]).thenComparing(r -> r[1]).thenComparing(r -> r[2]));
        return records;
    }

    private static void deleteOthers(Path dir) throws IOException {
        Path parent = dir.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        try (Stream<Path> builds = Files.list(parent)) {
            for (Path other : builds.filter(p -> !p.equals(dir)).toList()) {
                try (Stream<Path> files = Files.walk(other)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }
}
