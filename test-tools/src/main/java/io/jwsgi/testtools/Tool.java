package io.jwsgi.testtools;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** An outside program that some of the project's tests run, and the Debian package that installs it. */
public enum Tool {
    /** The browser that the Selenium tests drive, headless. */
    CHROMIUM("chromium", "chromium"),
    /** Chromium's WebDriver server; Selenium is given this one and never downloads a driver. */
    CHROMEDRIVER("chromedriver", "chromium-driver"),
    /** The Redis server that the chat's Redis tests start on a free port. */
    REDIS_SERVER("redis-server", "redis-server"),
    /** The HTTP load generator of the benchmarks. */
    WRK("wrk", "wrk");

    /**
     * System property overriding where programs are looked for (a list like {@code PATH}); by default
     * the {@code PATH} of the test's JVM. {@code -Djwsgi.tools.path=/nonexistent} shows what a
     * machine without the programs does.
     */
    public static final String SEARCH_PATH = "jwsgi.tools.path";

    private final String command;
    private final String debianPackage;

    Tool(String command, String debianPackage) {
        this.command = command;
        this.debianPackage = debianPackage;
    }

    /** The program's name on the search path, e.g. {@code redis-server}. */
    public String command() {
        return command;
    }

    /** The Debian package that installs it, e.g. {@code chromium-driver}. */
    public String debianPackage() {
        return debianPackage;
    }

    /**
     * Looks for the program on the search path.
     *
     * @return its path, or empty if no directory of the search path holds it as an executable file
     */
    public Optional<Path> find() {
        for (String dir : searchPath().split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, command);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** The directories looked in, as one {@code PATH}-like string. */
    static String searchPath() {
        String override = System.getProperty(SEARCH_PATH);
        if (override != null) {
            return override;
        }
        String path = System.getenv("PATH");
        return path == null ? "" : path;
    }
}
