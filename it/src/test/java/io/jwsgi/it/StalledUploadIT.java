package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A buffered upload that stalls (the client neither sends more nor leaves) is ended by the
 * container's idle timeout (1 s here), answered {@code 408}, and its spill file deleted.
 */
class StalledUploadIT {

    private static final Path dir = createDir();
    private static final CountingApp app = new CountingApp(new UploadDigestApp());

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .idleTimeout(1000)
            .servlet("", "/*", new JwsgiServlet(app), "input", "buffer", "buffer-memory", "1024",
                    "buffer-dir", dir.toString()));

    private static Path createDir() {
        try {
            return Files.createTempDirectory("jwsgi-stalled");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the spill directory", e);
        }
    }

    @AfterAll
    static void removeDir() throws IOException {
        Uploads.deleteTree(dir);
    }

    @Test
    void stalledUploadIsEndedByTheIdleTimeoutWithA408AndItsSpillFileDeleted() throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given half of a spilled body, and then nothing more
            conn.send(Uploads.post("/upload", "Content-Length: 16384")).send(Uploads.randomBytes(8192, 11));
            Await.until("a spill file while the body arrives on " + server.name(), () -> Uploads.filesIn(dir).size() == 1);

            // then the container's idle timeout ends the exchange: a 408 and the connection closed
            // (Tomcat 10.1 closes it without an answer), and the file goes with it
            if (server.name().equals("tomcat10")) {
                assertThat(conn.readUntilClosed()).as("answer to a stalled upload on %s", server.name()).isEmpty();
            } else {
                RawResponse response = conn.readResponse();
                assertThat(response.status() + " " + response.text()).as("answer to a stalled upload on %s", server.name())
                        .isEqualTo("408 408 Request Timeout: the request body stalled\n");
                assertThat(conn.awaitServerClose()).as("connection closed after the 408 on %s", server.name()).isTrue();
            }
            Await.until("no spill file left on " + server.name(), () -> Uploads.filesIn(dir).isEmpty());
            Await.until("no spill file held open on " + server.name(), () -> Uploads.openFilesIn(dir).isEmpty());
            assertThat(app.calls()).as("application calls for stalled uploads on %s", server.name()).isZero();
        }
    }
}
