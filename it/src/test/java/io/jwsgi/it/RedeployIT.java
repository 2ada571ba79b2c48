package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.Servlet;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Redeploying the sample WAR again and again with requests asleep in it: each undeploy ends them
 * in order (a long-poll not yet answered gets {@code 503}, a stream already under way is cut),
 * leaves none of the WAR's threads running and none of its metrics MBeans registered, and lets
 * the WAR's class loader be collected.
 */
class RedeployIT {

    /** Redeploys per run; {@code -Dredeploy.rounds=N} changes it. */
    private static final int ROUNDS = Integer.getInteger("redeploy.rounds", 20);
    // Held strongly: java.util.logging keeps loggers only weakly, and this test runs the GC.
    private static final Logger TOMCAT_LOADER = Logger.getLogger("org.apache.catalina.loader");
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @Test
    void redeployingTheSampleWarWithSleepersPendingLeaksNoThreadAndNoClassLoader() throws Exception {
        // given a running container, and the threads alive before any deploy
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        List<String> leakWarnings = new ArrayList<>();
        Handler tomcatLeakWarnings = warningsOf(TOMCAT_LOADER, leakWarnings);
        LiveHost host = LiveHost.start();
        try {
            // when the WAR is deployed, given sleepers, and undeployed, again and again
            for (int round = 0; round < ROUNDS; round++) {
                loaders.add(deployServeAndUndeploy(host, round));
            }

            // then no thread the WARs started is left
            Await.until(() -> "threads of undeployed WARs still alive on " + Container.name() + ": " + startedSince(before),
                    () -> startedSince(before).isEmpty());
        } finally {
            host.stop();
            TOMCAT_LOADER.removeHandler(tomcatLeakWarnings);
        }
        assertThat(leakWarnings.stream().filter(w -> !containerThreadIdleAgain(w) && !backgroundTickWaitingForTheStop(w)))
                .as("Tomcat's leak warnings on %s", Container.name()).isEmpty();
        // and every WAR's class loader can be collected
        awaitCollected(loaders);
    }

    private static WeakReference<ClassLoader> deployServeAndUndeploy(LiveHost host, int round) throws Exception {
        LiveHost.Deployed war = host.deployWar("/sample", sampleWar());
        WeakReference<ClassLoader> loader = new WeakReference<>(war.classLoader());
        String where = "round " + round + " on " + Container.name();
        try (RawConnection poll = RawConnection.open(host.port()); RawConnection stream = RawConnection.open(host.port())) {
            // a long-poll asleep before its head, a stream asleep between two lines
            poll.get("/sample/chat/poll?after=0");
            assertThat(stream.get("/sample/stream/run?lines=100&interval=5000").readHead()).as("stream status, %s", where)
                    .isEqualTo(200);
            stream.readChunk();
            Await.until(() -> "both requests in flight, " + where,
                    () -> inFlight(war, "chat") == 1 && inFlight(war, "stream") == 1);
            assertThat(war.servlet("chat").getClass().getClassLoader())
                    .as("the bridge is the WAR's own copy, loaded by its class loader, %s", where).isSameAs(war.classLoader());
            ObjectName chat = new ObjectName("io.jwsgi:type=Servlet,context=\"/sample\",name=\"chat\"");
            Await.until(() -> "the long-poll asleep, through the chat servlet's MBean, " + where + ": open "
                    + attribute(chat, "Open") + ", asleep " + attribute(chat, "Asleep") + ", running " + attribute(chat, "Running")
                    + ", queued " + attribute(chat, "Queued") + ", awaiting client " + attribute(chat, "AwaitingClient"),
                    () -> Integer.valueOf(1).equals(attribute(chat, "Asleep")));

            war.undeploy();

            assertThat(JMX.queryNames(new ObjectName("io.jwsgi:context=\"/sample\",*"), null))
                    .as("metrics MBeans left registered after undeploy, %s", where).isEmpty();

            assertThat(List.of(seen(poll), stream.readRestOfChunkedBody() ? "whole" : "cut"))
                    .as("the long-poll, the stream, after undeploy, %s", where).isEqualTo(List.of("503 whole", "cut"));
        }
        return loader;
    }

