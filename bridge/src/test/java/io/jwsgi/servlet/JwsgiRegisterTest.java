package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Jwsgi#register} on a real embedded Jetty, called where users call it: in a context listener. */
class JwsgiRegisterTest {

    /** Answers "SCRIPT_NAME|PATH_INFO", and counts its close() calls. */
    static final class PathApp implements Application, AutoCloseable {
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
            byte[] body = (environ.get(Environ.SCRIPT_NAME) + "|" + environ.get(Environ.PATH_INFO))
                    .getBytes(StandardCharsets.UTF_8);
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain"),
                    new Header("Content-Length", Integer.toString(body.length))));
            return List.of(body);
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private URI start(Consumer<ServletContextEvent> setup) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/ctx");
        context.addEventListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                setup.accept(event);
            }
        });
        server.setHandler(context);
        server.start();
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/ctx");
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void registeredApplicationServesItsPatternsAndIsClosedWithTheContext() throws Exception {
        // given an application registered in a listener under two patterns
        PathApp app = new PathApp();
        ServletRegistration.Dynamic[] registration = new ServletRegistration.Dynamic[1];
        URI base = start(event -> registration[0] = Jwsgi.register(event.getServletContext(), "paths", app,
                "/app/*", "/other/*"));

        // when requests come for both patterns
        HttpResponse<String> first = get(URI.create(base + "/app/x/y"));
        HttpResponse<String> second = get(URI.create(base + "/other"));

        // then the application serves them, mounted where the pattern says
        assertThat(List.of(first.statusCode(), first.body())).as("under /app/*").containsExactly(200, "/ctx/app|/x/y");
        assertThat(List.of(second.statusCode(), second.body())).as("under /other/*").containsExactly(200, "/ctx/other|");
        assertThat(registration[0].getMappings()).as("mappings").containsExactlyInAnyOrder("/app/*", "/other/*");

        // and when the context stops, the application is closed once
        server.stop();
        assertThat(app.closed.get()).as("close() calls after the context stopped").isEqualTo(1);
    }

    @Test
    void registrationSettingsReachTheServlet() throws Exception {
        // given a registration with an invalid init-param
        URI base = start(event -> Jwsgi.register(event.getServletContext(), "bad", new PathApp(), "/bad/*")
                .setInitParameter("threads", "many"));

        // when a local client asks, then the servlet answers 500 naming the init-param
        HttpResponse<String> response = get(URI.create(base + "/bad/x"));
        assertThat(response.statusCode()).as("status with threads=many").isEqualTo(500);
        assertThat(response.body()).as("body with threads=many")
                .contains("init-param threads must be \"platform\" or \"virtual\", got \"many\"");
    }

    @Test
    void takenNameAndTakenPatternAreRefused() throws Exception {
        // given a first registration
        RuntimeException[] failures = new RuntimeException[3];
        start(event -> {
            Jwsgi.register(event.getServletContext(), "one", new PathApp(), "/one/*");
            failures[0] = catching(() -> Jwsgi.register(event.getServletContext(), "one", new PathApp(), "/two/*"));
            failures[1] = catching(() -> Jwsgi.register(event.getServletContext(), "three", new PathApp(), "/one/*"));
            failures[2] = catching(() -> Jwsgi.register(event.getServletContext(), "four", new PathApp()));
        });

        // then each mistake is refused with a message naming it
        assertThat(failures[0]).as("same name").isInstanceOf(IllegalStateException.class)
                .hasMessage("register(one): the context already has a servlet named \"one\"; choose another name");
        assertThat(failures[1]).as("same pattern").isInstanceOf(IllegalStateException.class)
                .hasMessage("register(three): [/one/*] already mapped to another servlet; choose other URL patterns");
        assertThat(failures[2]).as("no pattern").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give at least one URL pattern");
    }

    @Test
    void registeringAfterTheContextStartedIsRefused() throws Exception {
        ServletContextEvent[] started = new ServletContextEvent[1];
        start(event -> started[0] = event);

        assertThatThrownBy(() -> Jwsgi.register(started[0].getServletContext(), "late", new PathApp(), "/late/*"))
                .as("register after start").isInstanceOf(IllegalStateException.class);
    }

    private static RuntimeException catching(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
