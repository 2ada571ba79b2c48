package io.jwsgi.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.app.ContentTypes;
import io.jwsgi.app.FileWrapper;
import io.jwsgi.app.Request;
import io.jwsgi.app.Response;
import io.jwsgi.app.SseStream;
import io.jwsgi.middleware.AccessLog;
import io.jwsgi.middleware.Dispatcher;
import io.jwsgi.middleware.ErrorPages;
import io.jwsgi.middleware.Gzip;
import io.jwsgi.middleware.Head;
import io.jwsgi.middleware.Pipeline;
import io.jwsgi.middleware.ProxyFix;
import io.jwsgi.middleware.StaticFiles;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of docs/middleware.md, run. The code between {@code docs:begin} and {@code docs:end}
 * is what the page shows, word for word ({@link DocBlocksTest}).
 */
class MiddlewareDocTest {

    @TempDir
    Path tmp;

    /** Serves a GET of {@code target}. */
    private static MockResponse get(Application app, String target) {
        return MockContainer.of(app).get(target).send();
    }

    /** Starts a GET of {@code target} and waits for the application to sleep. */
    private static MockExchange subscribe(Application app, String target) {
        MockExchange exchange = MockContainer.of(app).get(target).start();
        assertThat(exchange.isSleeping()).as("subscribed and asleep").isTrue();
        return exchange;
    }

    /** The Request/Response example. */
    static final class FormApp implements Application {
        @Override
        // docs:begin
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws IOException {
            Request request = new Request(environ);
            if (request.method().equals("POST")) {
                String text = request.form("text");           // urlencoded body, UTF-8
                String room = request.query("room");          // ?room=...
                String session = request.cookie("session");
                return Response.redirect("/rooms/" + room).send(startResponse);
            }
            return Response.ok().html("<p>Hello</p>").send(startResponse);
        }
        // docs:end
    }

    /** The server-sent events example. */
    static final class EventsApp implements Application {
        record Message(long id, String json) { }

        private final Room<Message> room;
        private final ScheduledExecutorService scheduler;

        EventsApp(Room<Message> room, ScheduledExecutorService scheduler) {
            this.room = room;
            this.scheduler = scheduler;
        }

