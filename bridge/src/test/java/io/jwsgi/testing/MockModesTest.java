package io.jwsgi.testing;

import static io.jwsgi.testing.Apps.TEXT;
import static io.jwsgi.testing.Apps.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.servlet.NonBlocking;
import io.jwsgi.testing.Apps.Body;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The client slow at the flush, and the servlet's non-blocking=true mode, on the mock. */
class MockModesTest {

    private final AtomicReference<Body> body = new AtomicReference<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();

    /** Three chunks, each noting the thread that pulled it. */
    private final Application three = (environ, start) -> {
        start.start("200 OK", TEXT);
        body.set(new Body(3, i -> {
            threads.add(Thread.currentThread().getName());
            return bytes("c" + i);
        }));
        return body.get();
    };

    @Test // #17
    void aClientSlowAtTheFlushHoldsTheNextPullUntilItTakesTheFlush() {
        // given a client that accepts writes but is slow at each flush
        MockExchange exchange = MockContainer.of(three).get("/").slowFlush().start();

        // then the first chunk was written, its flush waits, and the next chunk is not pulled
        assertThat(exchange.isAwaitingClient()).as("the flush found the output not ready").isTrue();
        assertThat(exchange.response().textChunks()).containsExactly("c0");
        assertThat(body.get().pulls).as("no delay rule: nothing pulled before the flush").hasValue(1);

        // when the client takes one flush at a time
        List<Integer> pulls = new ArrayList<>();
        while (exchange.isAwaitingClient()) {
            exchange.clientTakes(1);
            pulls.add(body.get().pulls.get());
        }

        // then each flush let exactly one more chunk out, and the response ended whole
        assertThat(pulls).containsExactly(2, 3, 3);
        MockResponse response = exchange.awaitDone();
        assertThat(response.textChunks()).containsExactly("c0", "c1", "c2");
        assertThat(response.isAborted()).isFalse();
        assertThat(response.closeCount()).isEqualTo(1);
    }

    @Test // #17
    void aClientSlowAtTheFlushThatLeavesEndsTheResponse() {
        MockExchange exchange = MockContainer.of(three).get("/").slowFlush().start();
        assertThat(exchange.isAwaitingClient()).isTrue();

        exchange.disconnectSilently();

        assertThat(exchange.isDone()).as("the pending flush failed at once").isTrue();
        assertThat(body.get().closes).hasValue(1);
    }

    @Test // #17
    void slowFlushWithClientReadyTakesEverything() {
        MockResponse response = MockContainer.of(three).get("/").slowFlush().clientTakes(1).start().clientReady()
                .awaitDone();

        assertThat(response.textChunks()).containsExactly("c0", "c1", "c2");
    }

    @Test // #17
    void nonBlockingRunsTheContainersTurnsOnItsThreadAndTheBodyArrivesWhole() {
        // when
        MockExchange exchange = MockContainer.of(three).nonBlocking().get("/").clientTakes(1).start();
        assertThat(exchange.isAwaitingClient()).isTrue();
        exchange.clientReady();
        MockResponse response = exchange.awaitDone();

        // then
        assertThat(response.textChunks()).containsExactly("c0", "c1", "c2");
        assertThat(threads).as("every pull on the container's thread").containsOnly(exchange.containerThread().getName());
        assertThat(response.closeCount()).isEqualTo(1);
    }

    @Test // #17
    void nonBlockingRefusesWriteAsTheServletDoes() {
        // given an app that uses the legacy write
        Application writer = (environ, start) -> {
            start.start("200 OK", TEXT).write(bytes("written"));
            return List.of();
        };

        // when
        MockResponse response = MockContainer.of(writer).nonBlocking().get("/").send();

        // then the client gets a 500 and the test the servlet's reason
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.applicationError()).get().isInstanceOf(IllegalStateException.class)
                .extracting(Throwable::getMessage).isEqualTo(NonBlocking.WRITE_REFUSED);
    }

    @Test // #17
    void nonBlockingStillSleepsAndWakes() {
        Apps.Script app = new Apps.Script("a", Apps.SLEEP, "b");

        MockExchange exchange = MockContainer.of(app).nonBlocking().get("/").start();

        assertThat(exchange.isSleeping()).isTrue();
        assertThat(exchange.wake().awaitDone().textChunks()).containsExactly("a", "b");
    }

    @Test // #15
    void nonBlockingPullsTheNextChunkBeforeTheFlush() {
        // given a client that takes writes at once but is slow at the flush
        MockExchange exchange = MockContainer.of(three).nonBlocking().get("/").slowFlush().start();

        // then the first chunk, which carries the head, waits for its own flush
        assertThat(exchange.isAwaitingClient()).isTrue();
        assertThat(body.get().pulls).hasValue(1);

        // when the client takes that flush
        exchange.clientTakes(1);

        // then the next two chunks were pulled without a flush between them
        assertThat(body.get().pulls).as("pulled before the next flush (2 by default)").hasValue(3);
        assertThat(exchange.isAwaitingClient()).isTrue();
        assertThat(exchange.clientReady().awaitDone().textChunks()).containsExactly("c0", "c1", "c2");
    }

    @Test // #15
    void nonBlockingFlushesWhatItWroteBeforeTheApplicationSleeps() {
        // given a client slow at the flush, and an application that writes twice, sleeps, then writes again
        Apps.Script app = new Apps.Script("a", "b", Apps.SLEEP, "c");
        MockExchange exchange = MockContainer.of(app).nonBlocking().get("/").slowFlush().start();

        // when the client takes the first chunk's flush (the one that commits the head)
        exchange.clientTakes(1);

        // then the response waits for the flush of "b" before it sleeps: "b" does not wait for the wake
        assertThat(exchange.isAwaitingClient()).as("the flush before the sleep waits for the client").isTrue();
        assertThat(exchange.isSleeping()).isFalse();

        // when the client takes it
        exchange.clientTakes(1);

        // then the application sleeps, and a wake brings the rest
        assertThat(exchange.isSleeping()).isTrue();
        assertThat(exchange.wake().clientReady().awaitDone().textChunks()).containsExactly("a", "b", "c");
    }
}
