package io.jwsgi.testing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import org.junit.jupiter.api.Test;

class LongPollAppTest {

    private final LongPollApp app = new LongPollApp();

    @Test
    void pollSleepsUntilAMessageIsOfferedFromAnotherThread() throws InterruptedException {
        // given a poll waiting for a message
        MockExchange poll = MockContainer.of(app).get("/poll").start();
        assertThat(poll.isSleeping()).isTrue();

        // when another thread offers one
        Thread sender = new Thread(() -> app.offer("hello"));
        sender.start();

        // then the poll wakes up and answers with it
        assertThat(poll.awaitDone().text()).isEqualTo("hello");
        assertThat(app.waitingPolls()).isZero();
        sender.join();
    }

    @Test
    void messageOfferedBeforeThePollIsAnsweredAtOnce() {
        app.offer("early");

        assertThat(MockContainer.of(app).get("/poll").send().text()).isEqualTo("early");
    }

    @Test
    void clientLeavingWhileThePollSleepsReleasesIt() {
        MockExchange poll = MockContainer.of(app).get("/poll").start();
        assertThat(poll.isSleeping()).isTrue();

        poll.disconnect();

        assertThat(poll.closeCount()).isEqualTo(1);
        assertThat(app.waitingPolls()).isZero();
    }
}
