package io.jwsgi.testtools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.opentest4j.AssertionFailedError;

/**
 * The check a test makes before it starts an outside program. On a machine without the program the
 * test is skipped (a JUnit assumption, so the build still passes) with one line naming the Debian
 * package to install; {@link SkippedForToolsListener} records the skip and the build's last lines
 * list every such skip. With {@code -Djwsgi.require-tools=true} (as CI runs) a missing program fails
 * the test instead, so a build can never pass by skipping.
 *
 * <pre>{@code
 * @BeforeAll
 * static void startRedis() throws IOException {
 *     Path binary = RequiredTools.require("the Redis chat tests", Tool.REDIS_SERVER).get(0);
 *     ...
 * }
 * }</pre>
 */
public final class RequiredTools {

    /** System property: {@code true} turns a skip for a missing program into a failure. */
    public static final String REQUIRE = "jwsgi.require-tools";

    private RequiredTools() {
    }

    /**
     * Finds the programs a test needs.
     *
     * @param who what needs them, for the message, e.g. {@code "the browser tests"}
     * @param tools the programs
     * @return their paths, in the order given
     * @throws MissingToolsException to skip the test when one is missing
     * @throws AssertionFailedError instead, when {@value #REQUIRE} is {@code true}
     */
    public static List<Path> require(String who, Tool... tools) {
        List<Path> found = new ArrayList<>();
        Set<String> missing = new LinkedHashSet<>();
        Set<String> packages = new LinkedHashSet<>();
        for (Tool tool : tools) {
            Optional<Path> path = tool.find();
            if (path.isPresent()) {
                found.add(path.get());
            } else {
                missing.add(tool.command());
                packages.add(tool.debianPackage());
            }
        }
        if (missing.isEmpty()) {
            return found;
        }
        String install = "sudo apt-get install " + String.join(" ", packages);
        String reason = who + " need " + String.join(" and ", missing) + ", not found on the search path ("
                + Tool.searchPath() + "); install with: " + install;
        if (Boolean.getBoolean(REQUIRE)) {
            throw new AssertionFailedError("FAILED, not skipped (-D" + REQUIRE + "=true): " + reason);
        }
        System.err.println("SKIPPED: " + reason);
        throw new MissingToolsException("SKIPPED: " + reason, String.join(", ", missing), String.join(" ", packages));
    }
}
