package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.servlet.JwsgiServlet;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The servlets' metrics read the way an operator's tool reads them: through the platform
 * MBeanServer, by ObjectName. A thousand sleepers show as asleep, then as completed with their
 * bytes and wake-to-write latencies; each other way of ending shows in its own counter.
 */
class MetricsJmxIT {

    private static final int SLEEPERS = 1000;
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    private static final Sleepers sleepers = new Sleepers();
    private static final Router faults = new Router();
    private static final Router idle = new Router();

    static {
        faults.put("/fail", (environ, start) -> {
            throw new IllegalStateException("the application failed on purpose");
        });
        faults.put("/endless", endless());
        idle.put("/never-woken", neverWoken());
    }

    // Both containers name the servlets jwsgi-1, jwsgi-2, ... in the order given here.
    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .maxThreads(24)
            .servlet("/app", "/*", new JwsgiServlet(sleepers), "pool-size", "4")
            .servlet("/faults", "/*", new JwsgiServlet(faults))
            .servlet("/faults", "/idle/*", new JwsgiServlet(idle), "async-timeout", "300"));

    @Test
    void aThousandSleepersShowAsAsleepThenAsCompletedWithTheirBytesAndWakeLatencies() throws Exception {
        ObjectName app = new ObjectName("io.jwsgi:type=Servlet,context=\"/app\",name=\"jwsgi-1\"");
        List<RawConnection> connections = new ArrayList<>(SLEEPERS);
        try {
            // given a thousand requests asleep
            for (int i = 0; i < SLEEPERS; i++) {
                connections.add(RawConnection.open(server.port()).get("/app/sleep?" + i));
            }
            Await.until(() -> "1000 asleep through JMX on " + server.name() + ": " + read(app),
                    () -> JMX.isRegistered(app) && ((Integer) attribute(app, "Asleep")) == SLEEPERS);
            // Tomcat initialises a servlet (and so registers its MBean) at its first request.
            assertThat(JMX.getAttribute(app, "Application")).isEqualTo(Sleepers.class.getName());

            // then JMX shows them open and asleep, nothing else
            assertThat(read(app)).as("while they sleep, on %s", server.name()).containsAllEntriesOf(Map.of(
                    "Open", SLEEPERS, "Asleep", SLEEPERS, "Running", 0, "Queued", 0, "AwaitingClient", 0,
                    "Completed", 0L, "BytesWritten", 0L, "WakeToWriteSamples", 0));

            // when a foreign thread wakes them all and they answer
            Thread waker = new Thread(() -> sleepers.asleep().values().forEach(Runnable::run), "test-waker");
            waker.start();
            long expectedBytes = 0;
            for (int i = 0; i < SLEEPERS; i++) {
                assertThat(connections.get(i).readResponse().text()).isEqualTo("woke " + i + "\n");
                expectedBytes += ("woke " + i + "\n").length();
            }
            waker.join(Await.DEADLINE.toMillis());

            // then JMX shows them completed, with every byte and one latency sample each
            Await.until(() -> "all completed through JMX on " + server.name() + ": " + read(app),
                    () -> ((Long) attribute(app, "Completed")) == SLEEPERS);
            Map<String, Object> after = read(app);
            assertThat(after).as("after they ended, on %s", server.name()).containsAllEntriesOf(Map.of(
                    "Open", 0, "Asleep", 0, "Completed", (long) SLEEPERS, "FailedByApplication", 0L,
                    "ClientGone", 0L, "TimedOut", 0L, "BytesWritten", expectedBytes, "WakeToWriteSamples", SLEEPERS));
            double p50 = (Double) after.get("WakeToWriteP50Millis");
            double p99 = (Double) after.get("WakeToWriteP99Millis");
            assertThat(p50).as("median wake-to-write ms on %s", server.name()).isPositive();
            assertThat(p99).as("p99 wake-to-write ms on %s", server.name()).isGreaterThanOrEqualTo(p50)
                    .isLessThan(Await.DEADLINE.toMillis());
        } finally {
            for (RawConnection c : connections) {
                c.close();
            }
        }
    }

    @Test
    void eachWayOfEndingShowsInItsOwnCounter() throws Exception {
        ObjectName faulty = new ObjectName("io.jwsgi:type=Servlet,context=\"/faults\",name=\"jwsgi-2\"");
        ObjectName timing = new ObjectName("io.jwsgi:type=Servlet,context=\"/faults\",name=\"jwsgi-3\"");

        // when the application fails, a client leaves a stream, and a sleeper is never woken
        try (RawConnection fail = RawConnection.open(server.port())) {
            assertThat(fail.get("/faults/fail").readResponse().status()).isEqualTo(500);
        }
        try (RawConnection leaving = RawConnection.open(server.port())) {
            assertThat(leaving.get("/faults/endless").readHead()).isEqualTo(200);
            leaving.reset();
        }
        try (RawConnection waiting = RawConnection.open(server.port())) {
            assertThat(waiting.get("/faults/idle/never-woken").readResponse().status()).isEqualTo(503);
        }

        // then each is counted where it belongs
        Await.until(() -> "the endings through JMX on " + server.name() + ": " + read(faulty) + " " + read(timing),
                () -> (Long) attribute(faulty, "ClientGone") == 1 && (Long) attribute(timing, "TimedOut") == 1);
        assertThat(read(faulty)).as("%s on %s", faulty, server.name()).containsAllEntriesOf(Map.of(
                "Open", 0, "Completed", 0L, "FailedByApplication", 1L, "ClientGone", 1L, "TimedOut", 0L));
        assertThat(read(timing)).as("%s on %s", timing, server.name()).containsAllEntriesOf(Map.of(
                "Open", 0, "Completed", 0L, "FailedByApplication", 0L, "ClientGone", 0L, "TimedOut", 1L));
    }

    private static Object attribute(ObjectName name, String attribute) {
        try {
            return JMX.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + attribute + " of " + name + ": " + e, e);
        }
    }

    /** Every attribute of the MBean, by name. */
    private static Map<String, Object> read(ObjectName name) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (!JMX.isRegistered(name)) {
            return Map.of("registered", false);
        }
        for (String attribute : List.of("Open", "Asleep", "Running", "Queued", "AwaitingClient", "Completed",
                "FailedByApplication", "ClientGone", "TimedOut", "EndedByShutdown", "BytesWritten",
                "WakeToWriteSamples", "WakeToWriteP50Millis", "WakeToWriteP99Millis")) {
            values.put(attribute, attribute(name, attribute));
        }
        return values;
    }

    /** 64 KiB chunks without end: only a client that leaves stops it. */
    private static Application endless() {
        byte[] chunk = new byte[64 * 1024];
        return (environ, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream")));
            return () -> new java.util.Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public byte[] next() {
                    return chunk;
                }
            };
        };
    }

    /** Sleeps before its head and is never woken: only the idle timeout ends it. */
    private static Application neverWoken() {
        return (environ, start) -> {
            Runnable sleep = (Runnable) environ.get(Environ.ASYNC_SLEEP);
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return () -> new java.util.Iterator<>() {
                private boolean slept;

                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public byte[] next() {
                    if (!slept) {
                        slept = true;
                        sleep.run();
                        return new byte[0];
                    }
                    return "woken after all\n".getBytes(StandardCharsets.UTF_8);
                }
            };
        };
    }
}
