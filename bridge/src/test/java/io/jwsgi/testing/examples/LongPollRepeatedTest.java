package io.jwsgi.testing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import org.junit.jupiter.api.RepeatedTest;

/** The long-poll example of docs/testing.md, fifty times over: stepping sleep and wake is not flaky. */
class LongPollRepeatedTest {

    @RepeatedTest(50)
    void documentedLongPollTestPassesEveryTime() throws InterruptedException {
        new LongPollAppTest().pollSleepsUntilAMessageIsOfferedFromAnotherThread();
    }

    @RepeatedTest(50)
    void messageRacingThePollIntoSleepIsNeverLost() throws InterruptedException {
        // given a message offered while the poll may be anywhere between its start and its sleep
        LongPollApp app = new LongPollApp();
        MockExchange poll = MockContainer.of(app).get("/poll").start();
        Thread sender = new Thread(() -> app.offer("raced"));
        sender.start();

        // then the poll answers with it, whichever came first
        assertThat(poll.awaitDone().text()).isEqualTo("raced");
        sender.join();
    }
}
