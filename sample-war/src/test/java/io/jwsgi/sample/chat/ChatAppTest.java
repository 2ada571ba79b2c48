package io.jwsgi.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.sample.Await;
import io.jwsgi.sample.Exchange;
import io.jwsgi.sample.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatAppTest {

    private final TestServer server = new TestServer(2);
    private final MemoryChatBus bus = new MemoryChatBus();
    private final ChatApp chat = new ChatApp(bus, Duration.ofSeconds(30), Duration.ofSeconds(30));

    @AfterEach
    void stop() {
        server.close();
        chat.close();
    }

    static Exchange post(TestServer server, ChatApp app, String json) {
        return server.request(app, "POST", "/chat", "/messages", Map.of("Content-Type", "application/json"),
                json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void longPollSleepsUntilAnotherRequestPosts() {
        // given a long-poll waiting for anything after id 0
        Exchange poll = server.get(chat, "/chat", "/poll?after=0");
        Await.until(() -> bus.subscribers() == 1, "the poll to subscribe");

        // when another request posts
        Exchange posted = post(server, chat, "{\"name\":\"Ada\",\"text\":\"hi \\\"there\\\"\"}").awaitEnd();

        // then the poll answers with that message, and unsubscribes
        poll.awaitEnd();
        ChatMessage message = bus.since(0).get(0);
        assertThat(List.of(posted.code(), posted.body())).as("post answer").containsExactly(201, message.toJson());
        assertThat(List.of(poll.code(), poll.header("Content-Type"), poll.body())).as("poll answer")
                .containsExactly(200, "application/json", "{\"messages\":[" + message.toJson() + "]}");
        assertThat(message.text()).as("decoded text").isEqualTo("hi \"there\"");
        Await.until(() -> bus.subscribers() == 0, "the poll's close() to unsubscribe");
    }

    @Test
    void longPollAnswersAtOnceWhenNewerMessagesAreKept() {
        bus.publish("a", "one");
        bus.publish("a", "two");

        Exchange poll = server.get(chat, "/chat", "/poll?after=1").awaitEnd();

        assertThat(poll.body()).as("only the newer message").isEqualTo(ChatMessage.listJson(bus.since(1)));
    }

    @Test
    void longPollAnswersAnEmptyListAtItsTimeout() {
        ChatApp quick = new ChatApp(bus, Duration.ofMillis(100), Duration.ofSeconds(30));

        Exchange poll = server.get(quick, "/chat", "/poll?after=0").awaitEnd();

        assertThat(List.of(poll.code(), poll.body())).as("timeout answer").containsExactly(200, "{\"messages\":[]}");
        assertThat(bus.subscribers()).as("subscribers after the timeout").isZero();
        quick.close();
    }

    @Test
    void hundredsOfWaitingPollsHoldNoThreadAndOnePostAnswersThemAll() {
        // given 300 long-polls on an engine of two threads
        List<Exchange> polls = IntStream.range(0, 300).mapToObj(i -> server.get(chat, "/chat", "/poll?after=0")).toList();
        Await.until(() -> bus.subscribers() == 300, "all polls to be waiting");

        // when the page itself and then a post are served by the same two threads
        Exchange page = server.get(chat, "/chat", "/").awaitEnd();
        post(server, chat, "{\"text\":\"wake up\"}").awaitEnd();

        // then every poll answers with the message
        assertThat(page.code()).as("the page, served while 300 polls wait").isEqualTo(200);
        String expected = ChatMessage.listJson(bus.since(0));
        polls.forEach(Exchange::awaitEnd);
        assertThat(polls).as("answers").allMatch(p -> p.body().equals(expected));
        Await.until(() -> bus.subscribers() == 0, "every poll to unsubscribe");
    }

    @Test
    void eventStreamDeliversEachPostAsAnEvent() {
        // given an open event stream
        Exchange events = server.get(chat, "/chat", "/events").awaitBody(": connected\n\n");
        assertThat(events.header("Content-Type")).as("type").isEqualTo("text/event-stream; charset=utf-8");

        // when two posts come one after the other
        post(server, chat, "{\"name\":\"a\",\"text\":\"first\"}").awaitEnd();
        events.awaitBody("first");
        post(server, chat, "{\"name\":\"b\",\"text\":\"second\"}").awaitEnd();
        events.awaitBody("second");

        // then each became one event carrying its id and JSON, and the stream stays open
        List<ChatMessage> sent = bus.since(0);
        assertThat(events.body()).as("the stream").isEqualTo("retry: 2000\n: connected\n\n"
                + "id: 1\ndata: " + sent.get(0).toJson() + "\n\n" + "id: 2\ndata: " + sent.get(1).toJson() + "\n\n");
        assertThat(events.ended()).as("stream still open").isFalse();
        events.leave();
    }

    @Test
    void eventStreamResumesAfterLastEventId() {
        bus.publish("a", "one");
        bus.publish("a", "two");
        bus.publish("a", "three");

        // when a browser reconnects with Last-Event-ID (which wins over ?after)
        Exchange events = server.request(chat, "GET", "/chat", "/events?after=0", Map.of("Last-Event-ID", "2"),
                new byte[0]).awaitBody("three");

        assertThat(events.body()).as("only what came after id 2")
                .isEqualTo("retry: 2000\n: connected\n\nid: 3\ndata: " + bus.since(2).get(0).toJson() + "\n\n");
        events.leave();
    }

    @Test
    void idleEventStreamSendsHeartbeatsAndUnsubscribesWhenTheClientLeaves() {
        ChatApp beating = new ChatApp(bus, Duration.ofSeconds(30), Duration.ofMillis(50));

        // given an idle stream that has sent two heartbeats
        Exchange events = server.get(beating, "/chat", "/events");
        events.await(() -> events.body().split(": heartbeat\n\n", -1).length > 2, "two heartbeats");

        // when the client leaves
        events.leave();

        // then the stream ends and its subscription is gone
        events.awaitEnd();
        Await.until(() -> bus.subscribers() == 0, "the stream to unsubscribe");
        beating.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "form post                 | application/x-www-form-urlencoded | name=Bo&text=hi+there | 201 | `\"text\":\"hi there\"`",
        "blank text                | application/json                  | `{\"text\":\"  \"}`     | 400 | text is missing or blank",
        "text not a string         | application/json                  | `{\"text\":5}`          | 400 | text is missing or blank",
        "broken JSON               | application/json                  | `{\"text\":`            | 400 | invalid JSON at offset 8",
        "JSON array                | application/json                  | `[1]`                   | 400 | expected a JSON object",
        "name too long             | application/json                  | `{\"name\":\"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\",\"text\":\"x\"}` | 400 | name is longer than 40",
        "plain text body           | text/plain                        | hello                   | 415 | post application/json",
    })
    void postChecksItsInput(String rule, String type, String body, int status, String answer) {
        Exchange posted = server.request(chat, "POST", "/chat", "/messages", Map.of("Content-Type", type),
                body.getBytes(StandardCharsets.UTF_8)).awaitEnd();

        assertThat(posted.code()).as(rule + ": status").isEqualTo(status);
        assertThat(posted.body()).as(rule + ": answer").contains(answer);
    }

    @Test
    void postRefusesBodiesOverSixteenKilobytes() {
        Exchange posted = post(server, chat, "{\"text\":\"" + "x".repeat(20_000) + "\"}").awaitEnd();

        assertThat(List.of(posted.code(), posted.body())).as("status and message").containsExactly(413,
                "the request body is longer than the 16384 bytes accepted here\n");
    }

    @Test
    void historyListsKeptMessages() {
        bus.publish("a", "one");

        Exchange history = server.get(chat, "/chat", "/messages").awaitEnd();

        assertThat(history.body()).as("history").isEqualTo(ChatMessage.listJson(bus.since(0)));
    }

    @ParameterizedTest(name = "Last-Event-ID {0}, after {1} -> {2}")
    @CsvSource(value = {"'', '', 0", "'', 7, 7", "5, 7, 5", "junk, 7, 7", "' 9 ', '', 9"}, nullValues = "null")
    void cursorPrefersLastEventIdThenAfter(String lastEventId, String after, long expected) {
        assertThat(ChatApp.cursor(lastEventId, after)).as("cursor").isEqualTo(expected);
    }

    @Test
    void badAfterIsRefused() {
        Exchange poll = server.get(chat, "/chat", "/poll?after=-3").awaitEnd();

        assertThat(List.of(poll.code(), poll.body())).as("status and message")
                .containsExactly(400, "after must be a message id (a whole number >= 0), got \"-3\"\n");
    }

    @Test
    void configurationChoosesTheBus() {
        try (ChatBus none = ChatApp.configured(null, " ")) {
            assertThat(none).as("no Redis URL configured").isInstanceOf(MemoryChatBus.class);
        }
        assertThatThrownBy(() -> ChatApp.configured("http://example.com", null)).as("not a Redis URL")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://host:6379");
    }
}
