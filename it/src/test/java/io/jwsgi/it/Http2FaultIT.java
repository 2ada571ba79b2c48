package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Header;
import io.jwsgi.servlet.JwsgiServlet;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Endings over h2c: a cut response must reach the client as a reset stream, a cancelled stream must end the response. */
class Http2FaultIT {

    private static final Router router = new Router();
    private static final JwsgiServlet servlet = new JwsgiServlet(router);
    private static final ExecutorService reader = Executors.newCachedThreadPool();
    private static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain"));

    static {
        router.put("/hello", Router.text("hello\n"));
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", servlet, "async-timeout", "300"));

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

    @AfterAll
    static void stopReader() {
        reader.shutdownNow();
    }

    @BeforeEach
    void upgrade() throws Exception {
        HttpResponse<String> first = client.send(request("/hello"), HttpResponse.BodyHandlers.ofString());
        assertThat(first.version()).as("protocol after the upgrade on %s", server.name()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void errorAfterTheHeadResetsTheStream() throws Exception {
        // given an application that fails after its first chunk went out
        ProbeBody body = new ProbeBody(i -> {
            if (i == 0) {
                return "partial\n".getBytes();
            }
            throw new IllegalStateException("late failure");
        });
        String path = router.put("/late-failure", (env, sr) -> {
            sr.start("200 OK", TEXT);
            return body;
        });

        // then the client cannot mistake the cut body for a whole one
        assertCut(path, "stream of a response failing after its head");
        assertClosedOnce(body);
    }

    @Test
    void bodyShortOfItsContentLengthResetsTheStream() throws Exception {
        // given an application that declares 100 bytes and sends 8
        ProbeBody body = ProbeBody.of("partial\n");
        String path = router.put("/short", (env, sr) -> {
            sr.start("200 OK", List.of(new Header("Content-Type", "text/plain"), new Header("Content-Length", "100")));
            return body;
        });

        // then the client does not get a whole response
        assertCut(path, "stream of a body short of its Content-Length");
        assertClosedOnce(body);
    }

    @Test
    void sleeperNeverWokenGets503OverH2c() throws Exception {
        // given a response sleeping before its head, nobody waking it, async-timeout 300 ms
        OneSleeper app = new OneSleeper(List.of(), i -> ProbeBody.END);
        String path = router.put("/never-woken", app);

        // then the idle timeout answers 503 on the stream
        HttpResponse<String> response = client.send(request(path), HttpResponse.BodyHandlers.ofString());
        assertThat(response.version() + " " + response.statusCode()).as("timed-out stream on %s", server.name())
                .isEqualTo("HTTP_2 503");
        assertClosedOnce(app.body());
    }

    @Test
    void streamCancelledByTheClientEndsTheResponse() throws Exception {
        // given an endless stream read over h2c
        ProbeBody body = new ProbeBody(i -> new byte[8192]);
        String path = router.put("/endless", (env, sr) -> {
            sr.start("200 OK", TEXT);
            return body;
        });
        HttpResponse<InputStream> response = client.send(request(path), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            assertThat(reader.submit(() -> in.readNBytes(8192)).get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .as("first bytes on %s", server.name()).hasSize(8192);
        }

        // when the client closed the body (which cancels the stream), then the iterable is closed once
        assertClosedOnce(body);
        assertThat(client.send(request("/hello"), HttpResponse.BodyHandlers.ofString()).body())
                .as("the connection serves on after the cancel on %s", server.name()).isEqualTo("hello\n");
    }

    @Test
    void streamStalledByFlowControlIsCutAtTheIdleTimeout() throws Exception {
        // given an endless stream to a client that reads nothing: HTTP/2 flow control stops the writes
        ProbeBody body = new ProbeBody(i -> new byte[65536]);
        String path = router.put("/stalled", (env, sr) -> {
            sr.start("200 OK", TEXT);
            return body;
        });
        HttpResponse<InputStream> response = client.send(request(path), HttpResponse.BodyHandlers.ofInputStream());

        // when nothing moves for async-timeout, then the response ends and its stream is reset
        assertClosedOnce(body);
        try (InputStream in = response.body()) {
            assertThatThrownBy(() -> reader.submit(() -> in.transferTo(java.io.OutputStream.nullOutputStream()))
                    .get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .as("reading the cut stream on %s", server.name()).hasCauseInstanceOf(IOException.class);
        }
    }

    private void assertCut(String path, String what) {
        // java.net.http reports a reset stream, or a body shorter than its Content-Length, as an IOException
        assertThatThrownBy(() -> client.sendAsync(request(path), HttpResponse.BodyHandlers.ofString())
                .get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .as("%s on %s", what, server.name())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class)
                .satisfies(e -> assertThat(e.getCause()).as("a cut, not a client timeout").isNotInstanceOf(HttpTimeoutException.class));
    }

    private static void assertClosedOnce(ProbeBody body) throws InterruptedException {
        assertThat(body.awaitClose()).as("iterable closed on %s", server.name()).isTrue();
        Await.until("the response ended on " + server.name(), () -> servlet.engine().inFlight() == 0);
        assertThat(body.closes()).as("close() calls on %s", server.name()).isEqualTo(1);
    }

    private static HttpRequest request(String path) {
        return HttpRequest.newBuilder(server.uri(path)).timeout(Await.DEADLINE).build();
    }
}
