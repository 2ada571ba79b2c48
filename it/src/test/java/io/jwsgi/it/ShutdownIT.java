package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import io.jwsgi.Header;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stopping the container, or undeploying one context, ends the responses still in flight, closing
 * their iterables once, lets each client see an orderly end, and leaves no bridge thread or idle
 * check behind.
 */
class ShutdownIT {

    private static final byte[] KIB64 = new byte[65536];
    private static final LogCapture log = LogCapture.install();

    @AfterAll
    static void stopCapture() {
        log.close();
    }

    /** How the responses' context goes away. */
    enum Stop { UNDEPLOY_THE_CONTEXT, STOP_THE_SERVER }

    @ParameterizedTest
    @EnumSource(Stop.class)
    void stoppingEndsEveryKindOfPendingResponseCleanly(Stop stop) throws Exception {
        // given responses that wait: asleep before the head, asleep after it, stalled on a client reading nothing
        OneSleeper beforeHead = new OneSleeper(List.of(), i -> ProbeBody.END);
        OneSleeper afterHead = new OneSleeper(List.of("partial\n"), i -> ProbeBody.END);
        ProbeBody endless = new ProbeBody(i -> KIB64);
        Router router = new Router();
        router.put("/before-head", beforeHead);
        router.put("/after-head", afterHead);
        router.put("/stalled", (env, sr) -> {
            sr.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream")));
            return endless;
        });
        JwsgiServlet servlet = new JwsgiServlet(router);
        LiveHost host = LiveHost.start();
        log.clear();
        String where = stop + " on " + Container.name();
        try (RawConnection first = RawConnection.open(host.port());
                RawConnection second = RawConnection.open(host.port());
                RawConnection third = RawConnection.open(host.port())) {
            LiveHost.Deployed context = host.deployServlet("/app", "stopping", servlet, "async-timeout", "60000");
            first.get("/app/before-head");
            second.get("/app/after-head").readHead();
            second.readChunk();
            third.get("/app/stalled").readHead();
            assertThat(beforeHead.awaitAsleep() && afterHead.awaitAsleep()).as("asleep: %s", where).isTrue();
            Await.stalled("the stream to a client that reads nothing", endless::pulls);
            assertThat(servlet.engine().idleChecksPending()).as("idle checks before: %s", where).isEqualTo(3);

            // when the context is undeployed, or the whole server stopped
            if (stop == Stop.UNDEPLOY_THE_CONTEXT) {
                context.undeploy();
            } else {
                host.stop();
            }

            // then each client sees an orderly end
            assertThat(List.of(seen(first), second.readRestOfChunkedBody() ? "whole" : "cut", third.awaitServerClose()))
                    .as("before the head, after it, stalled: %s", where)
                    .isEqualTo(List.of(expectedBeforeHead(stop), "cut", true));
        } finally {
            if (stop == Stop.UNDEPLOY_THE_CONTEXT) {
                host.stop();
            }
        }
        // and every iterable was closed once, and nothing of the engine is left
        assertThat(List.of(beforeHead.body().closes(), afterHead.body().closes(), endless.closes()))
                .as("close() calls: %s", where).isEqualTo(List.of(1, 1, 1));
        assertThat(List.of(servlet.engine().inFlight(), servlet.engine().idleChecksPending()))
                .as("responses in flight and idle checks left: %s", where).isEqualTo(List.of(0, 0));
        Await.until(() -> "threads of the stopped engine still alive: " + where, () -> engineThreads("jwsgi-stopping-") == 0);
        assertThat(log.lines()).as("the bridge's warnings: %s", where)
                .allMatch(line -> line.contains("the server is shutting down"));
    }

    /** How many times each way of stopping is repeated; {@code -Dshutdown.rounds=N}. */
    private static final int ROUNDS = Integer.getInteger("shutdown.rounds", 50);

