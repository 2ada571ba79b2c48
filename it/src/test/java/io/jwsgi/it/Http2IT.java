package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTP/2 over cleartext (h2c, reached by HTTP/1.1 upgrade): streams that sleep, wake and stream. */
class Http2IT {

    private static final int STREAMS = 50;
    private static final Sleepers sleepers = new Sleepers();
    private static final Router router = new Router();
    private static final ExecutorService reader = Executors.newCachedThreadPool();

    static {
        router.put("/sleep", sleepers);
        router.put("/hello", Router.text("hello\n"));
        router.put("/environ", new EnvironEchoApp());
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", new JwsgiServlet(router)));

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

    @AfterAll
    static void stopReader() {
        reader.shutdownNow();
    }

    @Test
    void sleepingStreamsOnOneConnectionAreWokenFromAnotherThread() throws Exception {
        // given a connection upgraded to h2c
        HttpResponse<String> first = get("/hello");
        assertThat(first.version()).as("protocol after the upgrade on %s", server.name()).isEqualTo(HttpClient.Version.HTTP_2);

        // when many streams on it go to sleep
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            responses.add(client.sendAsync(request("/sleep?h2-" + i), HttpResponse.BodyHandlers.ofString()));
        }
        Await.until(STREAMS + " h2c streams asleep on " + server.name(), () -> sleepers.asleep().size() == STREAMS);

        // then another stream is answered while they sleep
        assertThat(get("/hello").body()).as("hello while streams sleep on %s", server.name()).isEqualTo("hello\n");

        // when a foreign thread wakes them, then each completes with its own body over HTTP/2
        Thread waker = new Thread(() -> sleepers.asleep().values().forEach(Runnable::run), "test-waker");
        waker.start();
        List<String> expected = new ArrayList<>();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            HttpResponse<String> response = responses.get(i).get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            expected.add("HTTP_2 200 woke h2-" + i + "\n");
            got.add(response.version() + " " + response.statusCode() + " " + response.body());
        }
        assertThat(got).as("woken h2c streams on %s", server.name()).isEqualTo(expected);
        waker.join(Await.DEADLINE.toMillis());
        Await.until("every h2c body closed on " + server.name(), () -> sleepers.closes() == STREAMS);
    }

    @Test
    void chunksReachTheClientAsTheyAreProducedOverH2c() throws Exception {
        // given an upgraded connection and an application producing chunks only when allowed
        get("/hello");
        GatedStream app = new GatedStream();
        String path = router.put("/gated", app);

        // when the first chunk is released, the response starts
        CompletableFuture<HttpResponse<InputStream>> pending = client.sendAsync(request(path),
                HttpResponse.BodyHandlers.ofInputStream());
        app.release("chunk 1\n");
        HttpResponse<InputStream> response = pending.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(response.version()).as("protocol on %s", server.name()).isEqualTo(HttpClient.Version.HTTP_2);

        // then each chunk is read before the next one exists
        try (InputStream body = response.body()) {
            assertThat(read(body, 8)).as("chunk 1 over h2c on %s", server.name()).isEqualTo("chunk 1\n");
            for (int n = 2; n <= 5; n++) {
                app.release("chunk " + n + "\n");
                assertThat(read(body, 8)).as("chunk %d over h2c on %s", n, server.name()).isEqualTo("chunk " + n + "\n");
            }
            app.end();
            assertThat(reader.submit(() -> body.read()).get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .as("end of the h2c body on %s", server.name()).isEqualTo(-1);
        }
        assertThat(app.body().awaitClose()).as("body closed on %s", server.name()).isTrue();
        assertThat(app.body().closes()).as("close() calls on %s", server.name()).isEqualTo(1);
    }

    @Test
    void environOverH2cNamesHttp2AndJoinsCookieFieldsWithSemicolons() throws Exception {
        // given an upgraded connection
        get("/hello");

        // when a request sends two cookie fields (HTTP/2 splits cookies into several fields)
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/environ?x=%20y"))
                .header("Cookie", "a=1").header("Cookie", "b=2").header("X-Multi", "c").header("X-Multi", "d")
                .timeout(Await.DEADLINE).build(), HttpResponse.BodyHandlers.ofString());

        // then the environ is that of an HTTP/2 request, with no pseudo-header leaking in
        assertThat(response.version()).as("protocol on %s", server.name()).isEqualTo(HttpClient.Version.HTTP_2);
        Map<String, String> environ = EnvironEchoApp.parse(response.body());
        assertThat(environ).as("environ over h2c on %s", server.name())
                .containsEntry("SERVER_PROTOCOL", "HTTP/2.0")
                .containsEntry("HTTP_COOKIE", "a=1; b=2")
                .containsEntry("HTTP_X_MULTI", "c,d")
                .containsEntry("PATH_INFO", "/environ")
                .containsEntry("QUERY_STRING", "x=%20y")
                .containsEntry("SERVER_PORT", Integer.toString(server.port()))
                .containsEntry("wsgi.url_scheme", "http");
        assertThat(environ.keySet()).as("keys over h2c on %s", server.name()).noneMatch(key -> key.contains(":"));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String path) {
        return HttpRequest.newBuilder(server.uri(path)).timeout(Await.DEADLINE).build();
    }

    /** Reads exactly n bytes, failing the test if they don't come within the deadline. */
    private static String read(InputStream in, int n) throws Exception {
        byte[] bytes = reader.submit(() -> in.readNBytes(n)).get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
