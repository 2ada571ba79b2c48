package io.jwsgi.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.middleware.Gzip;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockRequest;
import io.jwsgi.testing.MockResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SseStreamTest {

    private final AtomicReference<SseStream> stream = new AtomicReference<>();
    private final AtomicInteger closed = new AtomicInteger();
    private final Application app = (environ, startResponse) -> {
        SseStream events = SseStream.start(environ, startResponse, new Header("Access-Control-Allow-Origin", "*"));
        events.onClose(closed::incrementAndGet);
        stream.set(events);
        return events;
    };

    /** Opens the stream and waits for it to sleep after its opening comment. */
    private static MockExchange open(MockRequest request) {
        MockExchange exchange = request.start();
        assertThat(exchange.isSleeping()).as("the stream sleeps until an event").isTrue();
        return exchange;
    }

    private static String encode(SseStream.Event event) {
        return new String(event.encode(), StandardCharsets.UTF_8);
    }

    @Test
    void dataOnlyEvent() {
        assertThat(encode(SseStream.Event.of("hello"))).isEqualTo("data: hello\n\n");
    }

    @Test
    void allFieldsInOrder() {
        SseStream.Event event = SseStream.Event.of("{\"text\":\"hi\"}").name("message").id("42").retry(Duration.ofSeconds(3));

        assertThat(encode(event)).isEqualTo("event: message\nid: 42\nretry: 3000\ndata: {\"text\":\"hi\"}\n\n");
    }

    @ParameterizedTest(name = "data {0}")
    @CsvSource(delimiter = '|', value = {
        "'a\\nb'         | 'data: a\\ndata: b\\n\\n'",
        "'a\\r\\nb'      | 'data: a\\ndata: b\\n\\n'",
        "'a\\rb'         | 'data: a\\ndata: b\\n\\n'",
        "'a\\n'          | 'data: a\\ndata: \\n\\n'",
        "''              | 'data: \\n\\n'",
        "'data: x\\n\\nevent: y' | 'data: data: x\\ndata: \\ndata: event: y\\n\\n'",
    })
    void multiLineDataBecomesOneDataLinePerLineSoItCannotEndTheEvent(String data, String encoded) {
        assertThat(encode(SseStream.Event.of(unescape(data)))).isEqualTo(unescape(encoded));
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }

    @Test
    void commentsAreColonLines() {
        assertThat(new String(SseStream.encodeComment("ping"), StandardCharsets.UTF_8)).isEqualTo(": ping\n\n");
        assertThat(new String(SseStream.encodeComment(""), StandardCharsets.UTF_8)).isEqualTo(":\n\n");
        assertThat(new String(SseStream.encodeComment("a\nb"), StandardCharsets.UTF_8)).isEqualTo(": a\n: b\n\n");
    }

    @Test
    void namesAndIdsThatCouldForgeFieldsAreRefused() {
        assertThatThrownBy(() -> SseStream.Event.of("x").name("a\ndata: forged"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("event name must not hold CR or LF");
        assertThatThrownBy(() -> SseStream.Event.of("x").id("1\r"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id must not hold CR, LF or NUL");
        assertThatThrownBy(() -> SseStream.Event.of("x").id("1\0"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamSendsHeadersAndOpeningCommentAtOnceThenEventsOneByOne() {
        // when
        MockExchange exchange = open(MockContainer.of(app).get("/events"));

        // then: the head went out with the opening comment, and the stream sleeps
        MockResponse response = exchange.response();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("text/event-stream");
        assertThat(response.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(response.header("Content-Length")).isNull();
        assertThat(response.textChunks()).containsExactly(": open\n\n");
        assertThat(response.isEnded()).isFalse();

        // when
        stream.get().send("chat", "hi");
        stream.get().send(SseStream.Event.of("there").id("2"));

        // then
        assertThat(exchange.response().textChunks()).containsExactly(": open\n\n", "event: chat\ndata: hi\n\n", "id: 2\ndata: there\n\n");

        // when
        stream.get().end();

        // then
        MockResponse ended = exchange.awaitDone();
        assertThat(ended.isAborted()).as("completed, not cut").isFalse();
        assertThat(ended.closeCount()).as("the stream is closed once").isEqualTo(1);
        assertThat(closed).hasValue(1);
    }

    @Test
    void clientGoneIsObservableThroughOnClose() {
        MockExchange exchange = open(MockContainer.of(app).get("/events"));

        exchange.disconnect();

        assertThat(exchange.isDone()).isTrue();
        assertThat(closed).hasValue(1);
        assertThat(stream.get().isOpen()).isFalse();
        assertThat(stream.get().send("x")).as("sending after the end is refused").isFalse();
    }

    @Test
    void gzipLeavesTheEventStreamAlone() {
        MockExchange exchange = open(MockContainer.of(new Gzip(app)).get("/events").header("Accept-Encoding", "gzip"));

        MockResponse response = exchange.response();

        assertThat(response.header("Content-Encoding")).isNull();
        assertThat(response.textChunks()).containsExactly(": open\n\n");
    }

    @Test
    void heartbeatSendsCommentsUntilTheStreamCloses() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        try {
            // given
            MockExchange exchange = open(MockContainer.of(app).get("/events"));

            // when
            ScheduledFuture<?> task = stream.get().heartbeat(scheduler, Duration.ofMillis(10));

            // then: a heartbeat went out; closing the stream cancels the task
            assertThat(exchange.takeText()).isEqualTo(": open\n\n");
            assertThat(exchange.takeText()).as("the heartbeat comment").isEqualTo(":\n\n");
            exchange.disconnect();
            assertThat(exchange.isDone()).isTrue();
            assertThat(task.isCancelled()).isTrue();
            assertThat(closed).hasValue(1);
        } finally {
            scheduler.shutdownNow();
        }
    }
}