    @ParameterizedTest // #14
    @EnumSource(Stop.class)
    void stoppingRepeatedlyNeverMakesACutResponseLookWhole(Stop stop) throws Exception {
        // given, ROUNDS times, a response asleep before its head and one asleep after it
        List<String> wrong = new ArrayList<>();
        LiveHost shared = stop == Stop.UNDEPLOY_THE_CONTEXT ? LiveHost.start() : null;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String outcome = stopOnce(stop, shared, round);
                if (!outcome.isEmpty()) {
                    wrong.add("round " + round + ": " + outcome);
                }
            }
        } finally {
            if (shared != null) {
                shared.stop();
            }
        }

        // then each time, before the head a 5xx or a closed connection, after it a cut, close() once each
        assertThat(wrong).as("%d rounds of %s on %s", ROUNDS, stop, Container.name()).isEmpty();
    }

    /** One stop; returns what went wrong, or "" if nothing did. */
    private static String stopOnce(Stop stop, LiveHost shared, int round) throws Exception {
        OneSleeper beforeHead = new OneSleeper(List.of(), i -> ProbeBody.END);
        OneSleeper afterHead = new OneSleeper(List.of("partial\n"), i -> ProbeBody.END);
        Router router = new Router();
        router.put("/before-head", beforeHead);
        router.put("/after-head", afterHead);
        LiveHost host = shared != null ? shared : LiveHost.start();
        List<Object> seen;
        boolean stopped = false;
        try (RawConnection first = RawConnection.open(host.port());
                RawConnection second = RawConnection.open(host.port())) {
            LiveHost.Deployed context = host.deployServlet("/r" + round, "round", new JwsgiServlet(router));
            first.get("/r" + round + "/before-head");
            second.get("/r" + round + "/after-head").readHead();
            second.readChunk();
            if (!beforeHead.awaitAsleep() || !afterHead.awaitAsleep()) {
                return "the responses did not fall asleep";
            }
            if (stop == Stop.UNDEPLOY_THE_CONTEXT) {
                context.undeploy();
            } else {
                stopped = true;
                host.stop();
            }
            seen = List.of(seen(first), second.readRestOfChunkedBody() ? "whole" : "cut");
        } finally {
            if (shared == null && !stopped) {
                host.stop();
            }
        }
        List<Integer> closes = List.of(beforeHead.body().closes(), afterHead.body().closes());
        boolean beforeHeadRight = seen.get(0).toString().matches("5\\d\\d whole|closed");
        return beforeHeadRight && seen.get(1).equals("cut") && closes.equals(List.of(1, 1)) ? ""
                : "before the head, after it: " + seen + ", close() calls " + closes;
    }

    private static String expectedBeforeHead(Stop stop) {
        // Jetty fails the pending requests of a stopping server itself, before it destroys servlets.
        return stop == Stop.STOP_THE_SERVER && Container.name().equals("jetty") ? "500 whole" : "503 whole";
    }

    /** What a client whose response had not begun saw: "NNN whole", "NNN cut", or "closed" without a response. */
    private static String seen(RawConnection conn) throws IOException {
        try {
            RawResponse response = conn.readResponse();
            return response.status() + (response.complete() ? " whole" : " cut");
        } catch (EOFException | SocketException e) {
            return "closed";
        }
    }

    private static long engineThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    @Test
    void stoppingTheContainerEndsSleepingResponses() throws Exception {
        // given a container with a response asleep
        OneSleeper app = new OneSleeper(List.of(), i -> ProbeBody.END);
        JwsgiServlet servlet = new JwsgiServlet(app);
        Container container = Container.start(new Deployment().servlet("", "/*", servlet, "shutdown-grace", "5000"));
        boolean stopped = false;
        try (RawConnection conn = RawConnection.open(container.port())) {
            conn.get("/sleeping");
            assertThat(app.awaitAsleep()).as("asleep on %s", Container.name()).isTrue();

            // when the container stops
            container.stop();
            stopped = true;

            // then the response is ended, its iterable closed once, and the client let go
            assertThat(app.body().awaitClose()).as("iterable closed at shutdown on %s", Container.name()).isTrue();
            assertThat(servlet.engine().inFlight()).as("responses left on %s", Container.name()).isZero();
            assertThat(app.body().closes()).as("close() calls on %s", Container.name()).isEqualTo(1);
            assertThat(conn.awaitServerClose()).as("connection closed on %s", Container.name()).isTrue();
        } finally {
            if (!stopped) {
                container.stop();
            }
        }
    }
}
