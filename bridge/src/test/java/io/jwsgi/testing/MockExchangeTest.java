package io.jwsgi.testing;

import static io.jwsgi.testing.Apps.SLEEP;
import static io.jwsgi.testing.Apps.TEXT;
import static io.jwsgi.testing.Apps.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import io.jwsgi.testing.Apps.Body;
import io.jwsgi.testing.Apps.Script;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stepping a response with MockExchange: sleep and wake, backpressure, a client that leaves, the idle timeout. */
class MockExchangeTest {

    @Test
    void sleepingAppIsSeenAsleepAndResumedByWake() {
        Script app = new Script("a", SLEEP, "b");

        MockExchange exchange = MockContainer.of(app).get("/poll").start();

        assertThat(exchange.isSleeping()).as("the app slept after its first chunk").isTrue();
        assertThat(exchange.text()).as("the chunk before the sleep was sent").isEqualTo("a");
        exchange.wake();
        MockResponse response = exchange.awaitDone();
        assertThat(response.textChunks()).containsExactly("a", "b");
        assertThat(response.closeCount()).isEqualTo(1);
    }

    @Test
    void awaitDoneReturnsTheResponseOnlyOnceTheConnectionWasEnded() {
        // given: many short responses, each racing its last turn (the pump is done a moment before
        // the connection is completed) against the test thread waiting for the end
        MockContainer container = MockContainer.of(Apps.text("a"));

        for (int i = 0; i < 500; i++) {
            // when
            MockResponse response = container.get("/").send();

            // then
            assertThat(response.isEnded() && !response.isAborted()).as("round %d: completed, not cut: %s", i, response)
                    .isTrue();
        }
    }

    @Test
    void headersGoOutLazilyWithTheFirstNonEmptyChunk() {
        Script app = new Script("", SLEEP, "a");

        MockExchange exchange = MockContainer.of(app).get("/").start();

        assertThat(exchange.isSleeping()).isTrue();
        assertThat(exchange.response().status()).as("start was called, but nothing was sent yet").isZero();
        assertThat(exchange.wake().takeText()).isEqualTo("a");
        assertThat(exchange.response().statusLine()).isEqualTo("200 OK");
    }

    @Test
    void wakeFromAnotherThreadResumesOnTheMockThreadNeverOnTheWakers() throws Exception {
        // given an app asleep
        Script app = new Script(SLEEP, "woke");
        MockExchange exchange = MockContainer.of(app).get("/poll").start();
        assertThat(exchange.isSleeping()).isTrue();

        // when another thread wakes it
        Thread waker = new Thread(Apps.wake(app.environ), "waker");
        waker.start();
        waker.join(TimeUnit.SECONDS.toMillis(30));

        // then the app resumes, on the exchange's thread
        assertThat(exchange.takeText()).isEqualTo("woke");
        assertThat(app.threads).as("every step ran on the mock's thread")
                .containsOnly(exchange.containerThread())
                .doesNotContain(waker, Thread.currentThread());
        assertThat(exchange.awaitDone().closeCount()).isEqualTo(1);
    }

    @Test
    void wakeBeforeTheSleepIsKeptAndTheSleepDoesNotSuspend() {
        // given an app that is woken (by an event that came early) before it sleeps
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return new Body(2, i -> {
                if (i == 0) {
                    Apps.wake(environ).run();
                    Apps.sleep(environ).run();
                    return new byte[0];
                }
                return bytes("no wait");
            });
        };

        MockResponse response = MockContainer.of(app).get("/").send();

