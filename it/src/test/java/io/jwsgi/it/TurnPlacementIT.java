package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Header;
import io.jwsgi.Write;
import io.jwsgi.servlet.JwsgiServlet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the application runs with {@code turns=container} (the default) and {@code turns=pool}
 * (SPEC.md section 7): the first turn on the container's thread, as a plain servlet runs, and
 * the turns after a wake on the bridge's threads; a request whose body the application reads from
 * the connection starts on the bridge's threads; with {@code turns=pool} every turn runs there.
 * An application that uses the legacy {@code write} is moved to the bridge's threads after its
 * first request.
 */
class TurnPlacementIT {

    private static final Router container = new Router();
    private static final Router pool = new Router();
    private static final Router legacy = new Router();
    private static final JwsgiServlet onContainer = new JwsgiServlet(container);
    private static final JwsgiServlet onPool = new JwsgiServlet(pool);
    private static final JwsgiServlet legacyWriter = new JwsgiServlet(legacy);
    /** The bridge names its threads after the servlet: jwsgi-{servlet name}-N. */
    private static final String BRIDGE_THREAD = "jwsgi-";

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("/c", "/*", onContainer)
            .servlet("/p", "/*", onPool, "turns", "pool")
            .servlet("/w", "/*", legacyWriter));

    /** Whether a thread name is one of the container's request threads. */
    private static boolean containerThread(String name) {
        // Jetty's pool is named "jetty" by the harness; Tomcat's connector threads are ...-exec-N.
        return server.name().startsWith("tomcat") ? name.matches(".+-exec-\\d+") : name.matches("jetty-\\d+");
    }

    @Test
    void theFirstTurnRunsOnTheContainersThreadAndAWokenResponseResumesOnTheBridges() throws Exception {
        String[] placement = sleepAndWake("/c", container);

        assertThat(containerThread(placement[0])).as("first turn on %s ran on %s", server.name(), placement[0]).isTrue();
        assertThat(placement[1]).as("resumed on %s", server.name()).startsWith(BRIDGE_THREAD);
        Await.until("the response ended on " + server.name(), () -> onContainer.engine().inFlight() == 0);
    }

    @Test
    void withTurnsPoolEveryTurnRunsOnTheBridgesThreads() throws Exception {
        String[] placement = sleepAndWake("/p", pool);

        assertThat(placement).as("threads on %s", server.name()).allMatch(name -> name.startsWith(BRIDGE_THREAD));
        Await.until("the response ended on " + server.name(), () -> onPool.engine().inFlight() == 0);
    }

    /** Serves a response that sleeps after its first chunk and is woken by a thread of the test's; returns the two threads. */
    private static String[] sleepAndWake(String context, Router router) throws Exception {
        AtomicReference<String> first = new AtomicReference<>();
        AtomicReference<String> resumed = new AtomicReference<>();
        OneSleeper app = new OneSleeper(List.of("before\n"), i -> {
            if (i > 0) {
                return ProbeBody.END;
            }
            resumed.set(Thread.currentThread().getName());
            return "after\n".getBytes(StandardCharsets.UTF_8);
        });
        String path = router.put("/sleeper", (env, start) -> {
            first.set(Thread.currentThread().getName());
            return app.call(env, start);
        });
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get(context + path);
            assertThat(conn.readHead()).as("status on %s", server.name()).isEqualTo(200);
            assertThat(text(conn.readChunk())).as("before the sleep on %s", server.name()).isEqualTo("before\n");
            assertThat(app.awaitAsleep()).as("asleep on %s", server.name()).isTrue();
            Thread waker = new Thread(app::wake, "waker");
            waker.start();
            waker.join(Await.DEADLINE.toMillis());
            assertThat(text(conn.readChunk())).as("after the wake on %s", server.name()).isEqualTo("after\n");
            assertThat(conn.readChunk()).as("terminating chunk on %s", server.name()).isEmpty();
        }
        assertThat(app.body().awaitClose()).isTrue();
        assertThat(app.body().closes()).as("close() calls on %s", server.name()).isEqualTo(1);
        return new String[] {first.get(), resumed.get()};
    }

    @Test
    void aRequestWhoseBodyTheApplicationReadsFromTheConnectionStartsOnTheBridgesThreads() throws Exception {
        // given an application that reads its body and answers with its thread
        String path = container.put("/upload", (env, start) -> {
            byte[] read = ((java.io.InputStream) env.get(io.jwsgi.Environ.WSGI_INPUT)).readAllBytes();
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return List.of((read.length + " " + Thread.currentThread().getName()).getBytes(StandardCharsets.UTF_8));
        });

        // when a body comes (input=stream, the default: the application waits on the client while it reads)
        RawResponse response;
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.send("POST /c" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello");
            response = conn.readResponse();
        }

        // then it ran on the bridge's threads, leaving the container's free
        String[] seen = response.text().split(" ");
        assertThat(seen[0]).as("bytes read on %s", server.name()).isEqualTo("5");
        assertThat(seen[1]).as("thread on %s", server.name()).startsWith(BRIDGE_THREAD);
    }

    @Test
    void anApplicationUsingTheLegacyWriteIsServedOnTheBridgesThreadsFromItsSecondRequest() throws Exception {
        // given an application that writes its body through the legacy callable and reports its thread
        String path = legacy.put("/write", (env, start) -> {
            Write write = start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            write.write((Thread.currentThread().getName() + "\n").getBytes(StandardCharsets.UTF_8));
            return List.of();
        });

        // when it is asked twice
        String firstThread = get("/w" + path);
        String secondThread = get("/w" + path);

        // then the first ran on the container's thread (write could not have waited there, and need
        // not: the client took the bytes), the second on the bridge's, where write may wait
        assertThat(containerThread(firstThread)).as("first request on %s ran on %s", server.name(), firstThread).isTrue();
        assertThat(secondThread).as("second request on %s", server.name()).startsWith(BRIDGE_THREAD);
        assertThat(legacyWriter.engine().legacyWriteSeen()).isTrue();
    }

    private static String get(String path) throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            RawResponse response = conn.get(path).readResponse();
            assertThat(response.status()).as("status on %s", server.name()).isEqualTo(200);
            return response.text().trim();
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
