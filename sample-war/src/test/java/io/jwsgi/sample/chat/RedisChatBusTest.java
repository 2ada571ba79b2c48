package io.jwsgi.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.sample.Await;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two buses on one real Redis stand for two servers of the same chat. */
class RedisChatBusTest {

    private static RedisServer redis;

    private final String room = "test:" + UUID.randomUUID();
    private final RedisChatBus nodeA = new RedisChatBus(redis.uri(), room);
    private final RedisChatBus nodeB = new RedisChatBus(redis.uri(), room);

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeBuses() {
        nodeA.close();
        nodeB.close();
    }

    private void awaitListening() {
        Await.until(() -> nodeA.isListening() && nodeB.isListening(), "both nodes to subscribe");
    }

    @Test
    void messagePublishedOnOneNodeWakesTheOtherAndShowsInItsHistory() {
        // given a subscriber on node A
        awaitListening();
        AtomicInteger woken = new AtomicInteger();
        nodeA.subscribe(woken::incrementAndGet);

        // when node B publishes
        ChatMessage sent = nodeB.publish("Ada", "across \"nodes\" é");

        // then A's subscriber is woken and A reads the same message
        Await.until(() -> woken.get() > 0, "node A's subscriber to be woken");
        assertThat(nodeA.since(0)).as("history seen from node A").containsExactly(sent);
        assertThat(sent.id()).as("first id of the room").isEqualTo(1);
    }

    @Test
    void idsFollowPublishOrderOnBothNodesAndHistoryIsCapped() {
        // when both nodes publish in turns, past the history size
        for (int i = 1; i <= ChatBus.HISTORY + 4; i++) {
            (i % 2 == 0 ? nodeA : nodeB).publish("n", "m" + i);
        }

        // then both see the same latest messages, numbered in order
        List<ChatMessage> seenByA = nodeA.since(0);
        assertThat(seenByA).as("history is the same on both nodes").isEqualTo(nodeB.since(0));
        assertThat(seenByA).extracting(ChatMessage::id).as("the latest ids, in order")
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(5, ChatBus.HISTORY + 4).boxed().toList());
        assertThat(nodeA.since(ChatBus.HISTORY + 2)).extracting(ChatMessage::text).as("after an id")
                .containsExactly("m" + (ChatBus.HISTORY + 3), "m" + (ChatBus.HISTORY + 4));
    }

    @Test
    void closedSubscriptionIsNotWokenAgain() {
        awaitListening();
        AtomicInteger woken = new AtomicInteger();
        ChatBus.Subscription subscription = nodeA.subscribe(woken::incrementAndGet);
        nodeB.publish("a", "one");
        Await.until(() -> woken.get() == 1, "the first wake-up");

        // when it unsubscribes and node B publishes again, then node A publishes (a marker it hears itself)
        subscription.close();
        AtomicInteger marker = new AtomicInteger();
        nodeA.subscribe(marker::incrementAndGet);
        nodeB.publish("a", "two");
        Await.until(() -> marker.get() == 1, "the marker subscriber to hear the second message");

        // then the closed subscription heard nothing more
        assertThat(woken.get()).as("wake-ups of the closed subscription").isEqualTo(1);
        assertThat(nodeA.subscribers()).as("subscribers left on node A").isEqualTo(1);
    }

    @Test
    void longPollOnOneServerIsAnsweredByAPostOnAnother() {
        // given two chat servers sharing the Redis room
        awaitListening();
        try (ChatApp chatA = new ChatApp(nodeA, Duration.ofSeconds(30), Duration.ofSeconds(30));
                ChatApp chatB = new ChatApp(nodeB, Duration.ofSeconds(30), Duration.ofSeconds(30))) {
            MockContainer serverA = ChatAppTest.serve(chatA);
            MockContainer serverB = ChatAppTest.serve(chatB);
            MockExchange poll = ChatAppTest.get(serverA, "/poll?after=0").start();
            assertThat(poll.isSleeping()).as("the poll on server A waits").isTrue();
            assertThat(nodeA.subscribers()).as("subscribers on node A").isEqualTo(1);

            // when a message is posted to server B
            MockResponse posted = ChatAppTest.post(serverB, "{\"name\":\"B\",\"text\":\"from B\"}").send();

            // then the poll held by server A answers with it
            MockResponse answer = poll.awaitDone();
            assertThat(posted.status()).as("post status").isEqualTo(201);
            assertThat(answer.text()).as("server A's answer").isEqualTo("{\"messages\":[" + posted.text() + "]}");
        }
    }

    @Test
    void subscriptionComesBackAfterRedisRestartsAndWakesWaiters() throws Exception {
        // given a subscriber on node A
        awaitListening();
        AtomicInteger woken = new AtomicInteger();
        nodeA.subscribe(woken::incrementAndGet);

        // when Redis dies: node B's posts fail, naming the server
        redis.kill();
        Await.until(() -> !nodeA.isListening(), "node A to notice the lost connection");
        assertThatThrownBy(() -> nodeB.publish("a", "lost")).as("publish while Redis is down")
                .isInstanceOf(ChatBus.ChatBusException.class).hasMessageContaining(redis.uri().toString());

        // and when it comes back
        redis.restart();
        Await.until(() -> nodeA.isListening() && nodeB.isListening(), "both nodes to subscribe again");

        // then node A's waiter was woken to reread the history, and a new post reaches node A again
        Await.until(() -> woken.get() >= 1, "the wake-up after reconnecting");
        int before = woken.get();
        nodeB.publish("a", "back");
        Await.until(() -> woken.get() > before, "node A to hear a post made after the restart");
        assertThat(nodeA.since(0)).extracting(ChatMessage::text).as("history after the restart").containsExactly("back");
    }
}
