package io.jwsgi.it;

import io.jwsgi.servlet.JwsgiServlet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.stream.Collectors;

/**
 * What must be left once a server is quiet again: no response in flight, no idle check on an
 * engine's timer, and no bridge thread doing anything (threads named {@code jwsgi-*} may live on
 * only as idle pool workers, waiting for a task).
 */
final class Residue {

    private Residue() {
    }

    /**
     * Waits until the servlets' engines have no response in flight and no idle check pending, and
     * no bridge thread is busy.
     *
     * @param where names the container, for the failure message
     * @param servlets the servlets whose engines must be quiet
     * @throws AssertionError naming what was left if the server does not settle within {@link Await#DEADLINE}
     */
    static void assertNone(String where, JwsgiServlet... servlets) throws InterruptedException {
        for (JwsgiServlet servlet : servlets) {
            if (servlet.engine() == null) {
                continue; // never initialised: Tomcat starts servlets at their first request
            }
            Await.until(() -> servlet.engine().inFlight() + " responses still in flight on " + where,
                    () -> servlet.engine().inFlight() == 0);
            Await.until(() -> servlet.engine().idleChecksPending() + " idle checks still pending on " + where,
                    () -> servlet.engine().idleChecksPending() == 0);
        }
        Await.until(() -> "bridge threads still busy on " + where + ": " + busyBridgeThreads(),
                () -> busyBridgeThreads().isEmpty());
    }

    /** The live threads named {@code jwsgi-*}. */
    static int bridgeThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(Residue::isBridge).count();
    }

    /** Each live {@code jwsgi-*} thread that is not an idle pool worker, with its top frames. */
    static List<String> busyBridgeThreads() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> isBridge(e.getKey()) && !isIdleWorker(e.getValue()))
                .map(Residue::describe)
                .collect(Collectors.toList());
    }

    private static boolean isBridge(Thread thread) {
        return thread.isAlive() && thread.getName().startsWith("jwsgi-");
    }

    private static boolean isIdleWorker(StackTraceElement[] stack) {
        // A pool worker between tasks waits in getTask(); one that is exiting has an empty stack.
        return stack.length == 0 || Arrays.stream(stack).anyMatch(frame ->
                frame.getClassName().equals(ThreadPoolExecutor.class.getName()) && frame.getMethodName().equals("getTask"));
    }

    private static String describe(Map.Entry<Thread, StackTraceElement[]> entry) {
        return entry.getKey().getName() + " " + entry.getKey().getState() + " at "
                + Arrays.stream(entry.getValue()).limit(6).map(String::valueOf).collect(Collectors.joining(" < "));
    }
}
