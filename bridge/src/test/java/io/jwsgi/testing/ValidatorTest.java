package io.jwsgi.testing;

import static io.jwsgi.testing.Apps.TEXT;
import static io.jwsgi.testing.Apps.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.Write;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The validator on valid applications: silent, transparent to the control flow, and warning about soft problems. */
class ValidatorTest {

    /**
     * A valid app using most of the contract: reads its body, replaces its headers with excInfo,
     * writes with write(), yields empty chunks, sleeps and is woken by another thread.
     */
    static final class EverythingApp implements Application {
        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, io.jwsgi.StartResponse start) throws Exception {
            byte[] request = ((InputStream) environ.get(Environ.WSGI_INPUT)).readAllBytes();
            start.start("200 OK", TEXT);
            Write write = start.start("202 Accepted", TEXT, new IllegalStateException("changed my mind"));
            write.write(bytes("got " + new String(request, java.nio.charset.StandardCharsets.UTF_8) + ";"));
            Runnable sleep = Apps.sleep(environ);
            Runnable wake = Apps.wake(environ);
            return new Apps.Body(4, i -> switch (i) {
                case 0 -> new byte[0];
                case 1 -> {
                    sleep.run();
                    new Thread(wake).start();
                    yield new byte[0];
                }
                case 2 -> bytes(" woke");
                default -> new byte[0];
            });
        }
    }

    @Test
    void validAppPassesSilently() {
        MockResponse response = MockContainer.of(new EverythingApp()).post("/", "ping").send();

        assertThat(response.statusLine()).isEqualTo("202 Accepted");
        assertThat(response.text()).isEqualTo("got ping; woke");
        assertThat(response.warnings()).as("no warning").isEmpty();
        assertThat(response.errors()).as("nothing written to wsgi.errors").isEmpty();
        assertThat(response.closeCount()).isEqualTo(1);
    }

    @Test
    void validatorKeepsTheControlFlowOfTheAppItWraps() throws Exception {
        // given an app yielding an empty chunk after a sleep, and a server sleep that counts
        AtomicInteger serverSleeps = new AtomicInteger();
        AtomicReference<Apps.Body> body = new AtomicReference<>();
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            body.set(new Apps.Body(3, i -> {
                if (i == 1) {
                    Apps.sleep(environ).run();
                    return new byte[0];
                }
                return bytes("c" + i);
            }));
            return body.get();
        };
        Map<String, Object> environ = EnvironBuilder.of("GET", "/")
                .set(Environ.ASYNC_SLEEP, (Runnable) serverSleeps::incrementAndGet)
                .set(Environ.ASYNC_WAKE, (Runnable) () -> { }).build();

        // when a server iterates the validator's body
        Iterable<byte[]> checked = Validator.wrap(app).call(environ, (status, headers, excInfo) -> data -> { });
        List<String> out = new ArrayList<>();
        for (byte[] chunk : checked) {
            out.add(new String(chunk, java.nio.charset.StandardCharsets.UTF_8));
        }
        ((AutoCloseable) checked).close();

        // then one chunk came out per chunk in, the empty one too, and sleep and close went through
        assertThat(out).containsExactly("c0", "", "c2");
        assertThat(body.get().pulls).hasValue(3);
        assertThat(serverSleeps).as("async.sleep reached the server").hasValue(1);
        assertThat(body.get().closes).as("close() passed through once").hasValue(1);
    }

    @Test
    void iterableThatIsNotCloseableIsClosedByTheValidatorWithoutComplaint() {
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return List.of(bytes("x"));
        };

        MockResponse response = MockContainer.of(app).get("/").send();

        assertThat(response.isCloseable()).isFalse();
        assertThat(response.closeCount()).isZero();
        assertThat(response.text()).isEqualTo("x");
    }

    static Stream<Arguments> softProblems() {
        List<Header> noType = List.of();
        return Stream.of(
                Arguments.of("body without Content-Type", "GET", app("200 OK", noType, "x"),
                        "the response has a body but no Content-Type header; clients will guess the type"),
                Arguments.of("body on a HEAD response", "HEAD", app("200 OK", TEXT, "hello"),
                        "a response to HEAD must have no body, but 5 bytes were yielded; the client will not see them"),
                Arguments.of("body on a 304", "GET", app("304 Not Modified", noType, "hello"),
                        "a 304 response must have no body, but 5 bytes were yielded; the client will not see them"),
                Arguments.of("Content-Type on a 204", "GET", app("204 No Content", TEXT),
                        "a 204 response has no body, so it should have no Content-Type header;"
                                + " got \"text/plain; charset=utf-8\""),
                Arguments.of("200 with an empty body", "GET", app("200 OK", TEXT),
                        "status 200 with an empty body and no Content-Length; send 204 No Content, or"
                                + " Content-Length: 0"),
                Arguments.of("status above 599", "GET", app("600 Custom", TEXT, "x"),
                        "status \"600 Custom\" is outside the HTTP range 100-599"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("softProblems")
    void softProblemIsAWarningInWsgiErrorsNotAFailure(String name, String method, Application app, String warning) {
        MockResponse response = MockContainer.of(app).request(method, "/").send();

        assertThat(response.warnings()).as(name).containsExactly(warning);
        assertThat(response.errors()).isEqualTo("JWSGI validator warning: " + warning + System.lineSeparator());
    }

    private static Application app(String status, List<Header> headers, String... chunks) {
        return (environ, start) -> {
            start.start(status, headers);
            return Stream.of(chunks).map(Apps::bytes).toList();
        };
    }
}
