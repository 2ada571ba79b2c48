package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link JwsgiServlet#init} on a real embedded Jetty: every init-param and the application class
 * are checked when the servlet starts, a mistake is logged once at SEVERE, and every request then
 * gets a 500 naming it, to local clients only.
 */
class JwsgiServletInitTest {

    /** A valid application. */
    public static final class Hello implements Application {
        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return List.of("hello".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** An application without a no-argument constructor. */
    public static final class NeedsGreeting implements Application {
        private final String greeting;

        public NeedsGreeting(String greeting) {
            this.greeting = greeting;
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
            return List.of(greeting.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** An application whose constructor fails. */
    public static final class FailsToStart implements Application {
        public FailsToStart() {
            throw new IllegalStateException("no database at db.example:5432");
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
            return List.of();
        }
    }

    private static final Logger SERVLET_LOG = Logger.getLogger(JwsgiServlet.class.getName());

    private final List<LogRecord> severe = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                severe.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Server server;
    private ServerConnector connector;

    @BeforeEach
    void listen() {
        SERVLET_LOG.addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        SERVLET_LOG.removeHandler(capture);
        if (server != null) {
            server.stop();
        }
    }

    /** Starts Jetty on all interfaces with one servlet at /ctx/app/*, initialised at once. */
    private void start(boolean asyncSupported, String... params) throws Exception {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("0.0.0.0");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/ctx");
        ServletHolder holder = new ServletHolder("app", JwsgiServlet.class);
        holder.setAsyncSupported(asyncSupported);
        holder.setInitOrder(1);
        for (int i = 0; i + 1 < params.length; i += 2) {
            holder.setInitParameter(params[i], params[i + 1]);
        }
        context.addServlet(holder, "/app/*");
        server.setHandler(context);
        server.start();
    }

    private HttpResponse<String> get(String host) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        URI uri = URI.create("http://" + host + ":" + connector.getLocalPort() + "/ctx/app/x");
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<String> severeMessages() {
        List<String> messages = new ArrayList<>();
        for (LogRecord record : severe) {
            messages.add(record.getMessage());
        }
        return messages;
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            application    |                                  | init-param application is missing: name a class implementing io.jwsgi.Application with a public no-argument constructor
            application    | com.example.Missing              | init-param application names com.example.Missing, which is not on the web application's classpath
            application    | java.lang.String                 | init-param application names java.lang.String, which does not implement io.jwsgi.Application
            application    | io.jwsgi.servlet.JwsgiServletInitTest$NeedsGreeting | application class io.jwsgi.servlet.JwsgiServletInitTest$NeedsGreeting needs a public no-argument constructor; it has none
            application    | io.jwsgi.servlet.JwsgiServletInitTest$FailsToStart  | constructing application class io.jwsgi.servlet.JwsgiServletInitTest$FailsToStart failed: java.lang.IllegalStateException: no database at db.example:5432
            async-timeout  | soon                             | init-param async-timeout must be a non-negative whole number, got "soon"
            async-timeout  | -1                               | init-param async-timeout must be a non-negative whole number, got "-1"
            shutdown-grace | 5s                               | init-param shutdown-grace must be a non-negative whole number, got "5s"
            max-body-size  | 1MB                              | init-param max-body-size must be a non-negative whole number, got "1MB"
            buffer-memory  | lots                             | init-param buffer-memory must be a non-negative whole number, got "lots"
            pool-size      | 0                                | init-param pool-size must be a whole number from 1 to 2147483647, got "0"
            pool-size      | 3000000000                       | init-param pool-size must be a whole number from 1 to 2147483647, got "3000000000"
            threads        | many                             | init-param threads must be "platform" or "virtual", got "many"
            input          | file                             | init-param input must be "stream" or "buffer", got "file"
            non-blocking   | yes                              | init-param non-blocking must be "true" or "false", got "yes"
            buffer-dir     | /proc/no/such/place              | init-param buffer-dir must name a directory that exists or can be created, got "/proc/no/such/place"
            """)
    void eachBrokenRuleIsLoggedOnceAtStartAndNamedToLocalClients(String name, String value, String problem)
            throws Exception {
        // given a servlet started with one broken init-param (a valid application otherwise)
        List<String> params = new ArrayList<>(List.of("application", Hello.class.getName()));
        if (name.equals("application")) {
            params.set(1, value == null ? "" : value);
        } else {
            params.addAll(List.of(name, value));
        }
        start(true, params.toArray(String[]::new));

        // then the problem was logged at SEVERE when it started, before any request
        assertThat(severeMessages()).as("SEVERE lines at start").singleElement().asString()
                .startsWith("JwsgiServlet app cannot serve requests (1 problem)").contains("\n  - " + problem);

        // when local clients send requests
        HttpResponse<String> first = get("127.0.0.1");
        HttpResponse<String> second = get("127.0.0.1");

        // then each gets a 500 naming the problem, and nothing more is logged
        for (HttpResponse<String> response : List.of(first, second)) {
            assertThat(response.statusCode()).as("status").isEqualTo(500);
            assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWithIgnoringCase("text/plain");
            assertThat(response.body()).as("body").contains(problem);
        }
        assertThat(severe).as("SEVERE lines after two requests").hasSize(1);
    }

    @Test
    void everyProblemIsNamedInOneLine() throws Exception {
        // given a servlet with three broken init-params and a class that cannot be constructed
        start(true, "application", NeedsGreeting.class.getName(), "threads", "many", "pool-size", "none",
                "input", "file");

        // then one SEVERE line names all four
        assertThat(severeMessages()).singleElement().asString()
                .startsWith("JwsgiServlet app cannot serve requests (4 problems)")
                .contains("pool-size must be", "threads must be", "input must be",
                        NeedsGreeting.class.getName() + " needs a public no-argument constructor");
    }

    @Test
    void aFailingConstructorIsLoggedWithItsStackTrace() throws Exception {
        start(true, "application", FailsToStart.class.getName());

        assertThat(severe).hasSize(1);
        assertThat(severe.get(0).getThrown()).as("the constructor's exception")
                .hasMessage("no database at db.example:5432");
    }

    @Test
    void aServletWithoutAsyncSupportSaysSoOnceAndRefusesEveryRequest() throws Exception {
        // given a valid servlet registered without async support
        start(false, "application", Hello.class.getName());
        assertThat(severe).as("SEVERE lines before any request").isEmpty();

        // when three requests come
        List<HttpResponse<String>> responses = List.of(get("127.0.0.1"), get("127.0.0.1"), get("127.0.0.1"));

        // then each gets a 500 naming the setting, and it was logged once
        for (HttpResponse<String> response : responses) {
            assertThat(response.statusCode()).as("status").isEqualTo(500);
            assertThat(response.body()).as("body").contains("needs <async-supported>true</async-supported>");
        }
        assertThat(severeMessages()).as("SEVERE lines after three requests").singleElement().asString()
                .contains("JwsgiServlet app cannot serve requests", "needs <async-supported>true</async-supported>");
    }

    @Test
    void aRemoteClientGetsAGenericBody() throws Exception {
        // given a misconfigured servlet, reached through an address of this machine that is not loopback
        Optional<String> address = siteAddress();
        Assumptions.assumeTrue(address.isPresent(), "this machine has no non-loopback IPv4 address");
        start(true, "application", "com.example.Missing");

        HttpResponse<String> response = get(address.get());

        // then the client is told nothing of the configuration
        assertThat(List.of(response.statusCode(), response.body())).as("status and body from %s", address.get())
                .containsExactly(500, "500 Internal Server Error\n");
    }

    @ParameterizedTest(name = "address \"{0}\"")
    @CsvSource({
        "127.0.0.1, true", "127.1.2.3, true", "::1, true", "0:0:0:0:0:0:0:1, true", "[::1], true",
        "0:0:0:0:0:0:0:1%0, true", "::ffff:127.0.0.1, true",
        "10.0.0.1, false", "192.168.1.127, false", "::2, false", "fe80::1, false", "::ffff:10.0.0.1, false",
        "'', false", "localhost, false",
    })
    void loopbackAddressesAreRecognisedFromTheirText(String address, boolean loopback) {
        assertThat(Misconfiguration.isLoopback(address)).as(address).isEqualTo(loopback);
    }

    @Test
    void aValidConfigurationLogsNothingSevereAndServes() throws Exception {
        start(true, "application", Hello.class.getName(), "async-timeout", "1000", "pool-size", "4",
                "threads", "Virtual ", "input", "buffer", "non-blocking", "false");

        HttpResponse<String> response = get("127.0.0.1");

        assertThat(List.of(response.statusCode(), response.body())).containsExactly(200, "hello");
        assertThat(severe).isEmpty();
    }

    private static Optional<String> siteAddress() throws Exception {
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress a : nic.inetAddresses().toList()) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return Optional.of(a.getHostAddress());
                    }
                }
            }
        }
        return Optional.empty();
    }
}
