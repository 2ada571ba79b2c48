package io.jwsgi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Core pinning with {@code taskset}: the server JVM on CPU 0, load generators on CPU 1, when the
 * machine has at least two cores and taskset works; otherwise nothing is pinned and the report says so.
 * {@link #unpinned} lifts the pinning for a part of the run ({@link Pinning}).
 */
final class Cpus {

    /** The core the server JVM is pinned to. */
    static final String SERVER = "0";
    /** The core wrk and the Java load client are pinned to. */
    static final String LOAD = "1";

    private static volatile String status = "not pinned";
    private static volatile boolean pinned;
    /** The CPUs this JVM could run on before it was pinned (Cpus_allowed_list), for {@link #unpinned}. */
    private static volatile String allowed = "";
    private static volatile boolean unpinnedRounds;

    private Cpus() {
    }

    /**
     * Pins every thread of this JVM (and the threads it creates later) to {@link #SERVER}, unless
     * {@code -Dbench.pin=false} (what the server does with both cores, {@link Pinning}).
     */
    static void pinThisJvm() {
        if (!Pinning.pinnedWanted()) {
            status = "not pinned (-Dbench.pin=false): the server, wrk and the load client share both cores";
            return;
        }
        if (Runtime.getRuntime().availableProcessors() < 2) {
            status = "not pinned: fewer than 2 cores";
            return;
        }
        allowed = allowedCpus();
        try {
            if (taskset(SERVER)) {
                pinned = true;
                status = "server JVM (all its threads) on CPU " + SERVER + ", wrk and the Java load client on CPU " + LOAD;
            } else {
                status = "not pinned: taskset failed";
            }
        } catch (IOException e) {
            status = "not pinned: taskset not found (Debian package util-linux)";
        }
    }

    /** Whether this JVM's threads are pinned to {@link #SERVER} now (and load generators to {@link #LOAD}). */
    static boolean pinned() {
        return pinned;
    }

    /**
     * Runs {@code work} with every thread of this JVM free to run on all the CPUs it started with and
     * the load generators it starts unpinned, then pins them again; when nothing is pinned it just runs it.
     *
     * @throws IllegalStateException when taskset cannot change the pinning either way
     */
    static <T> T unpinned(Callable<T> work) throws Exception {
        if (!pinned) {
            return work.call();
        }
        if (allowed.isEmpty() || !taskset(allowed)) {
            throw new IllegalStateException("taskset could not unpin this JVM: its CPUs at start were '" + allowed
                    + "', expected a list such as 0-1 from /proc/self/status");
        }
        pinned = false;
        unpinnedRounds = true;
        T result;
        try {
            result = work.call();
        } finally {
            pinned = taskset(SERVER);
        }
        if (!pinned) {
            throw new IllegalStateException("taskset could not pin this JVM to CPU " + SERVER + " again after unpinned rounds");
        }
        return result;
    }

    /** Sets the CPUs of every thread of this JVM; false when taskset fails. */
    private static boolean taskset(String cpus) throws IOException {
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** This JVM's main thread's CPU list, or "" when it cannot be read. */
    private static String allowedCpus() {
        return procField("/proc/self/status", "Cpus_allowed_list");
    }

    /**
     * The value of the first line of a Linux {@code /proc} file that starts with {@code key}: what
     * follows its colon, trimmed; "" when there is no such line or file (not Linux).
     */
    static String procField(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // Not Linux: the caller says the value is unknown.
        }
        return "";
    }

    /** Prefixes a load generator's command with taskset when this JVM is pinned. */
    static List<String> loadCommand(List<String> command) {
        List<String> full = new ArrayList<>();
        if (pinned) {
            full.addAll(List.of("taskset", "-c", LOAD));
        }
        full.addAll(command);
        return full;
    }

    /** What was pinned, for the report. */
    static String status() {
        return unpinnedRounds ? status + "; hello and stream also in rounds of their own with nothing pinned" : status;
    }

    /**
     * Context switches (voluntary and not) of this JVM's live threads so far, summed over
     * {@code /proc/self/task/*&#47;status}; threads that ended meanwhile are not counted.
     */
    static long contextSwitches() {
        long total = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches") || line.startsWith("nonvoluntary_ctxt_switches")) {
                            total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // The thread ended while being read.
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }

    /** CPU time this JVM has used so far, in nanoseconds (all its threads, user and system). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The 1-minute load average now, from /proc/loadavg, or "?". */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
