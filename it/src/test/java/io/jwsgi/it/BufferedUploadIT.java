package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import jakarta.servlet.ServletContext;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code input=buffer} and {@code max-body-size} init-params on real uploads. */
class BufferedUploadIT {

    private static final int LIMIT = 1024 * 1024;
    private static final JwsgiServlet buffered = new JwsgiServlet(new UploadDigestApp());

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/buffered/*", buffered, "input", "buffer", "buffer-memory", "65536")
            .servlet("", "/buffered-limited/*", new JwsgiServlet(new UploadDigestApp()), "input", "buffer",
                    "max-body-size", Integer.toString(LIMIT))
            .servlet("", "/streamed-limited/*", new JwsgiServlet(new UploadDigestApp()),
                    "max-body-size", Integer.toString(LIMIT)));

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    @Test
    void smallBodyIsBufferedAndReadWhole() throws Exception {
        byte[] upload = "hello, buffer".getBytes(StandardCharsets.UTF_8);
        assertThat(post("/buffered/x", HttpRequest.BodyPublishers.ofByteArray(upload)))
                .as("small buffered upload on %s", server.name())
                .isEqualTo("200 " + UploadDigestApp.expected("13", upload));
    }

    @Test
    void largeSizedBodySpillsToAFileThatIsDeletedAfterwards() throws Exception {
        // given a body far larger than buffer-memory
        byte[] upload = randomBytes(5 * 1024 * 1024);

        // when it is posted, then the application reads it whole
        assertThat(post("/buffered/x", HttpRequest.BodyPublishers.ofByteArray(upload)))
                .as("5 MB buffered upload on %s", server.name())
                .isEqualTo("200 " + UploadDigestApp.expected(Integer.toString(upload.length), upload));

        // and the temporary file is gone once the request ended
        Await.until("buffered bodies deleted on " + server.name(), () -> spilledFiles().length == 0);
    }

    @Test
    void chunkedBodyIsBufferedAndGetsItsLength() throws Exception {
        // given a chunked upload (no Content-Length), buffered whole before the application runs
        byte[] upload = randomBytes(3 * 1024 * 1024 + 7);

        // then the application sees the length the buffer measured
        assertThat(post("/buffered/x", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(upload))))
                .as("chunked buffered upload on %s", server.name())
                .isEqualTo("200 " + UploadDigestApp.expected(Integer.toString(upload.length), upload));
        Await.until("buffered bodies deleted on " + server.name(), () -> spilledFiles().length == 0);
    }

    @Test
    void declaredLengthOverTheLimitGets413BeforeAnythingIsRead() throws Exception {
        for (String path : new String[] {"/buffered-limited/x", "/streamed-limited/x"}) {
            try (RawConnection conn = RawConnection.open(server.port())) {
                // given only the head of an upload declaring more than max-body-size
                conn.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n");

                // then the refusal comes without the body being sent
                RawResponse response = conn.readResponse();
                assertThat(response.status() + " " + response.complete()).as("refusal at %s on %s", path, server.name())
                        .isEqualTo("413 true");
            }
        }
    }

    @Test
    void chunkedBodyOverTheLimitGets413InBufferMode() throws Exception {
        byte[] upload = randomBytes(LIMIT + 1);
        assertThat(post("/buffered-limited/x", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(upload))))
                .as("chunked upload over the limit on %s", server.name()).startsWith("413 ");
    }

    @Test
    void chunkedBodyWithinTheLimitIsServedInBothModes() throws Exception {
        byte[] upload = randomBytes(LIMIT);
        assertThat(post("/streamed-limited/x", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(upload))))
                .as("chunked upload at the limit, streamed, on %s", server.name())
                .isEqualTo("200 " + UploadDigestApp.expected(null, upload));
        assertThat(post("/buffered-limited/x", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(upload))))
                .as("chunked upload at the limit, buffered, on %s", server.name())
                .isEqualTo("200 " + UploadDigestApp.expected(Integer.toString(LIMIT), upload));
    }

    @Test
    void uploadBrokenOffWhileBufferingLeavesNoFileBehind() throws Exception {
        // given half of a 2 MB upload, enough to spill past buffer-memory to a file
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.send("POST /buffered/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + (2 * LIMIT) + "\r\n\r\n");
            conn.send(randomBytes(LIMIT));
            Await.until("the body spilling to a file on " + server.name(), () -> spilledFiles().length > 0);
        }

        // when the client left, then the half-read body is thrown away
        Await.until("the broken upload's file deleted on " + server.name(), () -> spilledFiles().length == 0);
    }

    @Test
    void chunkedBodyOverTheLimitFailsTheReadInStreamMode() throws Exception {
        // a chunked upload cannot be refused before the application reads: the read past the limit fails
        byte[] upload = randomBytes(LIMIT + 1);
        assertThat(post("/streamed-limited/x", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(upload))))
                .as("chunked upload over the limit, streamed, on %s", server.name()).startsWith("500 ");
    }

    private String post(String path, HttpRequest.BodyPublisher body) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri(path)).timeout(Await.DEADLINE)
                .POST(body).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static File[] spilledFiles() {
        ServletContext context = buffered.getServletContext();
        Object dir = context.getAttribute(ServletContext.TEMPDIR);
        File directory = dir instanceof File f ? f : new File(System.getProperty("java.io.tmpdir"));
        File[] files = directory.listFiles((d, name) -> name.startsWith("jwsgi-body-"));
        return files == null ? new File[0] : files;
    }
}
