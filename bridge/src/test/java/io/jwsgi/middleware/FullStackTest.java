package io.jwsgi.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.fixture.Sleeper;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockRequest;
import io.jwsgi.testing.MockResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every middleware stacked around a long-poll application: the control flow survives the whole stack. */
class FullStackTest {

    @TempDir
    Path root;
    private final List<String> log = new CopyOnWriteArrayList<>();

    private Application stack(Application chat) throws Exception {
        Files.writeString(root.resolve("app.css"), "body{}");
        Application site = Dispatcher.builder()
                .mount("/chat", chat)
                .mount("/static", StaticFiles.directory(root))
                .build();
        return Pipeline.of(site)
                .with(Head::new)
                .with(Gzip::new)
                .with(a -> new ErrorPages(a, false))
                .with(a -> new AccessLog(a, AccessLog.Format.COMMON, (line, env) -> log.add(line)))
                .with(ProxyFix.trusting("10.0.0.0/8"));
    }

    /** A request through the proxy at 10.1.2.3 from a client that accepts gzip. */
    private static MockRequest request(Application app, String method, String path) {
        return MockContainer.of(app).request(method, path)
                .environ(Environ.REMOTE_ADDR, "10.1.2.3")
                .header("X-Forwarded-For", "198.51.100.7")
                .header("Accept-Encoding", "gzip");
    }

    /** Starts a long poll and waits for it to sleep. */
    private static MockExchange poll(Application app, String method) {
        MockExchange exchange = request(app, method, "/chat/poll").start();
        assertThat(exchange.isSleeping()).as("asleep until a message").isTrue();
        return exchange;
    }

    @Test
    void longPollThroughEveryMiddlewareArrivesChunkByChunkAndClosesOnce() throws Exception {
        // given
        Sleeper chat = new Sleeper(List.of(new Header("Content-Type", "text/plain; charset=utf-8")));
        MockExchange exchange = poll(stack(chat), "GET");
        assertThat(chat.environ.get(Environ.SCRIPT_NAME)).isEqualTo("/chat");
        assertThat(chat.environ.get(Environ.REMOTE_ADDR)).isEqualTo("198.51.100.7");
        assertThat(exchange.chunks()).as("asleep").isEmpty();

        // when / then: each wake brings exactly one more block
        chat.feed("alice: hi\n");
        assertThat(exchange.chunks()).hasSize(1);
        assertThat(Bodies.gunzipPrefix(exchange.response().body())).isEqualTo("alice: hi\n");
        chat.feed("bob: hello\n");
        assertThat(exchange.chunks()).hasSize(2);
        assertThat(Bodies.gunzipPrefix(exchange.response().body())).isEqualTo("alice: hi\nbob: hello\n");
        assertThat(log).as("not logged while the poll lives").isEmpty();

        chat.finish();
        MockResponse response = exchange.awaitDone();

        // then
        assertThat(response.isAborted()).as("completed, not cut").isFalse();
        assertThat(response.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(Bodies.gunzip(response.body())).isEqualTo("alice: hi\nbob: hello\n");
        assertThat(chat.closes).as("close() crossed every layer exactly once").hasValue(1);
        assertThat(log).hasSize(1);
        assertThat(log.get(0)).startsWith("198.51.100.7 - - [").contains("\"GET /chat/poll HTTP/1.1\" 200 ");
    }

    @Test
    void clientLeavingMidPollIsSeenByEveryLayer() throws Exception {
        Sleeper chat = new Sleeper(List.of(new Header("Content-Type", "text/plain")));
        MockExchange exchange = poll(stack(chat), "GET");
        chat.feed("x\n");
        assertThat(exchange.chunks()).as("one block out, asleep again").hasSize(1);

        exchange.disconnect();

        assertThat(exchange.isDone()).isTrue();
        assertThat(chat.closes).hasValue(1);
        assertThat(log).hasSize(1);
    }

    @Test
    void headOfALongPollEndsAtTheFirstMessageWithoutBody() throws Exception {
        Sleeper chat = new Sleeper(List.of(new Header("Content-Type", "text/plain")));
        MockExchange exchange = poll(stack(chat), "HEAD");

        chat.feed("x\n");

        MockResponse response = exchange.awaitDone();
        assertThat(response.isAborted()).as("completed, not cut").isFalse();
        assertThat(response.body()).isEmpty();
        assertThat(chat.closes).hasValue(1);
    }

    @Test
    void staticFilesAndUnknownPathsThroughTheStack() throws Exception {
        Application app = stack(new Sleeper(List.of()));

        MockResponse css = request(app, "GET", "/static/app.css").send();
        MockResponse missing = request(app, "GET", "/nowhere").send();

        assertThat(css.text()).as("small: not compressed").isEqualTo("body{}");
        assertThat(missing.status()).isEqualTo(404);
    }
}