    /** The responses in flight on a servlet of the WAR, read through its engine by reflection (its own classes). */
    private static int inFlight(LiveHost.Deployed war, String servletName) {
        try {
            Servlet servlet = war.servlet(servletName);
            // Tomcat loads a servlet at its first request.
            Object engine = servlet == null ? null : servlet.getClass().getMethod("engine").invoke(servlet);
            return engine == null ? 0 : (Integer) engine.getClass().getMethod("inFlight").invoke(engine);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the engine of servlet " + servletName, e);
        }
    }

    private static Object attribute(ObjectName name, String attribute) {
        try {
            return JMX.getAttribute(name, attribute);
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("cannot read " + attribute + " of " + name + ": " + e, e);
        }
    }

    private static String seen(RawConnection conn) throws IOException {
        try {
            RawResponse response = conn.readResponse();
            return response.status() + (response.complete() ? " whole" : " cut");
        } catch (EOFException | SocketException e) {
            return "closed";
        }
    }

    /** Live threads not in {@code before}, except the container's own pool threads. */
    private static List<String> startedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t) && t.getName().startsWith("jwsgi-"))
                .map(Thread::getName).sorted().collect(Collectors.toList());
    }

    private static void awaitCollected(List<WeakReference<ClassLoader>> loaders) throws InterruptedException {
        Await.until(() -> loaders.stream().filter(r -> r.get() != null).count() + " of " + loaders.size()
                + " undeployed WARs' class loaders still reachable on " + Container.name(), () -> {
                    System.gc();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                    return loaders.stream().allMatch(r -> r.get() == null);
                });
    }

    private static Path sampleWar() {
        String file = System.getProperty("jwsgi.sample.war", "");
        if (file.isEmpty() || file.startsWith("${")) {
            throw new IllegalStateException("system property jwsgi.sample.war must name the sample WAR; run through mvn verify");
        }
        return Path.of(file);
    }

    /**
     * Whether a warning names one of Tomcat's own request threads whose stack, printed with the
     * warning, shows it back in its pool waiting for work, with no frame of the bridge or the
     * application: a container thread that was bound to the context when Tomcat checked, not a
     * thread left behind. ({@code destroy()} now waits until every container thread that reported
     * the completion of an exchange the undeploy ended has left the application, so this is not
     * expected; a thread caught running, or with an application frame, still fails the test.)
     * The class loaders and threads are checked on their own.
     */
    private static boolean containerThreadIdleAgain(String warning) {
        return warning.contains("http-nio-") && warning.contains("TaskQueue.take") && !warning.contains("io.jwsgi");
    }

    /**
     * Whether a warning names Tomcat's utility thread blocked at the entry of the stopping
     * context's own {@code backgroundProcess}, which is {@code synchronized} on the context as
     * its {@code stop()} is: Tomcat's periodic task (every 10 s), bound to the context's class
     * loader before it calls in, that came while the context stopped and waits for the stop to
     * end. Its chance grows with the time {@code destroy()} waits for Tomcat to finish the
     * exchanges the undeploy cut (up to a second, Tomcat's async timeout sweep). The warning's
     * stack then starts at that method and holds no frame of the bridge or the application.
     */
    private static boolean backgroundTickWaitingForTheStop(String warning) {
        String[] lines = warning.split("\\R");
        return warning.contains("[Catalina-utility-") && lines.length > 1
                && lines[1].contains("org.apache.catalina.core.StandardContext.backgroundProcess(")
                && warning.contains("ContainerBackgroundProcessor") && !warning.contains("io.jwsgi");
    }

    /** Collects the WARNING records of a logger (Tomcat names leaked threads and ThreadLocals there). */
    private static Handler warningsOf(Logger logger, List<String> into) {
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    synchronized (into) {
                        into.add(record.getMessage());
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        return handler;
    }
}
