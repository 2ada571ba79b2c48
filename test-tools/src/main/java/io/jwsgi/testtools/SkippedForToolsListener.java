package io.jwsgi.testtools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Records every test or test class skipped by {@link RequiredTools} for a missing program, one file per
 * test JVM in the directory named by the system property {@value #REPORT_DIR}, for {@link SkipSummary}
 * to print at the end of the build. Registered through {@code META-INF/services}, so every test JVM
 * with this jar on its class path runs it; without the property it does nothing.
 *
 * <p>A line per skip, tab-separated: module, container (the {@code jwsgi.container} property, or
 * empty), test class, number of tests, missing programs, Debian packages.
 */
public final class SkippedForToolsListener implements TestExecutionListener {

    /** System property: the directory the records go to, one per build. */
    public static final String REPORT_DIR = "jwsgi.tools.report";
    /** System property: the Maven module whose tests run, for the summary. */
    public static final String MODULE = "jwsgi.tools.module";

    private final List<String> records = new ArrayList<>();
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        Path dir = reportDir();
        if (dir != null) {
            try {
                // the directory itself tells the summary that tests ran in this build
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir + " for the skipped-tests records", e);
            }
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED
                && result.getThrowable().orElse(null) instanceof MissingToolsException missing) {
            records.add(String.join("\t", System.getProperty(MODULE, "?"), System.getProperty("jwsgi.container", ""),
                    where(id), Long.toString(tests(id)), missing.missing(), missing.packages()));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        Path dir = reportDir();
        if (dir == null || records.isEmpty()) {
            return;
        }
        Path file = dir.resolve(ManagementFactory.getRuntimeMXBean().getPid() + "-" + System.nanoTime() + ".tsv");
        try {
            Files.write(file, records, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the skipped-tests record " + file, e);
        }
        records.clear();
    }

    private static Path reportDir() {
        String dir = System.getProperty(REPORT_DIR);
        return dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    /** The tests under a skipped node: a parameterized method whose invocations are unknown counts once. */
    private long tests(TestIdentifier id) {
        if (id.isTest()) {
            return 1;
        }
        long count = plan.getDescendants(id).stream()
                .filter(d -> d.isTest() || d.getSource().orElse(null) instanceof MethodSource && plan.getChildren(d).isEmpty())
                .count();
        return Math.max(count, 1);
    }

    private static String where(TestIdentifier id) {
        TestSource source = id.getSource().orElse(null);
        if (source instanceof ClassSource c) {
            return simpleName(c.getClassName());
        }
        if (source instanceof MethodSource m) {
            return simpleName(m.getClassName()) + "." + m.getMethodName();
        }
        return id.getDisplayName();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
