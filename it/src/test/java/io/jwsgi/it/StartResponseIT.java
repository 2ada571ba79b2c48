package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Header;
import io.jwsgi.Write;
import io.jwsgi.servlet.JwsgiServlet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PEP 3333's start_response rules a correct application relies on: excInfo, write() and Content-Length. */
class StartResponseIT {

    private static final Router router = new Router();
    private static final JwsgiServlet servlet = new JwsgiServlet(router);
    private static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain; charset=utf-8"));
    private static final List<Header> SORRY = List.of(new Header("Content-Type", "text/plain; charset=utf-8"),
            new Header("Content-Length", "6"));

    static {
        router.put("/hello", Router.text("hello\n"));
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment().servlet("", "/*", servlet));

    @Test
    void excInfoReplacesTheHeadInCallBeforeItWentOut() throws Exception {
        // given an application that fails after start and replaces its head, all inside call
        String path = router.put("/replace-in-call", (env, sr) -> {
            sr.start("200 OK", TEXT);
            sr.start("503 Service Unavailable", SORRY, new IllegalStateException("backend down"));
            return List.of(bytes("sorry\n"));
        });

        // then the client gets the replacement, whole
        assertResponse(path, 503, "sorry\n", "replaced head");
    }

    @Test
    void excInfoReplacesTheHeadWhileOnlyEmptyChunksWentOut() throws Exception {
        // given a body that yields an empty chunk, then fails and replaces the head
        AtomicReference<ProbeBody> body = new AtomicReference<>();
        String path = router.put("/replace-in-body", (env, sr) -> {
            sr.start("200 OK", TEXT);
            body.set(new ProbeBody(i -> switch (i) {
                case 0 -> new byte[0];
                case 1 -> {
                    sr.start("503 Service Unavailable", SORRY, new IllegalStateException("backend down"));
                    yield bytes("sorry\n");
                }
                default -> ProbeBody.END;
            }));
            return body.get();
        });

        // then the empty chunk sent nothing, and the replacement is what the client gets
        assertResponse(path, 503, "sorry\n", "head replaced after an empty chunk");
        assertClosedOnce(body.get());
    }

    @Test
    void writeKeepsItsOrderWithTheIterable() throws Exception {
        // given an application writing from call and from the iterable, between yielded chunks
        AtomicReference<ProbeBody> body = new AtomicReference<>();
        String path = router.put("/write-order", (env, sr) -> {
            Write write = sr.start("200 OK", TEXT);
            write.write(bytes("one "));
            body.set(new ProbeBody(i -> switch (i) {
                case 0 -> {
                    write.write(bytes("two "));
                    yield bytes("three ");
                }
                case 1 -> bytes("four\n");
                default -> ProbeBody.END;
            }));
            return body.get();
        });

        // then the bytes arrive in the order the application produced them
        assertResponse(path, 200, "one two three four\n", "write() and chunks in order");
        assertClosedOnce(body.get());
    }

    @Test
    void moreBytesThanContentLengthAreNotSentNorPulled() throws Exception {
        // given an application declaring 5 bytes and yielding more, and more chunks after
        ProbeBody body = ProbeBody.of("hello world", "and more");
        String path = router.put("/too-long", (env, sr) -> {
            sr.start("200 OK", List.of(new Header("Content-Type", "text/plain"), new Header("Content-Length", "5")));
            return body;
        });

        try (RawConnection conn = RawConnection.open(server.port())) {
            // when it is requested
            RawResponse response = conn.get(path).readResponse();

            // then exactly the declared bytes come, whole, and the iterable is not pulled past them
            assertThat(response.status()).as("status on %s", server.name()).isEqualTo(200);
            assertThat(response.text()).as("body cut at Content-Length on %s", server.name()).isEqualTo("hello");
            assertThat(response.complete()).as("response complete on %s", server.name()).isTrue();
            assertClosedOnce(body);
            assertThat(body.pulls()).as("chunks pulled on %s", server.name()).isEqualTo(1);

            // and the connection is still framed right for the next request
            assertThat(conn.get("/hello").readResponse().text()).as("next request on the same connection on %s",
                    server.name()).isEqualTo("hello\n");
        }
    }

    @Test
    void emptyBodyGetsItsHeadAtTheEnd() throws Exception {
        // given an application with headers and no body at all
        ProbeBody body = ProbeBody.of();
        String path = router.put("/empty", (env, sr) -> {
            sr.start("204 No Content", List.of(new Header("X-Note", "nothing")));
            return body;
        });

        try (RawConnection conn = RawConnection.open(server.port())) {
            // then its status and headers still go out
            RawResponse response = conn.get(path).readResponse();
            assertThat(response.status()).as("status on %s", server.name()).isEqualTo(204);
            assertThat(response.header("X-Note")).as("header on %s", server.name()).isEqualTo("nothing");
            assertThat(response.body()).as("body on %s", server.name()).isEmpty();
        }
        assertClosedOnce(body);
    }

    @Test
    void headRequestGetsTheHeadersAndNoBody() throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given an application that always yields its body, with its Content-Length
            conn.send("HEAD /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            // when asked for the head only, then the headers come
            assertThat(conn.readHead()).as("HEAD status on %s", server.name()).isEqualTo(200);

            // and no body byte: the next response on the connection starts right after the head
            assertThat(conn.get("/hello").readResponse().text()).as("GET after HEAD on %s", server.name())
                    .isEqualTo("hello\n");
        }
    }

    private static void assertResponse(String path, int status, String text, String what) throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            RawResponse response = conn.get(path).readResponse();
            assertThat(response.status() + " " + response.text()).as("%s on %s", what, server.name())
                    .isEqualTo(status + " " + text);
            assertThat(response.complete()).as("%s complete on %s", what, server.name()).isTrue();
        }
    }

    private static void assertClosedOnce(ProbeBody body) throws InterruptedException {
        Await.until("the response ended on " + server.name(), () -> servlet.engine().inFlight() == 0);
        assertThat(body.closes()).as("close() calls on %s", server.name()).isEqualTo(1);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
