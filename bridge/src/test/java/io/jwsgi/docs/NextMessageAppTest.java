package io.jwsgi.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import org.junit.jupiter.api.Test;

/** The README's sleep/wake example, served by the mock container with the bridge's own response pump. */
class NextMessageAppTest {

    private final NextMessageApp.Topic topic = new NextMessageApp.Topic();
    private final NextMessageApp app = new NextMessageApp(topic);

    @Test
    void pollSleepsUntilAMessageIsPublishedFromAnotherThread() throws InterruptedException {
        // given a poll asleep, subscribed to the topic
        MockExchange poll = MockContainer.of(app).get("/next").start();
        assertThat(poll.isSleeping()).as("asleep before any message").isTrue();
        assertThat(topic.subscribers()).isEqualTo(1);

        // when another thread publishes
        Thread publisher = new Thread(() -> topic.publish("hello"));
        publisher.start();

        // then the poll is woken, answers with the message and unsubscribes
        assertThat(poll.awaitDone().text()).as("the answer").isEqualTo("hello");
        assertThat(poll.closeCount()).isEqualTo(1);
        assertThat(topic.subscribers()).as("unsubscribed at close").isZero();
        publisher.join();
    }

    @Test
    void clientLeavingWhileThePollSleepsDropsItsSubscription() {
        MockExchange poll = MockContainer.of(app).get("/next").start();
        assertThat(poll.isSleeping()).isTrue();
        assertThat(topic.subscribers()).isEqualTo(1);

        poll.disconnect();

        assertThat(poll.closeCount()).as("the iterable closed once").isEqualTo(1);
        assertThat(topic.subscribers()).as("subscription dropped with the client").isZero();
    }
}
