package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Request bodies read through {@code wsgi.input}, which ends at the body's end, sized or chunked. */
class UploadIT {

    private static final int MEGABYTES = 5 * 1024 * 1024;

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", new JwsgiServlet(new UploadDigestApp())));

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    @Test
    void smallSizedUploadIsReadWhole() throws Exception {
        byte[] upload = "hello, upload".getBytes(StandardCharsets.UTF_8);
        assertUpload(HttpClient.Version.HTTP_1_1, HttpRequest.BodyPublishers.ofByteArray(upload),
                UploadDigestApp.expected(Integer.toString(upload.length), upload), "small sized upload");
    }

    @Test
    void multiMegabyteSizedUploadIsReadWhole() throws Exception {
        byte[] upload = randomBytes(MEGABYTES);
        assertUpload(HttpClient.Version.HTTP_1_1, HttpRequest.BodyPublishers.ofByteArray(upload),
                UploadDigestApp.expected(Integer.toString(upload.length), upload), "5 MB sized upload");
    }

    @Test
    void multiMegabyteChunkedUploadIsReadWholeWithoutContentLength() throws Exception {
        // an InputStream publisher has no length: HTTP/1.1 sends it chunked
        byte[] upload = randomBytes(MEGABYTES + 1);
        assertUpload(HttpClient.Version.HTTP_1_1, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(upload)),
                UploadDigestApp.expected(null, upload), "5 MB chunked upload");
    }

    @Test
    void uploadOverH2cEndsWithItsStream() throws Exception {
        // given a connection already upgraded to h2c (an upgrade request carries no body)
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> first = client.send(HttpRequest.newBuilder(server.uri("/")).timeout(Await.DEADLINE).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.version()).as("protocol on %s", server.name()).isEqualTo(HttpClient.Version.HTTP_2);

        // when a body of unknown length is sent on a stream
        byte[] upload = randomBytes(MEGABYTES / 5);
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/upload")).timeout(Await.DEADLINE)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(upload))).build(),
                HttpResponse.BodyHandlers.ofString());

        // then wsgi.input reads it whole and ends at the stream's end
        assertThat(response.version() + " " + response.body()).as("h2c upload on %s", server.name())
                .isEqualTo("HTTP_2 " + UploadDigestApp.expected(null, upload));
    }

    @Test
    void chunkedUploadEndsAtTheTerminatingChunkAndTheConnectionServesOn() throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a hand-framed chunked upload of three chunks on a kept-alive connection
            conn.send("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n1\r\n,\r\n7\r\n chunks\r\n0\r\n\r\n");

            // when the application reads wsgi.input to its end, then it got the body and not more
            RawResponse response = conn.readResponse();
            assertThat(response.text()).as("chunked upload on %s", server.name())
                    .isEqualTo(UploadDigestApp.expected(null, "hello, chunks".getBytes(StandardCharsets.UTF_8)));

            // and the next request on the connection is served: the input did not wait for the connection's end
            conn.send("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(conn.readResponse().text()).as("second upload on the connection on %s", server.name())
                    .isEqualTo(UploadDigestApp.expected("3", "abc".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void expectContinueIsAnsweredWhenTheApplicationReads() throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a client that waits for 100 Continue before sending its body
            conn.send("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");

            // when the application reads wsgi.input, then the container invites the body
            assertThat(conn.readOneHead()).as("interim status on %s", server.name()).isEqualTo(100);
            conn.send("hello");
            assertThat(conn.readResponse().text()).as("upload after 100 Continue on %s", server.name())
                    .isEqualTo(UploadDigestApp.expected("5", "hello".getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static void assertUpload(HttpClient.Version version, HttpRequest.BodyPublisher body, String expected,
            String what) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(version).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/upload")).timeout(Await.DEADLINE)
                .POST(body).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode() + " " + response.body()).as("%s on %s", what, server.name())
                .isEqualTo("200 " + expected);
    }
}
