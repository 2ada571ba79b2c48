package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Expect: 100-continue}: a client is invited to send its body only when the body is about
 * to be read, by the bridge (buffer mode) or by the application (stream mode), so a declared body
 * that will be refused is never invited. Tomcat does this only with its connector's
 * {@code continueResponseTiming="onRead"}, set here; Jetty does it by default
 * ({@link ExpectContinueDefaultsIT} shows Tomcat's default).
 */
class ExpectContinueIT {

    private static final String MAX = "1000";
    private static final CountingApp refused = new CountingApp(new UploadDigestApp());
    private static final Router router = new Router();

    static {
        router.put("/upload", new UploadDigestApp());
        router.put("/refused", refused);
        router.put("/no-read", Router.text("answered without reading\n"));
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .tomcatConnector("continueResponseTiming", "onRead")
            .servlet("", "/buffer/*", new JwsgiServlet(router), "input", "buffer", "max-body-size", MAX)
            .servlet("", "/stream/*", new JwsgiServlet(router), "max-body-size", MAX));

    @ParameterizedTest(name = "input={0}")
    @ValueSource(strings = {"buffer", "stream"})
    void refusedDeclaredBodyGetsTheFinal413WithoutAnInvitation(String input) throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a declared body over max-body-size, waiting for 100 Continue
            conn.send(Uploads.post("/" + input + "/refused", "Expect: 100-continue", "Content-Length: 1001"));

            // then the first status line is the final 413, and the connection is closed
            RawResponse response = conn.readResponse();
            assertThat(conn.statusLines()).as("status lines, input=%s, on %s", input, server.name())
                    .containsExactly(BodyLimitIT.statusLine413(server.name()));
            assertThat(response.header("Connection")).as("Connection of the 413 on %s", server.name()).isEqualTo("close");
            assertThat(conn.awaitServerClose()).as("connection closed after the 413 on %s", server.name()).isTrue();
            assertThat(refused.calls()).as("application calls for refused bodies on %s", server.name()).isZero();
        }
    }

    @ParameterizedTest(name = "{0} body")
    @ValueSource(strings = {"sized", "chunked"})
    void acceptedBodyInBufferModeIsInvitedThenAnswered(String framing) throws Exception {
        byte[] upload = "hello".getBytes(StandardCharsets.UTF_8);
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given an acceptable body waiting for 100 Continue, in buffer mode
            conn.send(Uploads.post("/buffer/upload", "Expect: 100-continue",
                    framing.equals("sized") ? "Content-Length: 5" : "Transfer-Encoding: chunked"));

            // then the bridge, starting to read, invites it
            assertThat(conn.readOneHead()).as("interim status, %s body, on %s", framing, server.name()).isEqualTo(100);

            // when the body is sent, then it is read and answered
            conn.send(framing.equals("sized") ? upload : Uploads.chunk(upload));
            if (framing.equals("chunked")) {
                conn.send(Uploads.LAST_CHUNK);
            }
            RawResponse response = conn.readResponse();
            assertThat(response.status() + " " + response.text()).as("answer after 100 Continue on %s", server.name())
                    .isEqualTo("200 " + UploadDigestApp.expected("5", upload));
        }
    }

    @Test
    void streamModeInvitesTheBodyOnlyWhenTheApplicationReads() throws Exception {
        GatedReader app = new GatedReader();
        router.put("/gated-on-read", app);
        byte[] upload = "hello".getBytes(StandardCharsets.UTF_8);
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given an application holding a request waiting for 100 Continue, not reading yet
            conn.send(Uploads.post("/stream/gated-on-read", "Expect: 100-continue", "Content-Length: 5"));
            assertThat(app.awaitEntered()).as("application called on %s", server.name()).isTrue();

            // then the client is not invited yet
            assertThat(conn.silentFor(Duration.ofMillis(500))).as("no 100 before the read on %s", server.name()).isTrue();

            // when the application reads, then the client is invited and the body answered
            app.open();
            assertThat(conn.readOneHead()).as("interim status once the application reads on %s", server.name()).isEqualTo(100);
            conn.send(upload);
            RawResponse response = conn.readResponse();
            assertThat(response.status() + " " + response.text()).as("answer after 100 Continue on %s", server.name())
                    .isEqualTo("200 " + UploadDigestApp.expected("5", upload));
        }
    }

    @Test
    void streamModeApplicationAnsweringWithoutReadingNeverInvitesTheBody() throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a body waiting for 100 Continue, for an application that does not read it
            conn.send(Uploads.post("/stream/no-read", "Expect: 100-continue", "Content-Length: 5"));

            // then the first status line is the final answer
            RawResponse response = conn.readResponse();
            assertThat(conn.statusLines()).as("status lines without reading on %s", server.name()).hasSize(1);
            assertThat(response.status() + " " + response.text()).as("answer without reading on %s", server.name())
                    .isEqualTo("200 answered without reading\n");
        }
    }
}
