package io.jwsgi.middleware;

import static io.jwsgi.middleware.Bodies.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.fixture.Closing;
import io.jwsgi.fixture.Sleeper;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockRequest;
import io.jwsgi.testing.MockResponse;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ErrorPagesTest {

    private static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain"));

    private static MockRequest request(Application app) {
        return MockContainer.of(app).get("/boom");
    }

    private static void assertCompleted(MockResponse response) {
        assertThat(response.isEnded() && !response.isAborted()).as("completed, not cut: %s", response).isTrue();
    }

    private static Application throwingInCall() {
        return (env, start) -> {
            throw new IllegalStateException("secret <script>alert(1)</script> detail");
        };
    }

    @Test
    void exceptionInCallBecomesA500PageWithoutTheTrace() {
        // when
        MockResponse response = request(new ErrorPages(throwingInCall())).send();

        // then
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(response.text()).as("a page").contains("Internal Server Error")
                .as("never the exception by default").doesNotContain("secret").doesNotContain("IllegalStateException");
        assertCompleted(response);
        assertThat(response.errors()).as("the error is logged to wsgi.errors, with its trace")
                .contains("GET /boom").contains("IllegalStateException: secret").contains("\tat ");
    }

    @Test
    void debugModeShowsTheTraceHtmlEscaped() {
        // when
        MockResponse response = request(new ErrorPages(throwingInCall(), true)).send();

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
        MockResponse response = request(new ErrorPages(app)).send();

        // then
        assertThat(response.status()).as("replaced through excInfo").isEqualTo(500);
        assertThat(response.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertCompleted(response);
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
        MockResponse response = request(new ErrorPages(app)).send();

        // then
        assertThat(response.status()).as("the head went out with the first chunk").isEqualTo(200);
        assertThat(response.text()).as("no page glued onto the body").isEqualTo("chunk");
        assertThat(response.isAborted()).as("the server cuts the connection").isTrue();
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
        MockResponse response = request(new ErrorPages(app)).send();

        // then
        assertThat(response.textChunks()).containsExactly("a", "b");
        assertThat(body.pulls).as("one pull per chunk").hasValue(3);
        assertThat(body.closes).hasValue(1);
    }

    @Test
    void sleepingAppPassesChunkByChunkAndClosesOnce() {
        // given
        Sleeper app = new Sleeper(TEXT);
        MockExchange exchange = request(new ErrorPages(app)).start();
        assertThat(exchange.isSleeping()).as("asleep until fed").isTrue();

        // when / then: each wake delivers exactly its chunk
        app.feed("one");
        assertThat(exchange.response().textChunks()).containsExactly("one");
        app.feed("two");
        assertThat(exchange.response().textChunks()).containsExactly("one", "two");
        assertThat(exchange.isSleeping()).as("asleep again, not ended").isTrue();
        app.finish();

        assertCompleted(exchange.awaitDone());
        assertThat(app.closes).hasValue(1);
    }

    @Test
    void appFailingWhenWokenBeforeAnyBodyGetsThePage() {
        // given: an app that sleeps first and fails when woken
        AtomicInteger closes = new AtomicInteger();
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return new FailingBody(closes, 1, false) {
                @Override
                void beforeFirst() {
                    ((Runnable) environ.get(Environ.ASYNC_SLEEP)).run();
                }
            };
        };
        MockExchange exchange = request(new ErrorPages(app)).start();
        assertThat(exchange.isSleeping()).as("asleep").isTrue();

        // when
        exchange.wake();

        // then
        MockResponse response = exchange.awaitDone();
        assertThat(response.status()).isEqualTo(500);
        assertCompleted(response);
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
