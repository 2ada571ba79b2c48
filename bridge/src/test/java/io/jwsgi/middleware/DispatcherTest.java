package io.jwsgi.middleware;

import static io.jwsgi.middleware.Bodies.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.fixture.Sleeper;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DispatcherTest {

    /** Answers "name SCRIPT_NAME|PATH_INFO". */
    private static Application echo(String name) {
        return (env, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return List.of(bytes(name + " " + env.get(Environ.SCRIPT_NAME) + "|" + env.get(Environ.PATH_INFO)));
        };
    }

    private static Dispatcher site() {
        return Dispatcher.builder()
                .mount("/api", echo("api"))
                .mount("/api/v2/", echo("v2"))
                .mount("/static", echo("static"))
                .fallback(echo("home"))
                .build();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = "=>", value = {
        "/api/users        => api /app/api|/users",
        "/api              => api /app/api|",
        "/api/             => api /app/api|/",
        "/api/v2/users     => v2 /app/api/v2|/users",
        "/api/v2           => v2 /app/api/v2|",
        "/api/v20          => api /app/api|/v20",
        "/apix             => home /app|/apix",
        "/static/a/b.css   => static /app/static|/a/b.css",
        "/                 => home /app|/",
        "''                => home /app|",
    })
    void longestPrefixAtASegmentBoundaryWinsAndMovesToScriptName(String path, String expected) {
        // given
        MockExchange exchange = MockContainer.of(site()).get("/").scriptName("/app")
                .environ(Environ.PATH_INFO, path).start();

        // when
        MockResponse response = exchange.awaitDone();

        // then
        assertThat(response.text()).as("PATH_INFO %s", path).isEqualTo(expected);
        assertThat(exchange.environ().get(Environ.PATH_INFO)).as("the caller's environ is not changed").isEqualTo(path);
    }

    @Test
    void unmatchedPathWithoutFallbackIs404() {
        Dispatcher dispatcher = Dispatcher.builder().mount("/api", echo("api")).build();

        MockResponse response = MockContainer.of(dispatcher).get("/other").send();

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.text()).isEqualTo("404 Not Found\n");
    }

    @Test
    void rootPrefixIsACatchAll() {
        Dispatcher dispatcher = new Dispatcher(echo("fallback"), Map.of("/", echo("root"), "/api", echo("api")));

        MockContainer container = MockContainer.of(dispatcher);

        assertThat(container.get("/x").send().text()).isEqualTo("root |/x");
        assertThat(container.get("/api/x").send().text()).isEqualTo("api /api|/x");
    }

    @Test
    void prefixesMustStartWithASlashAndBeUnique() {
        assertThatThrownBy(() -> Dispatcher.builder().mount("api", echo("a")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must start with /")
                .hasMessageContaining("\"api\"");
        assertThatThrownBy(() -> new Dispatcher(echo("f"), Map.of("/a", echo("a"), "/a/", echo("b"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/a is mounted twice");
    }

    @Test
    void sleepingMountedAppStreamsChunkByChunkAndClosesOnce() {
        // given
        Sleeper chat = new Sleeper(List.of(new Header("Content-Type", "text/plain")));
        Dispatcher dispatcher = Dispatcher.builder().mount("/chat", chat).build();
        MockExchange exchange = MockContainer.of(dispatcher).get("/chat/poll").start();
        assertThat(exchange.isSleeping()).as("asleep until fed").isTrue();
        assertThat(chat.environ.get(Environ.PATH_INFO)).isEqualTo("/poll");

        // when / then
        chat.feed("m1");
        assertThat(exchange.response().textChunks()).containsExactly("m1");
        chat.feed("m2");
        assertThat(exchange.response().textChunks()).containsExactly("m1", "m2");
        chat.finish();
        MockResponse response = exchange.awaitDone();
        assertThat(response.isAborted()).as("completed, not cut").isFalse();
        assertThat(chat.closes).hasValue(1);
    }
}
