package io.jwsgi.middleware;

import static io.jwsgi.middleware.Bodies.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.fixture.Closing;
import io.jwsgi.fixture.Harness;
import io.jwsgi.fixture.Sleeper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ErrorPagesTest {

    private static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain"));
    private final Harness server = new Harness();
    private final StringWriter errors = new StringWriter();

    @AfterEach
    void stop() {
        server.close();
    }

    private Map<String, Object> request() {
        Map<String, Object> env = Harness.environ("GET", "/boom");
        env.put(Environ.WSGI_ERRORS, new PrintWriter(errors, true));
        return env;
    }

    private static Application throwingInCall() {
        return (env, start) -> {
            throw new IllegalStateException("secret <script>alert(1)</script> detail");
        };
    }

    @Test
    void exceptionInCallBecomesA500PageWithoutTheTrace() {
        // when
        Harness.Exchange response = server.serve(new ErrorPages(throwingInCall()), request());

        // then
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(response.text()).as("a page").contains("Internal Server Error")
                .as("never the exception by default").doesNotContain("secret").doesNotContain("IllegalStateException");
        assertThat(response.completed()).isTrue();
        assertThat(errors.toString()).as("the error is logged to wsgi.errors, with its trace")
                .contains("GET /boom").contains("IllegalStateException: secret").contains("\tat ");
    }

    @Test
    void debugModeShowsTheTraceHtmlEscaped() {
        // when
        Harness.Exchange response = server.serve(new ErrorPages(throwingInCall(), true), request());

        // then
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.text()).as("the trace is shown")
                .contains("java.lang.IllegalStateException: secret &lt;script&gt;alert(1)&lt;/script&gt; detail")
                .contains("at io.jwsgi.middleware.ErrorPagesTest")
                .as("and escaped").doesNotContain("<script>");
    }

    @Test
    void exceptionAfterStartButBeforeAnyBodyReplacesTheHeadersAndClosesOnce() {
        // given: an app that starts 200, yields an empty chunk, then fails
        AtomicInteger closes = new AtomicInteger();
        Application app = (env, start) -> {
            start.start("200 OK", TEXT);
            return new FailingBody(closes, 1, false);
        };

        // when
        Harness.Exchange response = server.serve(new ErrorPages(app), request());

        // then
        assertThat(response.status()).as("replaced through excInfo").isEqualTo(500);
        assertThat(response.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(response.completed()).isTrue();
        assertThat(closes).as("the failed body is still closed, once").hasValue(1);
    }

    @Test
    void exceptionAfterBodyBytesWentOutIsRethrownAndTheConnectionCut() {
        // given: an app that sends a chunk, then fails
        AtomicInteger closes = new AtomicInteger();
        Application app = (env, start) -> {
            start.start("200 OK", TEXT);
            return new FailingBody(closes, 1, true);
        };

        // when
        Harness.Exchange response = server.serve(new ErrorPages(app), request());

        // then
        assertThat(response.status()).as("the head went out with the first chunk").isEqualTo(200);
        assertThat(response.text()).as("no page glued onto the body").isEqualTo("chunk");
        assertThat(response.aborted()).as("the server cuts the connection").isTrue();
        assertThat(closes).hasValue(1);
    }

    @Test
    void healthyAppPassesThroughUnchanged() {
        // given
        Closing body = Closing.of("a", "", "b");
        Application app = (env, start) -> {
            start.start("200 OK", TEXT);
            return body;
        };

        // when
        Harness.Exchange response = server.serve(new ErrorPages(app), request());

        // then
        assertThat(response.chunkTexts()).containsExactly("a", "b");
        assertThat(body.pulls).as("one pull per chunk").hasValue(3);
        assertThat(body.closes).hasValue(1);
    }

    @Test
    void sleepingAppPassesChunkByChunkAndClosesOnce() {
        // given
        Sleeper app = new Sleeper(TEXT);
        Harness.Exchange response = server.serve(new ErrorPages(app), request());

        // when / then: each wake delivers exactly its chunk
        app.feed("one");
        server.run();
        assertThat(response.chunkTexts()).containsExactly("one");
        app.feed("two");
        server.run();
        assertThat(response.chunkTexts()).containsExactly("one", "two");
        assertThat(response.done()).isFalse();
        app.finish();
        server.run();

        assertThat(response.completed()).isTrue();
        assertThat(app.closes).hasValue(1);
    }

    @Test
    void appFailingWhenWokenBeforeAnyBodyGetsThePage() {
        // given: an app that sleeps first and fails when woken
        AtomicInteger closes = new AtomicInteger();
        Map<String, Object> env = request();
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return new FailingBody(closes, 1, false) {
                @Override
                void beforeFirst() {
                    ((Runnable) environ.get(Environ.ASYNC_SLEEP)).run();
                }
            };
        };
        Harness.Exchange response = server.serve(new ErrorPages(app), env);
        assertThat(response.done()).as("asleep").isFalse();

        // when
        ((Runnable) env.get(Environ.ASYNC_WAKE)).run();
        server.run();

        // then
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.completed()).isTrue();
        assertThat(closes).hasValue(1);
    }

    /** Yields {@code before} chunks ("chunk" or empty), then throws from next(). */
    private static class FailingBody implements Iterable<byte[]>, AutoCloseable {
        private final AtomicInteger closes;
        private final int before;
        private final boolean nonEmpty;

        FailingBody(AtomicInteger closes, int before, boolean nonEmpty) {
            this.closes = closes;
            this.before = before;
            this.nonEmpty = nonEmpty;
        }

        void beforeFirst() {
        }

        @Override
        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                int n;

                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public byte[] next() {
                    if (n == 0) {
                        beforeFirst();
                    }
                    if (n++ < before) {
                        return nonEmpty ? bytes("chunk") : new byte[0];
                    }
                    throw new IllegalStateException("failed after " + before + " chunk(s)");
                }
            };
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
