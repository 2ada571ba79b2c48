package io.jwsgi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.app.AsyncBody;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples of docs/middleware.md, compiled and run, so that the page stays true. */
class DocsExamplesTest {

    @TempDir
    Path tmp;
    private static final Room room = new Room();

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

    /** The chat room the examples subscribe to. */
    static final class Room {
        final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();

        Subscription subscribe(Consumer<String> subscriber) {
            subscribers.add(subscriber);
            return () -> subscribers.remove(subscriber);
        }

        void post(String message) {
            subscribers.forEach(s -> s.accept(message));
        }
    }

    interface Subscription {
        void cancel();
    }

    static final class ChatApp implements Application {
        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
            AsyncBody body = AsyncBody.of(environ);
            Subscription subscription = room.subscribe(message -> body.offer(message.getBytes(UTF_8)));
            body.onClose(subscription::cancel);
            startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8")));
            return body;
        }
    }

    /** The web.xml example. */
    public static final class Site extends Pipeline {
        public Site() {
            super(Pipeline.of(new ChatApp()).with(Gzip::new).with(AccessLog::new));
        }
    }

    @Test
    void pipelineAndAsyncBodyExamples() {
        Application app = Pipeline.of(new ChatApp()).with(Gzip::new).with(ErrorPages::new).with(AccessLog::new);

        MockExchange exchange = subscribe(app, "/");
        room.post("hi\n");
        assertThat(exchange.text()).isEqualTo("hi\n");

        exchange.disconnect();
        assertThat(exchange.isDone()).isTrue();
        assertThat(room.subscribers).as("unsubscribed at close").isEmpty();
        assertThat(new Site().layers()).hasSize(3);
    }

    @Test
    void siteStackExample() throws IOException {
        Path publicDir = Files.createDirectories(tmp.resolve("public"));
        Files.writeString(publicDir.resolve("a.txt"), "static");
        Application site = Dispatcher.builder()
                .mount("/chat", new ChatApp())
                .mount("/static", StaticFiles.directory(publicDir).maxAge(Duration.ofHours(1)))
                .build();

        Application app = Pipeline.of(site)
                .with(Head::new)
                .with(Gzip::new)
                .with(ErrorPages::new)
                .with(AccessLog::new)
                .with(ProxyFix.trusting("10.0.0.0/8").forwardedFor(1).proto(1).host(1));

        assertThat(get(app, "/static/a.txt").text()).isEqualTo("static");
        assertThat(get(app, "/other").status()).isEqualTo(404);
        Application files = Pipeline.of(new ChatApp()).with(StaticFiles.classpath("static-fixture")::fallback);
        assertThat(get(files, "/hello.txt").text()).isEqualTo("hello from the classpath\n");
    }

    @Test
    void requestResponseExample() {
        Application app = (environ, startResponse) -> {
            Request request = new Request(environ);
            if (request.method().equals("POST")) {
                String text = request.form("text");
                String room = request.query("room");
                String session = request.cookie("session");
                assertThat(text + "|" + session).isEqualTo("hello|abc");
                return Response.redirect("/rooms/" + room).send(startResponse);
            }
            return Response.ok().html("<p>Hello</p>").send(startResponse);
        };
        MockResponse redirected = MockContainer.of(app).post("/say?room=7", "text=hello")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "session=abc")
                .send();

        assertThat(redirected.applicationError()).as("the form, query and cookie were read").isEmpty();
        assertThat(redirected.status()).isEqualTo(303);
        assertThat(redirected.header("Location")).isEqualTo("/rooms/7");
        assertThat(get(app, "/").text()).isEqualTo("<p>Hello</p>");
    }

    @Test
    void sseExample() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        try {
            Application app = (environ, startResponse) -> {
                SseStream events = SseStream.start(environ, startResponse);
                Subscription subscription = room.subscribe(m ->
                        events.send(SseStream.Event.of(m).name("message").id("1")));
                events.onClose(subscription::cancel);
                events.heartbeat(scheduler, Duration.ofSeconds(15));
                return events;
            };

            MockExchange exchange = subscribe(app, "/events");
            room.post("{\"text\":\"hi\"}");

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
        Path report = Files.writeString(tmp.resolve("report.pdf"), "%PDF-1.7");
        Application app = (environ, startResponse) -> {
            Path file = report;
            startResponse.start("200 OK", List.of(new Header("Content-Type", ContentTypes.of(file.toString())),
                    new Header("Content-Length", Long.toString(Files.size(file)))));
            return FileWrapper.of(environ).wrap(file);
        };

        MockResponse response = get(app, "/report");

        assertThat(response.header("Content-Type")).isEqualTo("application/pdf");
        assertThat(response.text()).isEqualTo("%PDF-1.7");
    }
}
