package io.jwsgi.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.fixture.Harness;
import io.jwsgi.fixture.Sleeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every middleware stacked around a long-poll application: the control flow survives the whole stack. */
class FullStackTest {

    @TempDir
    Path root;
    private final Harness server = new Harness();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

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

    private static Map<String, Object> request(String method, String path) {
        Map<String, Object> env = Harness.environ(method, path);
        env.put(Environ.REMOTE_ADDR, "10.1.2.3");
        env.put("HTTP_X_FORWARDED_FOR", "198.51.100.7");
        env.put("HTTP_ACCEPT_ENCODING", "gzip");
        return env;
    }

    @Test
    void longPollThroughEveryMiddlewareArrivesChunkByChunkAndClosesOnce() throws Exception {
        // given
        Sleeper chat = new Sleeper(List.of(new Header("Content-Type", "text/plain; charset=utf-8")));
        Harness.Exchange response = server.serve(stack(chat), request("GET", "/chat/poll"));
        assertThat(chat.environ.get(Environ.SCRIPT_NAME)).isEqualTo("/chat");
        assertThat(chat.environ.get(Environ.REMOTE_ADDR)).isEqualTo("198.51.100.7");
        assertThat(response.chunks()).as("asleep").isEmpty();

        // when / then: each wake brings exactly one more block
        chat.feed("alice: hi\n");
        server.run();
        assertThat(response.chunks()).hasSize(1);
        assertThat(Bodies.gunzipPrefix(response.body())).isEqualTo("alice: hi\n");
        chat.feed("bob: hello\n");
        server.run();
        assertThat(response.chunks()).hasSize(2);
        assertThat(Bodies.gunzipPrefix(response.body())).isEqualTo("alice: hi\nbob: hello\n");
        assertThat(log).as("not logged while the poll lives").isEmpty();

        chat.finish();
        server.run();

        // then
        assertThat(response.completed()).isTrue();
        assertThat(response.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(Bodies.gunzip(response.body())).isEqualTo("alice: hi\nbob: hello\n");
        assertThat(chat.closes).as("close() crossed every layer exactly once").hasValue(1);
        assertThat(log).hasSize(1);
        assertThat(log.get(0)).startsWith("198.51.100.7 - - [").contains("\"GET /chat/poll HTTP/1.1\" 200 ");
    }

    @Test
    void clientLeavingMidPollIsSeenByEveryLayer() throws Exception {
        Sleeper chat = new Sleeper(List.of(new Header("Content-Type", "text/plain")));
        Harness.Exchange response = server.serve(stack(chat), request("GET", "/chat/poll"));
        chat.feed("x\n");
        server.run();

        response.clientGone();
        server.run();

        assertThat(chat.closes).hasValue(1);
        assertThat(log).hasSize(1);
    }

    @Test
    void headOfALongPollEndsAtTheFirstMessageWithoutBody() throws Exception {
        Sleeper chat = new Sleeper(List.of(new Header("Content-Type", "text/plain")));
        Harness.Exchange response = server.serve(stack(chat), request("HEAD", "/chat/poll"));

        chat.feed("x\n");
        server.run();

        assertThat(response.completed()).isTrue();
        assertThat(response.body()).isEmpty();
        assertThat(chat.closes).hasValue(1);
    }

    @Test
    void staticFilesAndUnknownPathsThroughTheStack() throws Exception {
        Application app = stack(new Sleeper(List.of()));

        Harness.Exchange css = server.serve(app, request("GET", "/static/app.css"));
        Harness.Exchange missing = server.serve(app, request("GET", "/nowhere"));

        assertThat(css.text()).as("small: not compressed").isEqualTo("body{}");
        assertThat(missing.status()).isEqualTo(404);
    }
}
