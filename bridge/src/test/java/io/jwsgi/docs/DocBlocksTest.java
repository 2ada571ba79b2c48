package io.jwsgi.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java code block of the README and of {@code docs/*.md} is code that the build compiles and
 * runs: a whole test source file (its {@code package} line aside, so a page may say
 * {@code package com.example;}), or the lines of a test source between {@code // docs:begin} and
 * {@code // docs:end}, indentation removed. The tests around that code run it.
 */
class DocBlocksTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PACKAGE = Pattern.compile("\\Apackage [\\w.]+;\n\n");

    @Test
    void everyJavaBlockOfTheDocsIsCodeTheBuildRuns() throws IOException {
        Set<String> runnable = runnableCode();
        List<String> missing = new ArrayList<>();
        int blocks = 0;
        for (Path page : pages()) {
            String text = Files.readString(page);
            Matcher block = JAVA_BLOCK.matcher(text);
            while (block.find()) {
                blocks++;
                if (!runnable.contains(withoutPackage(block.group(1)))) {
                    int line = (int) text.substring(0, block.start()).lines().count() + 1;
                    missing.add(ROOT.relativize(page) + ":" + line + ": " + firstCodeLine(block.group(1)));
                }
            }
        }

        assertThat(blocks).as("Java blocks in README.md and docs/*.md").isGreaterThan(15);
        assertThat(missing)
                .as("Java blocks found neither as a test source nor between // docs:begin and // docs:end in one")
                .isEmpty();
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Every test source of every module, whole and by region. */
    private static Set<String> runnableCode() throws IOException {
        Set<String> code = new HashSet<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path tests : modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(tests)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        String source = Files.readString(file);
                        code.add(withoutPackage(source));
                        code.addAll(regions(source));
                    }
                }
            }
        }
        return code;
    }

    private static List<String> regions(String source) {
        List<String> regions = new ArrayList<>();
        List<String> region = null;
        for (String line : source.split("\n", -1)) {
            if (line.trim().equals("// docs:begin")) {
                region = new ArrayList<>();
            } else if (line.trim().equals("// docs:end") && region != null) {
                regions.add(dedent(region));
                region = null;
            } else if (region != null) {
                region.add(line);
            }
        }
        return regions;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return text.toString();
    }

    private static String firstCodeLine(String block) {
        return block.lines().filter(l -> !l.isBlank() && !l.startsWith("package ") && !l.startsWith("import "))
                .findFirst().orElse("");
    }

    private static String withoutPackage(String code) {
        return PACKAGE.matcher(code).replaceFirst("");
    }
}
