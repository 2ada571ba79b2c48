package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.servlet.JwsgiServlet;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The environ of a buffered body: {@code CONTENT_LENGTH} is the buffered size, also for chunked
 * uploads and HTTP/2 bodies sent without a length, and {@code wsgi.input_terminated} stays
 * {@code true}.
 */
class BufferedBodyIT {

    private static final CountingApp broken = new CountingApp(BufferedBodyIT::describe);
    private static final Router router = new Router();

    static {
        router.put("/describe", BufferedBodyIT::describe);
        router.put("/broken", broken);
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", new JwsgiServlet(router), "input", "buffer", "buffer-memory", "1024"));

    /** Answers {@code CONTENT_LENGTH=<value or -> wsgi.input_terminated=<value> read=<bytes read>}. */
    private static Iterable<byte[]> describe(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        long read;
        try (InputStream in = (InputStream) environ.get(Environ.WSGI_INPUT)) {
            read = in.readAllBytes().length;
        }
        Object length = environ.get(Environ.CONTENT_LENGTH);
        byte[] body = ("CONTENT_LENGTH=" + (length == null ? "-" : length) + " wsgi.input_terminated="
                + environ.get(Environ.WSGI_INPUT_TERMINATED) + " read=" + read + "\n").getBytes(StandardCharsets.UTF_8);
        startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain"),
                new Header("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }

    @ParameterizedTest(name = "{0} bytes in chunks of 1000")
    @ValueSource(ints = {0, 1, 2500, 100_000})
    void chunkedUploadGetsItsBufferedSizeAsContentLength(int size) throws Exception {
        byte[] upload = Uploads.randomBytes(size, size);
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a chunked upload, in memory or spilled to a file
            conn.send(Uploads.post("/describe", "Transfer-Encoding: chunked"));
            for (int off = 0; off < size; off += 1000) {
                conn.send(Uploads.chunk(Arrays.copyOfRange(upload, off, Math.min(size, off + 1000))));
            }
            conn.send(Uploads.LAST_CHUNK);

            // then the application sees its size, and wsgi.input ends there
            assertThat(conn.readResponse().text()).as("environ of a buffered chunked upload on %s", server.name())
                    .isEqualTo("CONTENT_LENGTH=" + size + " wsgi.input_terminated=true read=" + size + "\n");
        }
    }

    @Test
    void h2cUploadWithoutLengthGetsItsBufferedSizeAsContentLength() throws Exception {
        // given a connection upgraded to h2c
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> first = client.send(HttpRequest.newBuilder(server.uri("/describe")).timeout(Await.DEADLINE)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(first.version()).as("protocol on %s", server.name()).isEqualTo(HttpClient.Version.HTTP_2);

        // when a body of unknown length is sent on a stream
        byte[] upload = Uploads.randomBytes(5000, 9);
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/describe"))
                .timeout(Await.DEADLINE).POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(upload)))
                .build(), HttpResponse.BodyHandlers.ofString());

        // then it is buffered like a chunked HTTP/1.1 body
        assertThat(response.version() + " " + response.body()).as("environ of an h2c upload on %s", server.name())
                .isEqualTo("HTTP_2 CONTENT_LENGTH=5000 wsgi.input_terminated=true read=5000\n");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"malformed chunk size", "sized body cut short"})
    void brokenBodyIsRefusedWithA400AndNeverReachesTheApplication(String what) throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a body that breaks off
            if (what.equals("malformed chunk size")) {
                conn.send(Uploads.post("/broken", "Transfer-Encoding: chunked")).send("5\r\nhello\r\nzz\r\n");
            } else {
                conn.send(Uploads.post("/broken", "Content-Length: 10")).send("hello");
                conn.shutdownOutput();
            }

            // then the client gets a 400 and the connection is closed; Tomcat 10.1 closes it without an answer
            if (server.name().equals("tomcat10")) {
                assertThat(conn.readUntilClosed()).as("answer after a %s on %s", what, server.name()).isEmpty();
            } else {
                RawResponse response = conn.readResponse();
                assertThat(response.status() + " " + response.text()).as("answer after a %s on %s", what, server.name())
                        .isEqualTo("400 400 Bad Request: the request body broke off\n");
                assertThat(conn.awaitServerClose()).as("connection closed after the 400 on %s", server.name()).isTrue();
            }
            assertThat(broken.calls()).as("application calls for broken bodies on %s", server.name()).isZero();
        }
    }
}
