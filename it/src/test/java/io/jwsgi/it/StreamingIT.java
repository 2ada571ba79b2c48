package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Chunks reach the client as the application produces them: nothing is held back. */
class StreamingIT {

    private static final Router router = new Router();

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", new JwsgiServlet(router)));

    @Test
    void eachChunkReachesTheClientBeforeTheNextIsProduced() throws Exception {
        // given an application that produces chunk N+1 only when the test allows it
        GatedStream app = new GatedStream();
        String path = router.put("/gated", app);
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get(path);

            // when the first chunk is released, the head goes out with it
            app.release("chunk 1\n");
            assertThat(conn.readHead()).as("status on %s", server.name()).isEqualTo(200);
            assertThat(text(conn.readChunk())).as("chunk 1 on %s", server.name()).isEqualTo("chunk 1\n");

            // then every later chunk is read by the client before the next one exists
            for (int n = 2; n <= 5; n++) {
                app.release("chunk " + n + "\n");
                assertThat(text(conn.readChunk())).as("chunk %d on %s", n, server.name()).isEqualTo("chunk " + n + "\n");
            }
            app.end();
            assertThat(conn.readChunk()).as("terminating chunk on %s", server.name()).isEmpty();
        }
        assertThat(app.body().awaitClose()).as("body closed on %s", server.name()).isTrue();
        assertThat(app.body().closes()).as("close() calls on %s", server.name()).isEqualTo(1);
    }

    private static String text(byte[] chunk) {
        return new String(chunk, StandardCharsets.UTF_8);
    }
}
