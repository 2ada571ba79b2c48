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
import io.jwsgi.testing.MockResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HeadTest {

    private static final List<Header> HEADERS = List.of(new Header("Content-Type", "text/plain"),
            new Header("Content-Length", "9"), new Header("ETag", "\"v1\""));
    @Test
    void headGetsTheGetHeadersWithoutBodyAndTheBodyIsClosedOnce() {
        // given: an app that only knows GET
        AtomicReference<Object> seenMethod = new AtomicReference<>();
        Closing body = Closing.of("abc", "def", "ghi");
        Application app = (env, start) -> {
            seenMethod.set(env.get(Environ.REQUEST_METHOD));
            start.start("GET".equals(env.get(Environ.REQUEST_METHOD)) ? "200 OK" : "405 Method Not Allowed", HEADERS);
            return body;
        };

        // when
        MockResponse response = MockContainer.of(new Head(app)).head("/doc").send();

        // then
        assertThat(seenMethod.get()).as("the app sees GET").isEqualTo("GET");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).as("headers as for GET, Content-Length included").isEqualTo(HEADERS);
        assertThat(response.body()).as("no body").isEmpty();
        assertThat(response.isEnded() && !response.isAborted()).as("a HEAD response may stop short of its Content-Length")
                .isTrue();
        assertThat(body.pulls).as("pulled only up to the first non-empty chunk").hasValue(1);
        assertThat(body.closes).hasValue(1);
    }

    @Test
    void getPassesThroughUntouched() {
        Closing body = Closing.of("abc", "def", "ghi");
        Application app = (env, start) -> {
            start.start("200 OK", HEADERS);
            return body;
        };

        MockResponse response = MockContainer.of(new Head(app)).get("/doc").send();

        assertThat(response.text()).isEqualTo("abcdefghi");
        assertThat(body.closes).hasValue(1);
    }

    @Test
    void writtenBytesAreDroppedForHead() {
        Application app = (env, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain"))).write(bytes("written"));
            return List.of();
        };

        MockResponse response = MockContainer.of(new Head(app)).head("/").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void sleepingAppStillSleepsAndIsWokenForHeadAndClosedOnce() {
        // given: a long-poll app asked with HEAD
        Sleeper app = new Sleeper(List.of(new Header("Content-Type", "text/plain")));
        MockExchange exchange = MockContainer.of(new Head(app)).head("/poll").start();

        // then: it sleeps as for GET
        assertThat(exchange.isSleeping()).as("asleep until the first message").isTrue();
        assertThat(app.sleeps).hasValue(1);

        // when: woken with its first chunk
        app.feed("message");

        // then: the response ends without a body, and without pulling further
        MockResponse response = exchange.awaitDone();
        assertThat(response.isAborted()).as("completed, not cut").isFalse();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(app.closes).hasValue(1);
    }
}
