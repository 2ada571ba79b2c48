package io.jwsgi.testing;

import static io.jwsgi.testing.Apps.TEXT;
import static io.jwsgi.testing.Apps.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.Write;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The mock container serving whole requests with send(): what a client gets, and what the test sees beyond it. */
class MockContainerTest {

    @Test
    void synchronousAppGetsStatusHeadersAndBody() {
        // given an app answering with two headers of the same name
        Application app = (environ, start) -> {
            start.start("201 Created", List.of(new Header("Content-Type", "text/plain"),
                    new Header("X-Tag", "a"), new Header("x-tag", "b")));
            return List.of(bytes("made"));
        };

        // when
        MockResponse response = MockContainer.of(app).get("/items").send();

        // then
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.reason()).isEqualTo("Created");
        assertThat(response.statusLine()).isEqualTo("201 Created");
        assertThat(response.header("content-type")).as("lookup ignores case").isEqualTo("text/plain");
        assertThat(response.headers("X-TAG")).as("every value, in order").containsExactly("a", "b");
        assertThat(response.header("Missing")).isNull();
        assertThat(response.text()).isEqualTo("made");
        assertThat(response.isAborted()).isFalse();
        assertThat(response.warnings()).as("a valid app raises no warning").isEmpty();
    }

    @Test
    void chunksAreRecordedInWriteOrderAndEmptyChunksWriteNothing() {
        Apps.Body body = new Apps.Body(5, i -> bytes(new String[] {"a", "", "b", "", "c"}[i]));
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return body;
        };

        MockResponse response = MockContainer.of(app).get("/").send();

        assertThat(response.textChunks()).as("one write per non-empty chunk").containsExactly("a", "b", "c");
        assertThat(response.body()).isEqualTo(bytes("abc"));
        assertThat(response.closeCount()).as("close() reached the app's iterable once").isEqualTo(1);
        assertThat(body.closes).hasValue(1);
        assertThat(response.isCloseable()).isTrue();
    }

    @Test
    void legacyWriteGoesOutBeforeTheYieldedChunks() {
        Application app = (environ, start) -> {
            Write write = start.start("200 OK", TEXT);
            write.write(bytes("written "));
            return List.of(bytes("yielded"));
        };

        MockResponse response = MockContainer.of(app).get("/").send();

        assertThat(response.textChunks()).containsExactly("written ", "yielded");
    }

    @Test
    void excInfoReplacesTheHeadersBeforeTheyAreSent() {
        // given an app that starts 200, then fails before its first chunk and reports the error
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return () -> new java.util.Iterator<byte[]>() {
                boolean done;

                @Override
                public boolean hasNext() {
                    return !done;
                }

                @Override
                public byte[] next() {
                    done = true;
                    start.start("502 Bad Gateway", TEXT, new IllegalStateException("upstream down"));
                    return bytes("upstream down");
                }
            };
        };

        MockResponse response = MockContainer.of(app).get("/").send();

        assertThat(response.statusLine()).isEqualTo("502 Bad Gateway");
        assertThat(response.text()).isEqualTo("upstream down");
    }

    @Test
    void applicationErrorGivesA500AndIsKeptForTheTest() {
        Application app = (environ, start) -> {
            throw new IllegalStateException("database down");
        };

        MockResponse response = MockContainer.of(app).get("/").send();

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.text()).as("no stack trace, no message").isEqualTo("500 Internal Server Error\n");
        assertThat(response.applicationError()).get().extracting(Throwable::getMessage).isEqualTo("database down");
    }

    @Test
    void contentLengthCapsTheBodyWithoutTheValidator() {
        // given an app whose body is longer than it declares; the validator would reject it
        Application app = (environ, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain"), new Header("Content-Length", "5")));
            return List.of(bytes("HelloWorld"));
        };

        MockResponse response = MockContainer.of(app).withoutValidator().get("/").send();

        assertThat(response.text()).as("the server never sends more than declared").isEqualTo("Hello");
    }

    @Test
    void headRequestReceivesNoBodyLikeFromAContainer() {
        byte[] body = bytes("Hello");
        Application app = (environ, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain"),
                    new Header("Content-Length", Integer.toString(body.length))));
            return "HEAD".equals(environ.get(Environ.REQUEST_METHOD)) ? List.of() : List.of(body);
        };

        MockResponse response = MockContainer.of(app).head("/").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Length")).isEqualTo("5");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void requestCarriesHeadersBodyQueryAndScriptName() throws Exception {
        // given an app that keeps the environ it got and echoes the body
        AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
        Application app = (environ, start) -> {
            seen.set(environ);
            byte[] in = ((InputStream) environ.get(Environ.WSGI_INPUT)).readAllBytes();
            start.start("200 OK", TEXT);
            return List.of(in);
        };

        // when
        MockResponse response = MockContainer.of(app).post("/caf%C3%A9/items?q=a%20b", "ping")
                .header("X-Trace", "1").header("X-Trace", "2")
                .header("Cookie", "a=1").header("Cookie", "b=2")
                .scriptName("/shop")
                .send();

        // then
        assertThat(response.text()).isEqualTo("ping");
        Map<String, Object> environ = seen.get();
        assertThat(environ).containsEntry("REQUEST_METHOD", "POST")
                .containsEntry("SCRIPT_NAME", "/shop")
                .containsEntry("PATH_INFO", "/café/items")
                .containsEntry("QUERY_STRING", "q=a%20b")
                .containsEntry("CONTENT_LENGTH", "4")
                .containsEntry("CONTENT_TYPE", "text/plain; charset=utf-8")
                .containsEntry("HTTP_X_TRACE", "1,2")
                .containsEntry("HTTP_COOKIE", "a=1; b=2");
    }

    @Test
    void wsgiErrorsIsCapturedInTheResponse() {
        Application app = (environ, start) -> {
            ((java.io.PrintWriter) environ.get(Environ.WSGI_ERRORS)).println("cache miss");
            start.start("200 OK", TEXT);
            return List.of(bytes("x"));
        };

        MockResponse response = MockContainer.of(app).get("/").send();

        assertThat(response.errors()).isEqualTo("cache miss" + System.lineSeparator());
    }

    @Test
    void appRunsOnTheMockThreadNotTheTestThread() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Application app = (environ, start) -> {
            ranOn.set(Thread.currentThread());
            start.start("200 OK", TEXT);
            return List.of(bytes("x"));
        };

        MockContainer.of(app).get("/").send();

        assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
        assertThat(ranOn.get().getName()).startsWith("jwsgi-mock-");
    }
}
