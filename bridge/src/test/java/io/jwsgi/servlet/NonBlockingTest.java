package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.Write;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code non-blocking} init-param on a real embedded Jetty: how it is validated, what it
 * implies for {@code input}, and the refused {@code write} callable.
 */
class NonBlockingTest {

    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    /** Starts Jetty with {@code app} at {@code /ctx/app/*}, given these init-params (name, value, ...). */
    private URI start(Application app, String... params) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/ctx");
        context.addEventListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                var registration = Jwsgi.register(event.getServletContext(), "nb", app, "/app/*");
                for (int i = 0; i + 1 < params.length; i += 2) {
                    registration.setInitParameter(params[i], params[i + 1]);
                }
            }
        });
        server.setHandler(context);
        server.start();
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/ctx/app");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Application text(String body) {
        return (env, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return List.of(body.getBytes(StandardCharsets.UTF_8));
        };
    }

    @ParameterizedTest(name = "{0}={1}, input={2}")
    @CsvSource(delimiter = '|', textBlock = """
            non-blocking | yes    |        | init-param non-blocking must be "true" or "false", got "yes"
            non-blocking | 1      |        | init-param non-blocking must be "true" or "false", got "1"
            turns        | pooled |        | init-param turns must be "container" or "pool", got "pooled"
            non-blocking | true   | stream | init-param input=stream cannot be combined with non-blocking=true: reading wsgi.input from the connection waits for the client, which would hold a container thread; use input=buffer, which non-blocking=true implies when input is not set
            non-blocking | TRUE   | Stream | init-param input=stream cannot be combined with non-blocking=true: reading wsgi.input from the connection waits for the client, which would hold a container thread; use input=buffer, which non-blocking=true implies when input is not set
            """)
    void invalidSettingsAreRefusedNamingTheRule(String name, String value, String input, String message) throws Exception {
        // when the servlet starts with an invalid value, or a combination that would block a container thread
        List<String> params = new ArrayList<>(List.of(name, value));
        if (input != null) {
            params.addAll(List.of("input", input));
        }

        // then it refuses to serve, saying what is wrong and what is expected
        HttpResponse<String> response = send(HttpRequest.newBuilder(start(text("never"), params.toArray(String[]::new))));
        assertThat(response.statusCode()).as("status with %s", params).isEqualTo(500);
        assertThat(response.body()).as("body with %s", params).contains("\n  - " + message + "\n");
    }

    @ParameterizedTest(name = "non-blocking={0}, turns={1}")
    @CsvSource({"false, container, true", "' False ', ' Container', true", "true, container, true", "' True', container, true",
        "false, pool, false", "true, pool, true", "false, ' POOL ', false"})
    void theFirstTurnRunsOnTheContainersThreadUnlessTurnsArePooledWithoutNonBlocking(String nonBlocking, String turns,
            boolean onContainer) throws Exception {
        // given an application that says which thread runs it
        URI uri = start((env, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return List.of(Thread.currentThread().getName().getBytes(StandardCharsets.UTF_8));
        }, "non-blocking", nonBlocking, "turns", turns);

        // when a request comes
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri));

        // then the container's thread ran it, unless turns=pool and the application may block
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().startsWith("jwsgi-nb-")).as("ran on %s", response.body()).isEqualTo(!onContainer);
    }

    @Test
    void nonBlockingBuffersTheRequestBodyBeforeTheApplicationRuns() throws Exception {
        // given a non-blocking application that reports the body length it was told and read
        URI uri = start((env, start) -> {
            byte[] read = ((InputStream) env.get(Environ.WSGI_INPUT)).readAllBytes();
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return List.of((env.get(Environ.CONTENT_LENGTH) + "/" + read.length).getBytes(StandardCharsets.UTF_8));
        }, "non-blocking", "true");

        // when a chunked upload comes (no Content-Length)
        byte[] body = new byte[100_000];
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri).POST(
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        // then the body was read whole first: CONTENT_LENGTH is set, as input=buffer does
        assertThat(List.of(response.statusCode(), response.body())).as("status and CONTENT_LENGTH/read")
                .containsExactly(200, "100000/100000");
    }

    @Test
    void theWriteCallableIsRefusedAndEverythingElsePassesThrough() throws Exception {
        // given an application wrapped as non-blocking=true serves it
        AtomicReference<Write> write = new AtomicReference<>();
        List<byte[]> body = List.of(new byte[] {1});
        Application app = (env, start) -> {
            write.set(start.start("200 OK", List.of(new Header("X-A", "1"))));
            return body;
        };
        List<String> started = new ArrayList<>();

        // when it is called and uses write()
        Iterable<byte[]> returned = new NonBlocking(app).call(Map.of(), (status, headers, exc) -> {
            started.add(status + " " + headers);
            return data -> started.add("real write");
        });

        // then start reached the server, the iterable is the application's own, and write() fails at once
        assertThat(started).as("start calls seen by the server").containsExactly("200 OK [Header[name=X-A, value=1]]");
        assertThat(returned).as("the iterable, untouched (close() passes through)").isSameAs(body);
        assertThatThrownBy(() -> write.get().write(new byte[] {1})).isInstanceOf(IllegalStateException.class)
                .hasMessage(NonBlocking.WRITE_REFUSED).hasMessageContaining("non-blocking=true");
        assertThat(started).as("nothing written").hasSize(1);
    }
}
