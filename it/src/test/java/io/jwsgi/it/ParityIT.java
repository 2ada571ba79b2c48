package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.servlet.JwsgiServlet;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockResponse;
import io.jwsgi.testing.scenarios.Scenario;
import io.jwsgi.testing.scenarios.Scenarios;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "Passes in the mock" means "works in Tomcat and Jetty": every scenario of
 * {@link Scenarios#all()} is served by the mock container and by the servlet bridge on the
 * container under test, and both answers match the scenario and each other. So they do with a
 * client slow at the flush (the mock's {@code slowFlush}, stepped flush by flush; a client reading
 * a large body slowly through a small receive window on the container), and in
 * {@code non-blocking=true} mode (the mock's {@code nonBlocking()}; the servlet with that
 * init-param, under {@code /nb}).
 */
class ParityIT {

    /** The large body: 128 chunks of 64 KiB, each filled with its own byte; more than the socket buffers hold. */
    private static final int BIG_CHUNKS = 128;
    private static final int BIG_CHUNK = 64 * 1024;
    private static final AtomicInteger bigPulls = new AtomicInteger();
    private static final AtomicInteger bigCloses = new AtomicInteger();

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", new JwsgiServlet(Scenarios.router()))
            .servlet("/nb", "/*", new JwsgiServlet(Scenarios.router()), "non-blocking", "true")
            .servlet("/big", "/*", new JwsgiServlet(ParityIT::big)));

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static List<Scenario> scenarios() {
        return Scenarios.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void mockAndContainerGiveTheSameAnswer(Scenario scenario) throws Exception {
        // given the scenario served by the mock container
        MockResponse expected = scenario.request(mock(scenario)).send();

        // when the same request goes to the bridge on a real container
        HttpResponse<byte[]> real = CLIENT.send(request(scenario, ""), HttpResponse.BodyHandlers.ofByteArray());

        // then status, body and the application's headers agree with the mock and the scenario
        assertSame(scenario, "default", expected, real);
        assertAsScenario(scenario, expected);
    }

    @ParameterizedTest(name = "{0}") // #17
    @MethodSource("scenarios")
    void aClientSlowAtEveryFlushGetsTheSameAnswer(Scenario scenario) throws Exception {
        // given the scenario on the mock, its client taking one flush at a time
        MockExchange exchange = scenario.request(mock(scenario)).slowFlush().start();
        int flushesWaited = 0;
        while (!exchange.isDone()) {
            if (exchange.isAwaitingClient()) {
                exchange.clientTakes(1);
                flushesWaited++;
            } else {
                // Asleep, and woken by a thread of the scenario's own: wait for what it sends next.
                exchange.takeChunk();
            }
        }
        MockResponse expected = exchange.awaitDone();

        // when the same request goes to the bridge on a real container
        HttpResponse<byte[]> real = CLIENT.send(request(scenario, ""), HttpResponse.BodyHandlers.ofByteArray());

        // then
        assertSame(scenario, "slow flush", expected, real);
        assertAsScenario(scenario, expected);
        assertThat(flushesWaited).as("flushes that found the mock's client not ready in %s", scenario)
                .isGreaterThanOrEqualTo(expected.chunks().size());
    }

    @ParameterizedTest(name = "{0}") // #17
    @MethodSource("scenarios")
    void nonBlockingModeGivesTheSameAnswer(Scenario scenario) throws Exception {
        // given the scenario on the mock in non-blocking mode
        MockResponse expected = scenario.request(mock(scenario).nonBlocking()).send();

        // when the same request goes to the servlet with non-blocking=true
        HttpResponse<byte[]> real = CLIENT.send(request(scenario, "/nb"), HttpResponse.BodyHandlers.ofByteArray());

        // then they agree; and with the scenario, except that write() is refused in this mode
        assertSame(scenario, "non-blocking", expected, real);
        if (scenario.name().equals("write")) {
            assertThat(List.of(expected.status(), expected.text())).as("write() refused: a 500")
                    .containsExactly(500, "500 Internal Server Error\n");
        } else {
            assertAsScenario(scenario, expected);
        }
    }

    @Test // #17
    void aLargeBodyToASlowClientArrivesWholeOnBoth() throws Exception {
        // given the large body on the mock, its client slow at every flush
        MockExchange exchange = MockContainer.of(ParityIT::big).get("/").slowFlush().start();
        int flushesWaited = 0;
        while (exchange.isAwaitingClient()) {
            exchange.clientTakes(1);
            flushesWaited++;
        }
        MockResponse expected = exchange.awaitDone();
        int before = bigCloses.get();

        // when a real client with a small receive window asks the container, reading only once
        // the application has started, and then in small reads
        byte[] real;
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.setSoTimeout(30_000);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            int pulls = bigPulls.get();
            socket.getOutputStream().write("GET /big/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            Await.until("the application started on " + server.name(), () -> bigPulls.get() > pulls);
            real = readSlowly(socket.getInputStream());
        }

        // then both clients got the whole body, and both bodies were closed once
        assertThat(flushesWaited).as("flushes that waited for the mock's client").isEqualTo(BIG_CHUNKS);
        assertThat(expected.body()).as("the mock's body").isEqualTo(bigBody());
        String text = new String(real, 0, Math.min(real.length, 200), StandardCharsets.ISO_8859_1);
        assertThat(text).as("status line on %s", server.name()).startsWith("HTTP/1.1 200");
        byte[] body = Arrays.copyOfRange(real, indexOfBody(real), real.length);
        assertThat(body.length).as("body length on %s", server.name()).isEqualTo(BIG_CHUNKS * BIG_CHUNK);
        assertThat(body).as("body on %s", server.name()).isEqualTo(expected.body());
        Await.until("the container closed the body on " + server.name(), () -> bigCloses.get() == before + 1);
    }

    private static MockContainer mock(Scenario scenario) {
        MockContainer mock = MockContainer.of(Scenarios.router());
        return scenario.valid() ? mock : mock.withoutValidator();
    }

    private static void assertSame(Scenario scenario, String mode, MockResponse expected, HttpResponse<byte[]> real) {
        String body = new String(real.body(), StandardCharsets.UTF_8);
        assertThat(real.statusCode()).as("status of %s (%s) on %s", scenario, mode, server.name())
                .isEqualTo(expected.status());
        assertThat(body).as("body of %s (%s) on %s", scenario, mode, server.name()).isEqualTo(expected.text());
        for (Header header : expected.headers()) {
            List<String> values = real.headers().allValues(header.name()).stream().map(ParityIT::normalized).toList();
            assertThat(values).as("header %s of %s (%s) on %s", header.name(), scenario, mode, server.name())
                    .contains(normalized(header.value()));
        }
    }

    private static void assertAsScenario(Scenario scenario, MockResponse response) {
        assertThat(List.of(response.status(), response.text())).as("%s as the scenario says", scenario)
                .containsExactly(scenario.status(), scenario.body());
        for (Header header : scenario.headers()) {
            assertThat(response.headers(header.name())).as("header %s of %s", header.name(), scenario)
                    .contains(header.value());
        }
    }

    private static HttpRequest request(Scenario scenario, String contextPath) {
        HttpRequest.BodyPublisher publisher = scenario.requestBody() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(scenario.requestBody(), StandardCharsets.UTF_8);
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri(contextPath + scenario.target()))
                .timeout(Duration.ofSeconds(30)).method(scenario.method(), publisher);
        for (Header header : scenario.requestHeaders()) {
            builder.header(header.name(), header.value());
        }
        return builder.build();
    }

    /** Tomcat writes {@code text/plain;charset=UTF-8} for {@code text/plain; charset=utf-8}. */
    private static String normalized(String value) {
        return value.replace(" ", "").toLowerCase(Locale.ROOT);
    }

    /** The large body, declared by its Content-Length, pulled chunk by chunk. */
    private static Iterable<byte[]> big(java.util.Map<String, Object> environ, io.jwsgi.StartResponse start) {
        start.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream"),
                new Header("Content-Length", Integer.toString(BIG_CHUNKS * BIG_CHUNK))));
        return new Big();
    }

    private static byte[] bigChunk(int i) {
        byte[] chunk = new byte[BIG_CHUNK];
        Arrays.fill(chunk, (byte) i);
        return chunk;
    }

    private static byte[] bigBody() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < BIG_CHUNKS; i++) {
            all.writeBytes(bigChunk(i));
        }
        return all.toByteArray();
    }

    private static byte[] readSlowly(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            all.write(buffer, 0, n);
        }
        return all.toByteArray();
    }

    private static int indexOfBody(byte[] response) {
        for (int i = 3; i < response.length; i++) {
            if (response[i - 3] == '\r' && response[i - 2] == '\n' && response[i - 1] == '\r' && response[i] == '\n') {
                return i + 1;
            }
        }
        throw new AssertionError("no end of head in the response");
    }

    /** The large body's iterable: counts pulls and closes. */
    private static final class Big implements Iterable<byte[]>, AutoCloseable {
        private int next;

        @Override
        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return next < BIG_CHUNKS;
                }

                @Override
                public byte[] next() {
                    bigPulls.incrementAndGet();
                    return bigChunk(next++);
                }
            };
        }

        @Override
        public void close() {
            bigCloses.incrementAndGet();
        }
    }
}
