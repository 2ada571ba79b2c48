package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.StartResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A web application whose {@code web.xml} gets JWSGI servlets wrong, as a user may: an
 * {@code application} class that does not exist, one without a no-argument constructor, and a
 * servlet without {@code <async-supported>}. Each mistake is logged once at SEVERE (the first two
 * when the container starts, before any request), each request to such a servlet gets a 500
 * naming the mistake, and a correct servlet next to them serves as usual.
 */
class MisconfiguredServletIT {

    /** An application that cannot be named in {@code web.xml}: it needs a constructor argument. */
    public static final class NeedsGreeting implements Application {
        private final String greeting;

        public NeedsGreeting(String greeting) {
            this.greeting = greeting;
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
            return List.of(greeting.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** The application of the correct servlet and of the one without async support. */
    public static final class Hello implements Application {
        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) throws Exception {
            return Router.text("hello\n").call(environ, start);
        }
    }

    private static final String MISSING = "io.jwsgi.it.NoSuchApp";
    private static final String NOT_FOUND = "init-param application names " + MISSING
            + ", which is not on the web application's classpath";
    private static final String NO_CONSTRUCTOR = "application class " + NeedsGreeting.class.getName()
            + " needs a public no-argument constructor; it has none";
    private static final String NOT_ASYNC = "needs <async-supported>true</async-supported>";

    // Installed before the server starts, so that what init logs is seen.
    private static final LogCapture log = LogCapture.install();

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment().war("/wrong", webApp()));

    private static List<String> atStart;

    @BeforeAll
    static void noteWhatStartLogged() {
        atStart = log.lines();
    }

    @AfterAll
    static void release() {
        log.close();
    }

    /** An exploded WAR holding only a {@code web.xml}: the classes come from the test's classpath. */
    private static Path webApp() {
        String servlets = servlet("missing", MISSING, true) + servlet("no-constructor", NeedsGreeting.class.getName(), true)
                + servlet("not-async", Hello.class.getName(), false) + servlet("fine", Hello.class.getName(), true);
        try {
            Path dir = Files.createDirectories(Path.of("target", "misconfigured-war", "WEB-INF"));
            Files.writeString(dir.resolve("web.xml"), """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                    %s</web-app>
                    """.formatted(servlets));
            return dir.getParent().toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String servlet(String name, String application, boolean async) {
        return """
                  <servlet>
                    <servlet-name>%1$s</servlet-name>
                    <servlet-class>io.jwsgi.servlet.JwsgiServlet</servlet-class>
                    <init-param><param-name>application</param-name><param-value>%2$s</param-value></init-param>
                    <load-on-startup>1</load-on-startup>
                    %3$s
                  </servlet>
                  <servlet-mapping><servlet-name>%1$s</servlet-name><url-pattern>/%1$s/*</url-pattern></servlet-mapping>
                """.formatted(name, application, async ? "<async-supported>true</async-supported>" : "");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(server.uri("/wrong" + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long linesNaming(List<String> lines, String servlet) {
        return lines.stream().filter(line -> line.startsWith("SEVERE JwsgiServlet " + servlet + " cannot serve")).count();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing        | init-param application names io.jwsgi.it.NoSuchApp, which is not on the web application's classpath
            no-constructor | application class io.jwsgi.it.MisconfiguredServletIT$NeedsGreeting needs a public no-argument constructor; it has none
            """)
    void aWrongApplicationIsLoggedOnceAtStartAndNamedInEveryAnswer(String servlet, String problem) throws Exception {
        // given the container started: the mistake was logged once, before any request
        assertThat(linesNaming(atStart, servlet)).as("SEVERE lines for %s at start on %s", servlet, server.name())
                .isEqualTo(1);
        assertThat(atStart).as("the start's log on %s", server.name()).anyMatch(line -> line.contains(problem));

        // when a local client sends three requests
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = get("/" + servlet + "/page");

            // then each gets a 500 whose plain-text body names the mistake
            assertThat(response.statusCode()).as("status of %s on %s", servlet, server.name()).isEqualTo(500);
            assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWithIgnoringCase("text/plain");
            assertThat(response.body()).as("body of %s on %s", servlet, server.name()).contains(problem);
        }

        // and the mistake is still logged once
        assertThat(linesNaming(log.lines(), servlet)).as("SEVERE lines for %s after requests on %s", servlet,
                server.name()).isEqualTo(1);
    }

    @Test
    void aServletWithoutAsyncSupportIsNamedOnceAndEveryRequestGetsTheReason() throws Exception {
        // given the container started: nothing could be said of async support before a request
        assertThat(linesNaming(atStart, "not-async")).as("SEVERE lines at start on %s", server.name()).isZero();

        // when three requests come
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = get("/not-async/page");

            // then each gets a 500 naming the setting
            assertThat(response.statusCode()).as("status on %s", server.name()).isEqualTo(500);
            assertThat(response.body()).as("body on %s", server.name()).contains(NOT_ASYNC);
        }

        // and it was logged once, at SEVERE
        assertThat(linesNaming(log.lines(), "not-async")).as("SEVERE lines on %s", server.name()).isEqualTo(1);
        assertThat(log.lines()).as("log on %s", server.name()).anyMatch(line -> line.contains(NOT_ASYNC));
    }

    @Test
    void aCorrectServletBesideThemServes() throws Exception {
        HttpResponse<String> response = get("/fine/");

        assertThat(List.of(response.statusCode(), response.body())).as("answer on %s", server.name())
                .containsExactly(200, "hello\n");
        assertThat(linesNaming(log.lines(), "fine")).as("SEVERE lines on %s", server.name()).isZero();
    }

    @Test
    void nothingElseWasLoggedAtStart() {
        assertThat(atStart).as("the start's log on %s", server.name())
                .allMatch(line -> line.contains(NOT_FOUND) || line.contains(NO_CONSTRUCTOR));
    }
}
