package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Header;
import io.jwsgi.Write;
import io.jwsgi.servlet.JwsgiServlet;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The legacy {@code write()} callable blocks the application on a slow client, and fails when the
 * response ends. It waits on the bridge's threads ({@code turns=pool}, where an application that
 * uses it is served from its second request on anyway; on a container thread it cannot wait:
 * SPEC.md section 7, TurnPlacementIT).
 */
class LegacyWriteIT {

    private static final byte[] BLOCK = new byte[64 * 1024];
    private static final Router router = new Router();
    private static final Router timedRouter = new Router();
    private static final JwsgiServlet servlet = new JwsgiServlet(router);
    private static final JwsgiServlet timed = new JwsgiServlet(timedRouter);

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", servlet, "turns", "pool")
            .servlet("", "/timed/*", timed, "async-timeout", "300", "turns", "pool"));

    /** Writes blocks with write() from inside the body until write() fails; keeps what it failed with. */
    private static final class EndlessWriter {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile ProbeBody body;

        String serveAt(Router on, String path) {
            return on.put(path, (env, sr) -> {
                Write write = sr.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream")));
                body = new ProbeBody(i -> {
                    try {
                        while (true) {
                            write.write(BLOCK);
                        }
                    } catch (IOException e) {
                        failure.set(e);
                        throw e;
                    }
                });
                return body;
            });
        }
    }

    @Test
    void writeToAClientThatLeftFails() throws Exception {
        // given an application writing endlessly with write()
        EndlessWriter app = new EndlessWriter();
        String path = app.serveAt(router, "/endless-write");

        // when the client reads a little and leaves
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get(path);
            assertThat(conn.readHead()).as("status on %s", server.name()).isEqualTo(200);
            assertThat(conn.readChunk()).as("first bytes on %s", server.name()).isNotEmpty();
        }

        // then write() fails with an IOException and the body is closed once
        assertClosedOnce(servlet, app);
    }

    @Test
    void writeBlockedOnAStalledClientFailsAtTheIdleTimeout() throws Exception {
        // given an application writing endlessly with write() to a client that reads nothing
        EndlessWriter app = new EndlessWriter();
        app.serveAt(timedRouter, "/stalled-write");
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get("/timed/stalled-write");

            // when the buffers fill and nothing moves for async-timeout, then the blocked write() fails
            assertClosedOnce(timed, app);
            assertThat(conn.awaitServerClose()).as("connection closed by %s", server.name()).isTrue();
        }
    }

    private static void assertClosedOnce(JwsgiServlet owner, EndlessWriter app) throws InterruptedException {
        Await.until("the writer's body created on " + server.name(), () -> app.body != null);
        assertThat(app.body.awaitClose()).as("body closed on %s", server.name()).isTrue();
        Await.until("the response ended on " + server.name(), () -> owner.engine().inFlight() == 0);
        assertThat(app.body.closes()).as("close() calls on %s", server.name()).isEqualTo(1);
        assertThat(app.failure.get()).as("what write() failed with on %s", server.name()).isInstanceOf(IOException.class);
    }
}
