package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Expect: 100-continue} on each container's default settings. Jetty invites the body only
 * when it is read. Tomcat's connector ({@code continueResponseTiming="immediately"}) sends
 * {@code 100 Continue} as soon as the request's head is in, before the bridge or the application
 * can refuse the body: a refused body is invited, then answered {@code 413}. See
 * {@link ExpectContinueIT} for Tomcat with {@code continueResponseTiming="onRead"}.
 */
class ExpectContinueDefaultsIT {

    private static final CountingApp refused = new CountingApp(new UploadDigestApp());
    private static final Router router = new Router();

    static {
        router.put("/refused", refused);
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/buffer/*", new JwsgiServlet(router), "input", "buffer", "max-body-size", "1000")
            .servlet("", "/stream/*", new JwsgiServlet(router), "max-body-size", "1000"));

    private static boolean tomcat() {
        return server.name().startsWith("tomcat");
    }

    @ParameterizedTest(name = "input={0}")
    @ValueSource(strings = {"buffer", "stream"})
    void refusedDeclaredBodyIsInvitedFirstOnlyByTomcat(String input) throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a declared body over max-body-size, waiting for 100 Continue
            conn.send(Uploads.post("/" + input + "/refused", "Expect: 100-continue", "Content-Length: 1001"));

            // then Tomcat invites it anyway, Jetty does not; both refuse it with 413 and close
            RawResponse response = conn.readResponse();
            List<String> expected = tomcat() ? List.of("HTTP/1.1 100 ", BodyLimitIT.statusLine413(server.name()))
                    : List.of(BodyLimitIT.statusLine413(server.name()));
            assertThat(conn.statusLines()).as("status lines, input=%s, on %s", input, server.name()).isEqualTo(expected);
            assertThat(response.header("Connection")).as("Connection of the 413 on %s", server.name()).isEqualTo("close");
            assertThat(conn.awaitServerClose()).as("connection closed after the 413 on %s", server.name()).isTrue();
            assertThat(refused.calls()).as("application calls for refused bodies on %s", server.name()).isZero();
        }
    }

    @Test
    void inStreamModeTomcatInvitesTheBodyBeforeTheApplicationReads() throws Exception {
        GatedReader app = new GatedReader();
        router.put("/gated", app);
        byte[] upload = "hello".getBytes(StandardCharsets.UTF_8);
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given an application holding a request waiting for 100 Continue, not reading yet
            conn.send(Uploads.post("/stream/gated", "Expect: 100-continue", "Content-Length: 5"));
            assertThat(app.awaitEntered()).as("application called on %s", server.name()).isTrue();

            // then Tomcat has invited the body already; Jetty waits for the read
            if (tomcat()) {
                assertThat(conn.readOneHead()).as("interim status before the read on %s", server.name()).isEqualTo(100);
                app.open();
            } else {
                assertThat(conn.silentFor(Duration.ofMillis(500))).as("no 100 before the read on %s", server.name()).isTrue();
                app.open();
                assertThat(conn.readOneHead()).as("interim status once the application reads on %s", server.name())
                        .isEqualTo(100);
            }

            // when the body is sent, then it is answered
            conn.send(upload);
            RawResponse response = conn.readResponse();
            assertThat(response.status() + " " + response.text()).as("answer after 100 Continue on %s", server.name())
                    .isEqualTo("200 " + UploadDigestApp.expected("5", upload));
        }
    }
}
