package io.jwsgi.middleware;

import static io.jwsgi.middleware.Bodies.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.fixture.Harness;
import io.jwsgi.fixture.Sleeper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DispatcherTest {

    private final Harness server = new Harness();

    @AfterEach
    void stop() {
        server.close();
    }

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
        Map<String, Object> env = Harness.environ("GET", "/");
        env.put(Environ.SCRIPT_NAME, "/app");
        env.put(Environ.PATH_INFO, path);

        // when
        Harness.Exchange response = server.serve(site(), env);

        // then
        assertThat(response.text()).as("PATH_INFO %s", path).isEqualTo(expected);
        assertThat(env.get(Environ.PATH_INFO)).as("the caller's environ is not changed").isEqualTo(path);
    }

    @Test
    void unmatchedPathWithoutFallbackIs404() {
        Dispatcher dispatcher = Dispatcher.builder().mount("/api", echo("api")).build();

        Harness.Exchange response = server.get(dispatcher, "/other");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.text()).isEqualTo("404 Not Found\n");
    }

    @Test
    void rootPrefixIsACatchAll() {
        Dispatcher dispatcher = new Dispatcher(echo("fallback"), Map.of("/", echo("root"), "/api", echo("api")));

        assertThat(server.get(dispatcher, "/x").text()).isEqualTo("root |/x");
        assertThat(server.get(dispatcher, "/api/x").text()).isEqualTo("api /api|/x");
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
        Harness.Exchange response = server.get(dispatcher, "/chat/poll");
        assertThat(chat.environ.get(Environ.PATH_INFO)).isEqualTo("/poll");

        // when / then
        chat.feed("m1");
        server.run();
        assertThat(response.chunkTexts()).containsExactly("m1");
        chat.feed("m2");
        server.run();
        assertThat(response.chunkTexts()).containsExactly("m1", "m2");
        chat.finish();
        server.run();
        assertThat(response.completed()).isTrue();
        assertThat(chat.closes).hasValue(1);
    }
}