        @Override
        // docs:begin
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
            SseStream events = SseStream.start(environ, startResponse);
            Subscription subscription = room.subscribe(m ->
                    events.send(SseStream.Event.of(m.json()).name("message").id(Long.toString(m.id()))));
            events.onClose(subscription::cancel);
            events.heartbeat(scheduler, Duration.ofSeconds(15));   // comments, so a client that left is noticed
            return events;
        }
        // docs:end
    }

    /** The file wrapper example. */
    static final class ReportApp implements Application {
        private final Path reports;

        ReportApp(Path reports) {
            this.reports = reports;
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws IOException {
            // docs:begin
            Path file = reports.resolve("report.pdf");
            startResponse.start("200 OK", List.of(new Header("Content-Type", ContentTypes.of(file.toString())),
                    new Header("Content-Length", Long.toString(Files.size(file)))));
            return FileWrapper.of(environ).wrap(file);
            // docs:end
        }
    }

    @Test
    void pipelineAndAsyncBodyExamples() {
        // docs:begin
        Application app = Pipeline.of(new ChatApp())
                .with(Gzip::new)         // wraps ChatApp
                .with(ErrorPages::new)   // wraps Gzip
                .with(AccessLog::new);   // outermost: sees the request first, the response last
        // docs:end

        MockExchange exchange = subscribe(app, "/");
        ChatApp.room.post("hi\n");
        assertThat(exchange.text()).isEqualTo("hi\n");

        exchange.disconnect();
        assertThat(exchange.isDone()).isTrue();
        assertThat(ChatApp.room.subscribers).as("unsubscribed at close").isEmpty();
        assertThat(new Site().layers()).hasSize(3);
    }

    @Test
    void siteStackExample() throws IOException {
        Path publicDir = Files.createDirectories(tmp.resolve("public"));
        Files.writeString(publicDir.resolve("a.txt"), "static");
        // docs:begin
        Application site = Dispatcher.builder()
                .mount("/chat", new ChatApp())
                .mount("/static", StaticFiles.directory(publicDir).maxAge(Duration.ofHours(1)))
                .build();                                   // anything else: 404

        Application app = Pipeline.of(site)
                .with(Head::new)
                .with(Gzip::new)
                .with(ErrorPages::new)
                .with(AccessLog::new)
                .with(ProxyFix.trusting("10.0.0.0/8").forwardedFor(1).proto(1).host(1));
        // docs:end

        assertThat(get(app, "/static/a.txt").text()).isEqualTo("static");
        assertThat(get(app, "/other").status()).isEqualTo(404);
        MockExchange chat = subscribe(app, "/chat");
        chat.disconnect();
        assertThat(chat.isDone()).isTrue();
        assertThat(ChatApp.room.subscribers).isEmpty();
    }

    @Test
    void precompressedExample(@TempDir Path publicDir) throws IOException {
        Files.writeString(publicDir.resolve("app.js"), "console.log('plain')");
        Files.write(publicDir.resolve("app.js.gz"), gzip("console.log('plain')"));
        // docs:begin
        Application files = StaticFiles.directory(publicDir).precompressed();
        // docs:end

        Application app = files;
        MockResponse gz = MockContainer.of(app).get("/app.js").header("Accept-Encoding", "gzip").send();
        assertThat(gz.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(gz.header("Vary")).isEqualTo("Accept-Encoding");
        assertThat(MockContainer.of(app).get("/app.js").send().text()).isEqualTo("console.log('plain')");
    }

    @Test
    void forwardedExample() {
        // docs:begin
        Application app = Pipeline.of(new ChatApp())
                .with(ProxyFix.trusting("10.0.0.0/8").proto(1).host(1));   // Forwarded or X-Forwarded-*
        // docs:end

        MockExchange chat = MockContainer.of(app).get("/").environ("REMOTE_ADDR", "10.1.2.3")
                .header("Forwarded", "for=192.0.2.60;proto=https;host=example.com").start();
        assertThat(chat.isSleeping()).as("the chat behind ProxyFix subscribed").isTrue();
        chat.disconnect();
        assertThat(ChatApp.room.subscribers).isEmpty();

        // the same options around an application that shows what it sees
        Application seen = Pipeline.of((Application) (environ, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return List.of((environ.get("REMOTE_ADDR") + " " + environ.get("wsgi.url_scheme") + " "
                    + environ.get("HTTP_HOST")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }).with(ProxyFix.trusting("10.0.0.0/8").proto(1).host(1));
        assertThat(MockContainer.of(seen).get("/").environ("REMOTE_ADDR", "10.1.2.3")
                .header("Forwarded", "for=192.0.2.60;proto=https;host=example.com").send().text())
                .isEqualTo("192.0.2.60 https example.com");
    }

    private static byte[] gzip(String text) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(bytes)) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void staticFallbackExample() {
        // docs:begin
        Application app = Pipeline.of(new ChatApp()).with(StaticFiles.classpath("static")::fallback);
        // docs:end

        MockExchange chat = subscribe(app, "/no-such-file.txt");
        chat.disconnect();
        assertThat(chat.isDone()).as("not a file: served by the chat").isTrue();
        Application files = Pipeline.of(new ChatApp()).with(StaticFiles.classpath("static-fixture")::fallback);
        assertThat(get(files, "/hello.txt").text()).isEqualTo("hello from the classpath\n");
    }

    @Test
    void requestResponseExample() {
        Application app = new FormApp();
        MockResponse redirected = MockContainer.of(app).post("/say?room=7", "text=hello")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "session=abc")
                .send();

        assertThat(redirected.applicationError()).isEmpty();
        assertThat(redirected.status()).isEqualTo(303);
        assertThat(redirected.header("Location")).isEqualTo("/rooms/7");
        assertThat(get(app, "/").text()).isEqualTo("<p>Hello</p>");
    }

    @Test
    void sseExample() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        try {
            Room<EventsApp.Message> room = new Room<>();
            MockExchange exchange = subscribe(new EventsApp(room, scheduler), "/events");
            room.post(new EventsApp.Message(1, "{\"text\":\"hi\"}"));

            assertThat(exchange.response().textChunks()).containsExactly(": open\n\n",
                    "event: message\nid: 1\ndata: {\"text\":\"hi\"}\n\n");
            exchange.disconnect();
            assertThat(exchange.isDone()).isTrue();
            assertThat(room.subscribers).isEmpty();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void fileWrapperExample() throws IOException {
        Files.writeString(tmp.resolve("report.pdf"), "%PDF-1.7");

        MockResponse response = get(new ReportApp(tmp), "/report");

        assertThat(response.header("Content-Type")).isEqualTo("application/pdf");
        assertThat(response.text()).isEqualTo("%PDF-1.7");
    }
}
