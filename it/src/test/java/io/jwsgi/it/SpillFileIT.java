package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Environ;
import io.jwsgi.StartResponse;
import io.jwsgi.servlet.JwsgiServlet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * In buffer mode a body larger than {@code buffer-memory} goes to a file in {@code buffer-dir}
 * while it arrives, and the file is deleted (and no longer held open) however the request ends:
 * answered, failed in the application, or abandoned by the client mid-upload.
 */
class SpillFileIT {

    private static final int BODY = 16384;
    private static final Path root = createRoot();
    private static final Path done = root.resolve("done");
    private static final Path fails = root.resolve("fails");
    private static final Path abandoned = root.resolve("abandoned");
    /** The failing application keeps its input reachable, as closures do: only the bridge may close it. */
    private static volatile InputStream keptInput;
    private static final CountingApp neverCompleted = new CountingApp(new UploadDigestApp());

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/done/*", new JwsgiServlet(new UploadDigestApp()), buffered(done))
            .servlet("", "/fails/*", new JwsgiServlet(SpillFileIT::readAndFail), buffered(fails))
            .servlet("", "/abandoned/*", new JwsgiServlet(neverCompleted), buffered(abandoned)));

    private static String[] buffered(Path dir) {
        return new String[] {"input", "buffer", "buffer-memory", "1024", "buffer-dir", dir.toString()};
    }

    private static Path createRoot() {
        try {
            // Tomcat initializes a servlet (which creates its buffer-dir) only at its first request.
            Path dir = Files.createTempDirectory("jwsgi-spill");
            for (String name : new String[] {"done", "fails", "abandoned"}) {
                Files.createDirectory(dir.resolve(name));
            }
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the spill directories' root", e);
        }
    }

    private static Iterable<byte[]> readAndFail(Map<String, Object> environ, StartResponse startResponse)
            throws Exception {
        InputStream in = (InputStream) environ.get(Environ.WSGI_INPUT);
        keptInput = in;
        in.readNBytes(BODY / 2);
        throw new IllegalStateException("fails on purpose, having read half of the body");
    }

    @AfterAll
    static void removeRoot() throws Exception {
        Uploads.deleteTree(root);
    }

    @Test
    void spillFileExistsWhileTheBodyArrivesAndIsGoneAfterTheResponse() throws Exception {
        byte[] upload = Uploads.randomBytes(BODY, 1);
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given half of a body larger than buffer-memory
            conn.send(Uploads.post("/done/upload", "Content-Length: " + BODY)).send(Arrays.copyOf(upload, BODY / 2));
            awaitSpillFile(done);

            // when the rest arrives
            conn.send(Arrays.copyOfRange(upload, BODY / 2, BODY));

            // then the application read it whole
            RawResponse response = conn.readResponse();
            assertThat(response.status() + " " + response.text()).as("answer to a spilled upload on %s", server.name())
                    .isEqualTo("200 " + UploadDigestApp.expected(Integer.toString(BODY), upload));
        }
        awaitNoSpillLeft(done);
    }

    @Test
    void spillFileIsGoneAfterTheApplicationFailsHavingReadPartOfTheBody() throws Exception {
        byte[] upload = Uploads.randomBytes(BODY, 2);
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a spilled body
            conn.send(Uploads.post("/fails/upload", "Content-Length: " + BODY)).send(Arrays.copyOf(upload, BODY / 2));
            awaitSpillFile(fails);

            // when the application reads half of it and throws
            conn.send(Arrays.copyOfRange(upload, BODY / 2, BODY));

            // then the client gets a 500
            assertThat(conn.readResponse().status()).as("status after the failure on %s", server.name()).isEqualTo(500);
        }
        awaitNoSpillLeft(fails);
    }

    @ParameterizedTest(name = "{0} body, client ends with {1}")
    @CsvSource({"sized, close", "sized, reset", "chunked, close", "chunked, reset"})
    void spillFileIsGoneAfterTheClientAbandonsTheUpload(String framing, String ending) throws Exception {
        byte[] half = Uploads.randomBytes(BODY / 2, 3);
        RawConnection conn = RawConnection.open(server.port());
        try {
            // given half of a spilled body
            if (framing.equals("sized")) {
                conn.send(Uploads.post("/abandoned/upload", "Content-Length: " + BODY)).send(half);
            } else {
                conn.send(Uploads.post("/abandoned/upload", "Transfer-Encoding: chunked")).send(Uploads.chunk(half));
            }
            awaitSpillFile(abandoned);
        } finally {
            // when the client goes away, orderly or not
            if (ending.equals("reset")) {
                conn.reset();
            } else {
                conn.close();
            }
        }

        // then the file is deleted, and the application was never called for an incomplete body
        awaitNoSpillLeft(abandoned);
        assertThat(neverCompleted.calls()).as("application calls for abandoned uploads on %s", server.name()).isZero();
    }

    private static void awaitSpillFile(Path dir) throws InterruptedException {
        Await.until("a spill file in " + dir + " while the body arrives on " + server.name(),
                () -> Uploads.filesIn(dir).size() == 1);
    }

    private static void awaitNoSpillLeft(Path dir) throws InterruptedException {
        Await.until("no spill file left in " + dir + " on " + server.name(),
                () -> Uploads.filesIn(dir).isEmpty());
        Await.until("no spill file held open under " + dir + " on " + server.name(),
                () -> Uploads.openFilesIn(dir).isEmpty());
    }
}
