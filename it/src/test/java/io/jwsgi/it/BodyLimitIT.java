package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.servlet.JwsgiServlet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code max-body-size}: a body over the limit gets {@code 413} and {@code Connection: close}
 * before the application runs and without being read whole, sized or (in buffer mode) chunked; a
 * body at the limit is served.
 */
class BodyLimitIT {

    private static final int MAX = 1000;
    private static final CountingApp refused = new CountingApp(new UploadDigestApp());
    private static final Router router = new Router();

    static {
        router.put("/upload", new UploadDigestApp());
        router.put("/refused", refused);
        router.put("/report", BodyLimitIT::reportReadFailure);
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/buffer/*", new JwsgiServlet(router), "input", "buffer", "max-body-size", Integer.toString(MAX))
            .servlet("", "/stream/*", new JwsgiServlet(router), "max-body-size", Integer.toString(MAX)));

    /** The exact 413 status line of each container: Jetty's reason phrase, none from Tomcat. */
    static String statusLine413(String container) {
        return container.equals("jetty") ? "HTTP/1.1 413 Payload Too Large" : "HTTP/1.1 413 ";
    }

    @ParameterizedTest(name = "input={0}")
    @ValueSource(strings = {"buffer", "stream"})
    void declaredBodyOverTheLimitIsRefusedBeforeAnyOfItIsSent(String input) throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a request declaring one byte more than the limit, of which nothing is sent
            conn.send(Uploads.post("/" + input + "/refused", "Content-Length: " + (MAX + 1)));

            // then the answer is 413, without waiting for the body, and the connection is closed
            assertRefused(conn, input);
        }
    }

    @Test
    void chunkedBodyPassingTheLimitIsRefusedInBufferModeWithoutWaitingForItsEnd() throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a chunked body of which two chunks passing the limit are sent, and no last chunk
            conn.send(Uploads.post("/buffer/refused", "Transfer-Encoding: chunked"))
                    .send(Uploads.chunk(new byte[MAX / 2 + 1])).send(Uploads.chunk(new byte[MAX / 2 + 1]));

            // then the answer is 413 and the connection is closed
            assertRefused(conn, "buffer");
        }
    }

    @ParameterizedTest(name = "input={0}, {1} body")
    @CsvSource({"buffer, sized", "buffer, chunked", "stream, sized", "stream, chunked"})
    void bodyOfExactlyTheLimitIsServed(String input, String framing) throws Exception {
        byte[] upload = Uploads.randomBytes(MAX, 5);
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a body of exactly max-body-size bytes
            if (framing.equals("sized")) {
                conn.send(Uploads.post("/" + input + "/upload", "Content-Length: " + MAX)).send(upload);
            } else {
                conn.send(Uploads.post("/" + input + "/upload", "Transfer-Encoding: chunked"))
                        .send(Uploads.chunk(upload)).send(Uploads.LAST_CHUNK);
            }

            // then the application reads it whole (a buffered body always has its CONTENT_LENGTH)
            RawResponse response = conn.readResponse();
            String contentLength = framing.equals("sized") || input.equals("buffer") ? Integer.toString(MAX) : null;
            assertThat(response.status() + " " + response.text()).as("%s body of the limit, input=%s, on %s",
                    framing, input, server.name()).isEqualTo("200 " + UploadDigestApp.expected(contentLength, upload));
        }
    }

    @Test
    void chunkedBodyPassingTheLimitInStreamModeFailsTheApplicationsRead() throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a chunked body one byte over the limit, in stream mode
            conn.send(Uploads.post("/stream/report", "Transfer-Encoding: chunked"))
                    .send(Uploads.chunk(new byte[MAX + 1])).send(Uploads.LAST_CHUNK);

            // then the application's read that passes the limit fails, naming it
            assertThat(conn.readResponse().text()).as("read past the limit in stream mode on %s", server.name())
                    .isEqualTo("read failed: request body exceeds max-body-size: more than " + MAX + " bytes\n");
        }
    }

    private static void assertRefused(RawConnection conn, String input) throws IOException {
        RawResponse response = conn.readResponse();
        assertThat(conn.statusLines()).as("status lines, input=%s, on %s", input, server.name())
                .containsExactly(statusLine413(server.name()));
        assertThat(response.header("Connection")).as("Connection header of the 413 on %s", server.name()).isEqualTo("close");
        assertThat(response.text()).as("body of the 413 on %s", server.name()).isEqualTo("413 Content Too Large\n");
        assertThat(conn.awaitServerClose()).as("connection closed after the 413 on %s", server.name()).isTrue();
        assertThat(refused.calls()).as("application calls for refused bodies on %s", server.name())
                .isZero();
    }

    private static Iterable<byte[]> reportReadFailure(Map<String, Object> environ, StartResponse startResponse) {
        String outcome;
        try (InputStream in = (InputStream) environ.get(Environ.WSGI_INPUT)) {
            outcome = "read " + in.readAllBytes().length + " bytes";
        } catch (IOException e) {
            outcome = "read failed: " + e.getMessage();
        }
        byte[] body = (outcome + "\n").getBytes(StandardCharsets.UTF_8);
        startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain"),
                new Header("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }
}
