package io.jwsgi.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockRequest;
import io.jwsgi.testing.MockResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatAppTest {

    private final MemoryChatBus bus = new MemoryChatBus();
    private final ChatApp chat = new ChatApp(bus, Duration.ofSeconds(30), Duration.ofSeconds(30));
    private final MockContainer server = serve(chat);

    @AfterEach
    void stop() {
        chat.close();
    }

    /** Serves a chat in a mock container, waiting for responses as long as a busy machine may need. */
    static MockContainer serve(ChatApp app) {
        return MockContainer.of(app).deadline(Duration.ofSeconds(20));
    }

    /** A request for {@code target} of the chat mounted at {@code /chat}. */
    static MockRequest get(MockContainer server, String target) {
        return server.get(target).scriptName("/chat");
    }

    /** A post of a JSON message to the chat mounted at {@code /chat}. */
    static MockRequest post(MockContainer server, String json) {
        return server.post("/messages", json).scriptName("/chat").header("Content-Type", "application/json");
    }

    @Test
    void longPollSleepsUntilAnotherRequestPosts() {
        // given a long-poll waiting for anything after id 0
        MockExchange poll = get(server, "/poll?after=0").start();
        assertThat(poll.isSleeping()).as("the poll sleeps, holding no thread").isTrue();
        assertThat(bus.subscribers()).as("subscribers while the poll waits").isEqualTo(1);

        // when another request posts
        MockResponse posted = post(server, "{\"name\":\"Ada\",\"text\":\"hi \\\"there\\\"\"}").send();

        // then the poll answers with that message, and unsubscribes
        MockResponse answer = poll.awaitDone();
        ChatMessage message = bus.since(0).get(0);
        assertThat(List.of(posted.status(), posted.text())).as("post answer").containsExactly(201, message.toJson());
        assertThat(List.of(answer.status(), answer.header("Content-Type"), answer.text())).as("poll answer")
                .containsExactly(200, "application/json", "{\"messages\":[" + message.toJson() + "]}");
        assertThat(message.text()).as("decoded text").isEqualTo("hi \"there\"");
        assertThat(List.of(answer.closeCount(), bus.subscribers())).as("the poll's close() unsubscribed it")
                .containsExactly(1, 0);
    }

    @Test
    void longPollAnswersAtOnceWhenNewerMessagesAreKept() {
        bus.publish("a", "one");
        bus.publish("a", "two");

        MockResponse poll = get(server, "/poll?after=1").send();

        assertThat(poll.text()).as("only the newer message").isEqualTo(ChatMessage.listJson(bus.since(1)));
    }

    @Test
    void longPollAnswersAnEmptyListAtItsTimeout() {
        ChatApp quick = new ChatApp(bus, Duration.ofMillis(100), Duration.ofSeconds(30));

        MockResponse poll = get(serve(quick), "/poll?after=0").send();

        assertThat(List.of(poll.status(), poll.text())).as("timeout answer").containsExactly(200, "{\"messages\":[]}");
        assertThat(bus.subscribers()).as("subscribers after the timeout").isZero();
        quick.close();
    }

    @Test
    void hundredsOfWaitingPollsHoldNoThreadAndOnePostAnswersThemAll() {
        // given 300 long-polls, each suspended on async.sleep
        List<MockExchange> polls = IntStream.range(0, 300).mapToObj(i -> get(server, "/poll?after=0").start()).toList();
        assertThat(polls).as("polls asleep, holding no thread").allMatch(MockExchange::isSleeping);
        assertThat(bus.subscribers()).as("waiting polls").isEqualTo(300);

        // when the page itself and then a post are served
        MockResponse page = get(server, "/").send();
        post(server, "{\"text\":\"wake up\"}").send();

        // then every poll answers with the message
        assertThat(page.status()).as("the page, served while 300 polls wait").isEqualTo(200);
        String expected = ChatMessage.listJson(bus.since(0));
        List<MockResponse> answers = polls.stream().map(MockExchange::awaitDone).toList();
        assertThat(answers).as("answers").allMatch(p -> p.text().equals(expected));
        assertThat(bus.subscribers()).as("subscribers once every poll answered").isZero();
    }

    @Test
    void eventStreamDeliversEachPostAsAnEvent() {
        // given an open event stream
        MockExchange events = get(server, "/events").start();
        assertThat(events.takeText()).as("opening").isEqualTo("retry: 2000\n: connected\n\n");
        assertThat(events.response().header("Content-Type")).as("type").isEqualTo("text/event-stream; charset=utf-8");

        // when two posts come one after the other
        post(server, "{\"name\":\"a\",\"text\":\"first\"}").send();
        String first = events.takeText();
        post(server, "{\"name\":\"b\",\"text\":\"second\"}").send();
        String second = events.takeText();

        // then each became one event carrying its id and JSON, and the stream stays open
        List<ChatMessage> sent = bus.since(0);
        assertThat(List.of(first, second)).as("the events").containsExactly(
                "id: 1\ndata: " + sent.get(0).toJson() + "\n\n", "id: 2\ndata: " + sent.get(1).toJson() + "\n\n");
        assertThat(events.isSleeping()).as("stream open, waiting for the next message").isTrue();
        events.disconnect();
    }

    @Test
    void eventStreamResumesAfterLastEventId() {
        bus.publish("a", "one");
        bus.publish("a", "two");
        bus.publish("a", "three");

        // when a browser reconnects with Last-Event-ID (which wins over ?after)
        MockExchange events = get(server, "/events?after=0").header("Last-Event-ID", "2").start();

        // then, once it waits for news, it sent only what came after id 2
        assertThat(events.isSleeping()).as("waiting for the next message").isTrue();
        assertThat(events.text()).as("only what came after id 2")
                .isEqualTo("retry: 2000\n: connected\n\nid: 3\ndata: " + bus.since(2).get(0).toJson() + "\n\n");
        events.disconnect();
    }

    @Test
    void idleEventStreamSendsHeartbeatsAndUnsubscribesWhenTheClientLeaves() {
        ChatApp beating = new ChatApp(bus, Duration.ofSeconds(30), Duration.ofMillis(50));

        // given an idle stream that has sent two heartbeats
        MockExchange events = get(serve(beating), "/events").start();
        assertThat(List.of(events.takeText(), events.takeText(), events.takeText())).as("opening and two heartbeats")
                .containsExactly("retry: 2000\n: connected\n\n", ": heartbeat\n\n", ": heartbeat\n\n");

        // when the client leaves
        events.disconnect();

        // then the stream ends and its subscription is gone
        assertThat(List.of(events.isDone(), events.closeCount(), bus.subscribers()))
                .as("ended, closed, and unsubscribed").containsExactly(true, 1, 0);
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
        MockResponse posted = server.post("/messages", body).scriptName("/chat").header("Content-Type", type).send();

        assertThat(posted.status()).as(rule + ": status").isEqualTo(status);
        assertThat(posted.text()).as(rule + ": answer").contains(answer);
    }

    @Test
    void postRefusesBodiesOverSixteenKilobytes() {
        MockResponse posted = post(server, "{\"text\":\"" + "x".repeat(20_000) + "\"}").send();

        assertThat(List.of(posted.status(), posted.text())).as("status and message").containsExactly(413,
                "the request body is longer than the 16384 bytes accepted here\n");
    }

    @Test
    void historyListsKeptMessages() {
        bus.publish("a", "one");

        MockResponse history = get(server, "/messages").send();

        assertThat(history.text()).as("history").isEqualTo(ChatMessage.listJson(bus.since(0)));
    }

    @ParameterizedTest(name = "Last-Event-ID {0}, after {1} -> {2}")
    @CsvSource(value = {"'', '', 0", "'', 7, 7", "5, 7, 5", "junk, 7, 7", "' 9 ', '', 9"}, nullValues = "null")
    void cursorPrefersLastEventIdThenAfter(String lastEventId, String after, long expected) {
        assertThat(ChatApp.cursor(lastEventId, after)).as("cursor").isEqualTo(expected);
    }

    @Test
    void badAfterIsRefused() {
        MockResponse poll = get(server, "/poll?after=-3").send();

        assertThat(List.of(poll.status(), poll.text())).as("status and message")
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