        assertThat(response.text()).isEqualTo("no wait");
    }

    @Test
    void clientNotReadyHoldsTheChunkAndTheAppIsNotPulledFurther() {
        // given a stream of three chunks and a client that takes nothing yet
        Body body = new Body(3, i -> bytes("c" + i));
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return body;
        };
        MockExchange exchange = MockContainer.of(app).get("/stream").clientTakes(0).start();

        assertThat(exchange.isAwaitingClient()).isTrue();
        assertThat(exchange.chunks()).as("nothing reached the client").isEmpty();
        assertThat(body.pulls).as("one chunk is held, no more is pulled").hasValue(1);

        // when the client takes one write
        exchange.clientTakes(1);

        // then exactly one chunk went out, and only the next one was pulled
        assertThat(exchange.response().textChunks()).containsExactly("c0");
        assertThat(exchange.isAwaitingClient()).isTrue();
        assertThat(body.pulls).hasValue(2);

        // when the client takes everything
        exchange.clientReady();

        assertThat(exchange.awaitDone().textChunks()).containsExactly("c0", "c1", "c2");
        assertThat(body.closes).hasValue(1);
    }

    @Test
    void takeChunkStepsAStreamOneChunkAtATime() {
        Body body = new Body(3, i -> bytes("c" + i));
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return body;
        };
        MockExchange exchange = MockContainer.of(app).get("/stream").clientTakes(1).start();

        assertThat(exchange.takeText()).isEqualTo("c0");
        assertThat(exchange.clientTakes(1).takeText()).isEqualTo("c1");
        assertThat(exchange.clientTakes(1).takeText()).isEqualTo("c2");
        assertThat(exchange.clientTakes(1).awaitDone().text()).isEqualTo("c0c1c2");
    }

    @Test
    void legacyWriteWaitsForASlowClientAndGoesOnWhenItIsReady() {
        // given an app writing two chunks with write(), and a client that takes one
        Application app = (environ, start) -> {
            Write write = start.start("200 OK", TEXT);
            write.write(bytes("w0"));
            write.write(bytes("w1"));
            return List.of();
        };
        MockExchange exchange = MockContainer.of(app).get("/").clientTakes(1).start();

        assertThat(exchange.isAwaitingClient()).as("the second write() blocks the app's thread").isTrue();
        assertThat(exchange.response().textChunks()).containsExactly("w0");

        exchange.clientReady();

        assertThat(exchange.awaitDone().textChunks()).containsExactly("w0", "w1");
    }

    @Test
    void disconnectWhileAsleepEndsTheResponseAndClosesOnce() {
        Script app = new Script(SLEEP, "never");
        MockExchange exchange = MockContainer.of(app).get("/poll").start();
        assertThat(exchange.isSleeping()).isTrue();

        exchange.disconnect();

        assertThat(exchange.isDone()).isTrue();
        assertThat(exchange.closeCount()).isEqualTo(1);
        assertThat(exchange.awaitDone().text()).isEmpty();
        assertThat(app.threads).as("the app was not resumed").hasSize(1);
    }

    @Test
    void silentDisconnectIsNoticedOnlyAtTheNextWrite() {
        Script app = new Script(SLEEP, "late", "never");
        MockExchange exchange = MockContainer.of(app).get("/poll").start();

        exchange.disconnectSilently();

        assertThat(exchange.isSleeping()).as("nothing is written, so nothing notices").isTrue();
        assertThat(exchange.closeCount()).isZero();

        exchange.wake();

        assertThat(exchange.isDone()).as("the write after the wake failed").isTrue();
        assertThat(exchange.closeCount()).isEqualTo(1);
        assertThat(exchange.awaitDone().chunks()).isEmpty();
    }

    @Test
    void silentDisconnectIsNoticedAtOnceWhenAWriteIsPending() {
        MockExchange exchange = MockContainer.of(Apps.text("a", "b")).get("/").clientTakes(0).start();
        assertThat(exchange.isAwaitingClient()).isTrue();

        exchange.disconnectSilently();

        assertThat(exchange.isDone()).isTrue();
        assertThat(exchange.closeCount()).isEqualTo(1);
    }

    @Test
    void timeoutBeforeTheHeadWentOutGives503AndClosesOnce() {
        Script app = new Script(SLEEP, "never");
        MockExchange exchange = MockContainer.of(app).get("/poll").start();

        MockResponse response = exchange.timeout().awaitDone();

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.text()).isEqualTo("503 Service Unavailable\n");
        assertThat(response.closeCount()).isEqualTo(1);
    }

    @Test
    void timeoutAfterTheHeadWentOutCutsTheConnectionAndClosesOnce() {
        Script app = new Script("partial", SLEEP, "never");
        MockExchange exchange = MockContainer.of(app).get("/poll").start();

        MockResponse response = exchange.timeout().awaitDone();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("partial");
        assertThat(response.isAborted()).as("the client can tell the body is incomplete").isTrue();
        assertThat(response.closeCount()).isEqualTo(1);
    }

    @Test
    void timeoutWhileTheClientIsNotReadyClosesAtOnceAndThe503WaitsForTheClient() {
        // given a stream whose first chunk waits for a client that reads nothing
        Body body = new Body(2, i -> bytes("c" + i));
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return body;
        };
        MockExchange exchange = MockContainer.of(app).get("/stream").clientTakes(0).start();

        // when the idle timeout fires
        exchange.timeout();

        // then the iterable is closed at once, and the 503 goes out when the client reads
        assertThat(exchange.closeCount()).isEqualTo(1);
        assertThat(exchange.isAwaitingClient()).isTrue();
        MockResponse response = exchange.clientReady().awaitDone();
        assertThat(response.status()).isEqualTo(503);
        assertThat(body.closes).hasValue(1);
    }

    @Test
    void disconnectWhileALegacyWriteWaitsEndsTheResponseAndClosesOnce() {
        Body body = new Body(0, i -> new byte[0]);
        Application app = (environ, start) -> {
            Write write = start.start("200 OK", TEXT);
            write.write(bytes("w0"));
            write.write(bytes("w1"));
            return body;
        };
        MockExchange exchange = MockContainer.of(app).withoutValidator().get("/").clientTakes(1).start();
        assertThat(exchange.isAwaitingClient()).isTrue();

        exchange.disconnect();

        assertThat(exchange.isDone()).isTrue();
        assertThat(exchange.response().textChunks()).containsExactly("w0");
    }

    @Test
    void engineIdleTimeoutEndsAResponseNobodyWakes() {
        Script app = new Script(SLEEP, "never");

        MockResponse response = MockContainer.of(app).idleTimeout(Duration.ofMillis(100))
                .deadline(Duration.ofSeconds(30)).get("/poll").send();

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.closeCount()).isEqualTo(1);
    }

    /** Sleeps and never arranges a wake. */
    static final class NeverWoken implements Application {
        final Body body = new Body(1, i -> new byte[0]);

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
            start.start("200 OK", TEXT);
            Apps.sleep(environ).run();
            return body;
        }
    }

    @Test
    void sendFailsNamingTheRequestWhenNothingWakesTheApp() {
        NeverWoken app = new NeverWoken();

        assertThatThrownBy(() -> MockContainer.of(app).deadline(Duration.ofMillis(200)).get("/poll?x=1").send())
                .isInstanceOfSatisfying(ValidationError.class,
                        e -> assertThat(e.rule()).isEqualTo(ValidationError.Rule.NEVER_WOKEN))
                .hasMessage("[NEVER_WOKEN] GET /poll?x=1 (io.jwsgi.testing.MockExchangeTest$NeverWoken): the response"
                        + " did not end within 200 ms: the application is asleep (async.sleep) and nothing woke it;"
                        + " 0 chunks (0 bytes) written so far. Arrange for async.wake to run when the awaited event"
                        + " comes, or step the response: start(), then wake()");
        assertThat(app.body.closes).as("the abandoned response was ended and its iterable closed").hasValue(1);
    }

    @Test
    void sendFailsWhenTheClientNeverReadsAndTheIterableIsStillClosed() {
        Body body = new Body(2, i -> bytes("c" + i));
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return body;
        };

        assertThatThrownBy(() -> MockContainer.of(app).deadline(Duration.ofMillis(200)).get("/stream").clientTakes(0).send())
                .isExactlyInstanceOf(AssertionError.class)
                .hasMessageStartingWith("GET /stream (")
                .hasMessageEndingWith("): the response did not end within 200 ms: the response waits for the client,"
                        + " which is not ready (see clientReady and clientTakes); 0 chunks (0 bytes) written so far");
        assertThat(body.closes).as("the abandoned response was ended and its iterable closed").hasValue(1);
    }

    @Test
    void blockedAppFailsTheTestWithWhereItIsBlocked() {
        CountDownLatch release = new CountDownLatch(1);
        Application app = (environ, start) -> {
            release.await(30, TimeUnit.SECONDS);
            start.start("200 OK", TEXT);
            return List.of();
        };
        MockExchange exchange = MockContainer.of(app).deadline(Duration.ofMillis(200)).get("/slow").start();
        try {
            assertThatThrownBy(exchange::isDone).isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("GET /slow (io.jwsgi.testing.MockExchangeTest$$Lambda")
                    .hasMessageContaining("the exchange did not settle within 200 ms: the application still runs on "
                            + exchange.containerThread().getName() + " (blocked in call, hasNext or next?), at")
                    .hasMessageContaining("CountDownLatch.await");
        } finally {
            release.countDown();
        }
        assertThat(exchange.awaitDone().status()).isEqualTo(200);
    }

    @Test
    void validatorFailureIsThrownToTheTestInsteadOfA500() {
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return Arrays.asList(bytes("a"), null);
        };

        assertThatThrownBy(() -> MockContainer.of(app).get("/").send())
                .isInstanceOf(ValidationError.class)
                .hasMessage("[NULL_CHUNK] the iterable yielded null; yield new byte[0] for an empty chunk");
        MockResponse unvalidated = MockContainer.of(app).withoutValidator().get("/").send();
        assertThat(unvalidated.isAborted()).as("without the validator: what a client would get").isTrue();
    }

    @Test
    void failureOfAValidatorTheAppBringsIsThrownToo() {
        Application app = Validator.wrap((environ, start) -> {
            start.start("200 OK", List.of(new io.jwsgi.Header("Connection", "close")));
            return List.of();
        });

        assertThatThrownBy(() -> MockContainer.of(app).withoutValidator().get("/").send())
                .isInstanceOf(ValidationError.class)
                .hasMessageStartingWith("[HOP_BY_HOP]");
    }

    @Test
    void validatorFailureIsThrownByTheSteppingMethods() {
        Script app = new Script(SLEEP, SLEEP);
        Application twice = (environ, start) -> {
            Iterable<byte[]> body = app.call(environ, start);
            Apps.sleep(environ).run();
            Apps.sleep(environ).run();
            return body;
        };

        MockExchange exchange = MockContainer.of(twice).get("/").start();

        assertThatThrownBy(exchange::isSleeping).isInstanceOf(ValidationError.class)
                .hasMessageStartingWith("[SLEEP_TWICE]");
    }

    @Test
    void closingTheExchangeEndsASleepingResponse() {
        Script app = new Script(SLEEP, "never");

        try (MockExchange exchange = MockContainer.of(app).get("/poll").start()) {
            assertThat(exchange.isSleeping()).isTrue();
        }

        assertThat(app.closes()).isEqualTo(1);
    }
}
