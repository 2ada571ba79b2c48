package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.servlet.JwsgiServlet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every faulty-application case of the contract, over real HTTP: {@code 500} without details
 * while no header went out, a cut connection after; the body closed once; the server serving on.
 */
class FaultyApplicationIT {

    private static final Router router = new Router();
    private static final JwsgiServlet servlet = new JwsgiServlet(router);
    private static final AtomicInteger routes = new AtomicInteger();
    private static final LogCapture log = LogCapture.install();
    private static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain; charset=utf-8"));
    private static final List<Header> SIZED = List.of(new Header("Content-Type", "text/plain; charset=utf-8"),
            new Header("Content-Length", "100"));

    static {
        router.put("/hello", Router.text("hello\n"));
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment().servlet("", "/*", servlet));

    /** A faulty application: what it does with the environ and start_response, and the body it returns. */
    @FunctionalInterface
    interface Faulty {
        ProbeBody call(Map<String, Object> environ, StartResponse startResponse) throws Exception;
    }

    @BeforeEach
    void forgetLog() {
        log.clear();
    }

    @AfterAll
    static void stopCapture() {
        log.close();
    }

    static Stream<Arguments> faultsBeforeTheHead() {
        List<Arguments> cases = new ArrayList<>(List.of(
                fault("status without a reason phrase", "Status must be", startsInBody("200", TEXT)),
                fault("status of two digits", "Status must be", startsInBody("20 OK", TEXT)),
                fault("status holding CR LF", "Status", startsInBody("200 OK\r\nX-Injected: SECRET", TEXT)),
                // The containers cannot send a 1xx as the final response: Tomcat leaves the client waiting.
                fault("informational status 100", "a final status", startsInBody("100 Continue", TEXT)),
                fault("informational status 101", "a final status", startsInBody("101 Switching Protocols", TEXT)),
                fault("informational status 103", "a final status", startsInBody("103 Early Hints", TEXT)),
                fault("header name with a space", "HTTP token", startsInBody("200 OK", List.of(new Header("Bad Name", "SECRET")))),
                fault("header name with a colon", "HTTP token", startsInBody("200 OK", List.of(new Header("X:Y", "SECRET")))),
                fault("header value with CR LF", "control", startsInBody("200 OK",
                        List.of(new Header("X-Note", "a\r\nSet-Cookie: SECRET=1")))),
                fault("header value with NUL", "control", startsInBody("200 OK", List.of(new Header("X-Note", "SECRET\u0000")))),
                fault("header value beyond ISO-8859-1", "ISO-8859-1", startsInBody("200 OK",
                        List.of(new Header("X-Note", "SECRET\u010aSet-Cookie: x=1")))),
                fault("Content-Length not a number", "Content-Length", startsInBody("200 OK",
                        List.of(new Header("Content-Length", "SECRET")))),
                fault("second start without excInfo", "second time", (env, sr) -> new ProbeBody(i -> {
                    sr.start("200 OK", TEXT);
                    sr.start("201 Created", TEXT);
                    return "SECRET".getBytes(StandardCharsets.UTF_8);
                })),
                fault("non-empty chunk before start", "before start_response", (env, sr) -> ProbeBody.of("SECRET")),
                fault("body ends without start", "without calling start_response", (env, sr) -> ProbeBody.of()),
                fault("null chunk", "null chunk", (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return new ProbeBody(i -> null);
                }),
                fault("call throws", "SECRET-call", (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    throw new IllegalStateException("SECRET-call");
                }),
                fault("call returns null", "got null", (env, sr) -> null),
                fault("iterator() throws", "SECRET-iterator", (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return new ProbeBody(i -> ProbeBody.END) {
                        @Override
                        public Iterator<byte[]> iterator() {
                            throw new IllegalStateException("SECRET-iterator");
                        }
                    };
                }),
                fault("hasNext throws", "SECRET-hasNext", (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return new ProbeBody(i -> {
                        throw new java.io.IOException("SECRET-hasNext");
                    });
                }),
                fault("next throws", "SECRET-next", (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return ProbeBody.withIterator(new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return true;
                        }

                        @Override
                        public byte[] next() {
                            throw new IllegalStateException("SECRET-next");
                        }
                    });
                })));
        for (String hop : List.of("Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE",
                "Trailer", "Transfer-Encoding", "Upgrade")) {
            cases.add(fault("hop-by-hop " + hop, "hop-by-hop", startsInBody("200 OK", List.of(new Header(hop, "SECRET")))));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faultsBeforeTheHead")
    void faultBeforeTheHeadGives500WithoutDetails(String name, String logged, Faulty faulty) throws Exception {
        // given a faulty application
        Recorder app = new Recorder(faulty);
        String path = router.put("/fault-" + routes.incrementAndGet(), app);

        // when it is requested
        RawResponse response;
        try (RawConnection conn = RawConnection.open(server.port())) {
            response = conn.get(path).readResponse();
        }

        // then the client gets a whole 500 that tells nothing of the fault
        assertThat(response.status()).as("status for %s on %s", name, server.name()).isEqualTo(500);
        assertThat(response.complete()).as("500 response complete for %s on %s", name, server.name()).isTrue();
        assertThat(response.text()).as("500 body for %s on %s", name, server.name())
                .doesNotContain("SECRET").doesNotContain("Exception").doesNotContain("\tat ");
        // and the log names it
        Await.until("a log line naming " + name + " holding \"" + logged + "\", got " + log.lines(),
                () -> log.contains(logged));
        assertBodyClosedOnce(app, name);
        assertServerStillServes();
    }

    static Stream<Arguments> faultsAfterTheHead() {
        return Stream.of(
                fault("next throws after a chunk (chunked)", "SECRET-late", (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return new ProbeBody(i -> partialThen(i, () -> {
                        throw new IllegalStateException("SECRET-late");
                    }));
                }),
                fault("next throws after a chunk (Content-Length)", "SECRET-late", (env, sr) -> {
                    sr.start("200 OK", SIZED);
                    return new ProbeBody(i -> partialThen(i, () -> {
                        throw new IllegalStateException("SECRET-late");
                    }));
                }),
                fault("second start without excInfo after the head", "second time", (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return new ProbeBody(i -> partialThen(i, () -> {
                        sr.start("200 OK", TEXT);
                        return ProbeBody.END;
                    }));
                }),
                fault("null chunk after the head", "null chunk", (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return new ProbeBody(i -> partialThen(i, () -> null));
                }),
                fault("excInfo rethrown after the head", "SECRET-rethrown", (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return new ProbeBody(i -> partialThen(i, () -> {
                        IllegalStateException error = new IllegalStateException("SECRET-rethrown");
                        try {
                            sr.start("500 Internal Server Error", TEXT, error);
                        } catch (IllegalStateException rethrown) {
                            // PEP 3333: once the head went out, start rethrows excInfo itself.
                            if (rethrown == error) {
                                throw rethrown;
                            }
                        }
                        return "not rethrown".getBytes(StandardCharsets.UTF_8);
                    }));
                }),
                fault("body ends short of its Content-Length", "Content-Length", (env, sr) -> {
                    sr.start("200 OK", SIZED);
                    return ProbeBody.of("partial\n");
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faultsAfterTheHead")
    void faultAfterTheHeadCutsTheConnection(String name, String logged, Faulty faulty) throws Exception {
        // given an application that fails once its head and a first chunk went out
        Recorder app = new Recorder(faulty);
        String path = router.put("/late-" + routes.incrementAndGet(), app);

        // when it is requested
        RawResponse response;
        try (RawConnection conn = RawConnection.open(server.port())) {
            response = conn.get(path).readResponse();
        }

        // then the client sees the start of a response that never ends as its framing says
        assertThat(response.status()).as("status for %s on %s", name, server.name()).isEqualTo(200);
        assertThat(response.text()).as("body received for %s on %s", name, server.name()).isEqualTo("partial\n");
        assertThat(response.complete()).as("response cut for %s on %s", name, server.name()).isFalse();
        Await.until("a log line naming " + name + " holding \"" + logged + "\", got " + log.lines(),
                () -> log.contains(logged));
        assertBodyClosedOnce(app, name);
        assertServerStillServes();
    }

    private static Arguments fault(String name, String logged, Faulty faulty) {
        return Arguments.of(name, logged, faulty);
    }

    /** A body whose first chunk calls start with this status and headers (as a generator would). */
    private static Faulty startsInBody(String status, List<Header> headers) {
        return (env, sr) -> new ProbeBody(i -> {
            sr.start(status, headers);
            return "SECRET body".getBytes(StandardCharsets.UTF_8);
        });
    }

    /** Chunk 0 is "partial\n", chunk 1 is whatever {@code then} does. */
    private static byte[] partialThen(int index, Callable<byte[]> then) throws Exception {
        return index == 0 ? "partial\n".getBytes(StandardCharsets.UTF_8) : then.call();
    }

    private static void assertBodyClosedOnce(Recorder app, String name) throws InterruptedException {
        Await.until("the response to " + name + " ended on " + server.name(), () -> servlet.engine().inFlight() == 0);
        if (app.body != null) {
            assertThat(app.body.closes()).as("close() calls for %s on %s", name, server.name()).isEqualTo(1);
        }
    }

    private static void assertServerStillServes() throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            assertThat(conn.get("/hello").readResponse().text()).as("next request on %s", server.name()).isEqualTo("hello\n");
        }
    }

    /** Serves a {@link Faulty} application and keeps the body it returned. */
    private static final class Recorder implements Application {
        private final Faulty faulty;
        private volatile ProbeBody body;

        Recorder(Faulty faulty) {
            this.faulty = faulty;
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
            body = faulty.call(environ, startResponse);
            return body;
        }
    }
}
