package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.servlet.JwsgiServlet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code async-timeout} init-param: time without progress ends a response; progress keeps it alive. */
class IdleTimeoutIT {

    private static final long TIMEOUT_MILLIS = 300;
    private static final long PATIENT_TIMEOUT_MILLIS = 2000;
    private static final Router router = new Router();
    private static final JwsgiServlet servlet = new JwsgiServlet(router);
    private static final Router patientRouter = new Router();
    private static final JwsgiServlet patient = new JwsgiServlet(patientRouter);
    private static final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", servlet, "async-timeout", Long.toString(TIMEOUT_MILLIS))
            .servlet("", "/patient/*", patient, "async-timeout", Long.toString(PATIENT_TIMEOUT_MILLIS)));

    @AfterAll
    static void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void sleeperNeverWokenGets503AndIsClosedOnce() throws Exception {
        // given a response that sleeps before its head went out, and nobody wakes it
        OneSleeper app = new OneSleeper(List.of(), i -> ProbeBody.END);
        String path = router.put("/never-woken", app);

        // when the idle timeout passes, then the client gets a whole 503
        try (RawConnection conn = RawConnection.open(server.port())) {
            RawResponse response = conn.get(path).readResponse();
            assertThat(response.status()).as("status on %s", server.name()).isEqualTo(503);
            assertThat(response.complete()).as("503 complete on %s", server.name()).isTrue();
        }
        assertClosedOnce(app.body());
    }

    @Test
    void sleeperWhoseHeadWentOutIsCutAtTheTimeout() throws Exception {
        // given a response that sent its head and a chunk, then sleeps with nobody waking it
        OneSleeper app = new OneSleeper(List.of("partial\n"), i -> ProbeBody.END);
        String path = router.put("/sent-then-asleep", app);

        // when the idle timeout passes, then the connection is cut: the body never ends
        try (RawConnection conn = RawConnection.open(server.port())) {
            RawResponse response = conn.get(path).readResponse();
            assertThat(response.status()).as("status on %s", server.name()).isEqualTo(200);
            assertThat(response.text()).as("body on %s", server.name()).isEqualTo("partial\n");
            assertThat(response.complete()).as("response cut on %s", server.name()).isFalse();
        }
        assertClosedOnce(app.body());
    }

    @Test
    void streamThatKeepsMovingOutlivesTheTimeout() throws Exception {
        // given a stream of 50 chunks, sleeping 60 ms between them (woken by a timer): 3 s in all,
        // on a servlet whose async-timeout (2 s) leaves a busy machine ample margin between chunks
        int ticks = 50;
        AtomicReference<ProbeBody> body = new AtomicReference<>();
        patientRouter.put("/ticking", (env, sr) -> {
            Runnable sleep = (Runnable) env.get(Environ.ASYNC_SLEEP);
            Runnable wake = (Runnable) env.get(Environ.ASYNC_WAKE);
            sr.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            body.set(new ProbeBody(i -> {
                if (i == ticks) {
                    return ProbeBody.END;
                }
                sleep.run();
                timer.schedule(wake, 60, TimeUnit.MILLISECONDS);
                return ("tick " + i + "\n").getBytes(StandardCharsets.UTF_8);
            }));
            return body.get();
        });

        // when the client reads it all
        long start = System.nanoTime();
        RawResponse response;
        try (RawConnection conn = RawConnection.open(server.port())) {
            response = conn.get("/patient/ticking").readResponse();
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        // then it was never cut, though it lasted longer than the timeout
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < ticks; i++) {
            expected.append("tick ").append(i).append('\n');
        }
        assertThat(tookMillis).as("the stream outlived the idle timeout (by construction)")
                .isGreaterThan(PATIENT_TIMEOUT_MILLIS);
        assertThat(response.text()).as("whole stream on %s", server.name()).isEqualTo(expected.toString());
        assertThat(response.complete()).as("stream complete on %s", server.name()).isTrue();
        assertClosedOnce(patient, body.get());
    }

    @Test
    void clientThatReadsNothingIsCutAtTheTimeout() throws Exception {
        // given an endless stream to a client that never reads
        ProbeBody body = new ProbeBody(i -> new byte[65536]);
        String path = router.put("/to-a-stalled-client", (env, sr) -> {
            sr.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream")));
            return body;
        });
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get(path);

            // when the buffers fill and no byte moves for the timeout, then the response ends
            assertClosedOnce(body);
            assertThat(conn.awaitServerClose()).as("connection closed by %s", server.name()).isTrue();
        }
    }

    private static void assertClosedOnce(ProbeBody body) throws InterruptedException {
        assertClosedOnce(servlet, body);
    }

    private static void assertClosedOnce(JwsgiServlet owner, ProbeBody body) throws InterruptedException {
        assertThat(body.awaitClose()).as("iterable closed on %s", server.name()).isTrue();
        Await.until("the response ended on " + server.name(), () -> owner.engine().inFlight() == 0);
        assertThat(body.closes()).as("close() calls on %s", server.name()).isEqualTo(1);
    }
}
