package io.jwsgi.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.Environ;
import io.jwsgi.testing.EnvironBuilder;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AsyncBodyTest {

    private static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain"));
    private final AtomicReference<AsyncBody> body = new AtomicReference<>();
    private final AtomicInteger closeCallbacks = new AtomicInteger();

    /** An app that returns an AsyncBody the test feeds. */
    private final Application app = (environ, startResponse) -> {
        AsyncBody b = AsyncBody.of(environ);
        b.onClose(closeCallbacks::incrementAndGet);
        body.set(b);
        startResponse.start("200 OK", TEXT);
        return b;
    };

    private MockExchange start(String target) {
        MockExchange exchange = MockContainer.of(app).deadline(Duration.ofSeconds(20)).get(target).start();
        assertThat(exchange.isSleeping()).as("nothing queued, the response sleeps").isTrue();
        return exchange;
    }

    private static Map<String, Object> environWithInertSleepAndWake() {
        return EnvironBuilder.of("GET", "/").set(Environ.ASYNC_SLEEP, (Runnable) () -> { })
                .set(Environ.ASYNC_WAKE, (Runnable) () -> { }).build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void offeredChunksGoOutOneByOneAndEndEndsTheResponse() {
        // given: nothing queued, the response sleeps
        MockExchange exchange = start("/feed");

        // when
        assertThat(body.get().offer(bytes("one"))).isTrue();

        // then
        assertThat(exchange.response().textChunks()).containsExactly("one");
        assertThat(exchange.isSleeping()).as("asleep again, waiting for the next offer").isTrue();

        // when: two chunks, then the end
        body.get().offer(bytes("two"));
        body.get().offer(bytes("three"));
        body.get().end();

        // then
        MockResponse response = exchange.awaitDone();
        assertThat(response.textChunks()).containsExactly("one", "two", "three");
        assertThat(response.isAborted()).as("completed, not cut").isFalse();
        assertThat(closeCallbacks).as("the server's close runs the callback once").hasValue(1);
        assertThat(body.get().offer(bytes("late"))).as("no offer after the end").isFalse();
    }

    @Test
    void clientGoneWhileSleepingRunsTheCloseCallbackOnceAndRefusesOffers() {
        MockExchange exchange = start("/feed");
        body.get().offer(bytes("x"));
        assertThat(exchange.takeText()).isEqualTo("x");

        // when
        exchange.disconnect();

        // then
        assertThat(exchange.isDone()).isTrue();
        assertThat(closeCallbacks).hasValue(1);
        assertThat(body.get().isClosed()).isTrue();
        assertThat(body.get().offer(bytes("y"))).isFalse();
    }

    @Test
    void applicationClosingTheBodyWhileAsleepEndsTheResponse() {
        MockExchange exchange = start("/feed");

        body.get().close();

        MockResponse response = exchange.awaitDone();
        assertThat(response.isAborted()).as("completed, not cut").isFalse();
        assertThat(response.body()).isEmpty();
        assertThat(closeCallbacks).as("once, though both the app and the server closed it").hasValue(1);
    }

    @Test
    void closingTheBodyDropsChunksTheServerHasNotTaken() {
        // given: an app that queues a chunk and closes its body before the server takes anything
        // (offering to a running response instead would race the server's turn for the chunk)
        Application closesEarly = (environ, startResponse) -> {
            AsyncBody b = AsyncBody.of(environ);
            b.onClose(closeCallbacks::incrementAndGet);
            startResponse.start("200 OK", TEXT);
            b.offer(bytes("dropped"));
            b.close();
            return b;
        };

        MockResponse response = MockContainer.of(closesEarly).get("/feed").send();

        assertThat(response.isAborted()).as("completed, not cut").isFalse();
        assertThat(response.body()).as("the queued chunk was dropped").isEmpty();
        assertThat(closeCallbacks).as("once, though both the app and the server closed it").hasValue(1);
    }

    @Test
    void failBeforeAnyBodyGives500AndAfterBodyCutsTheConnection() {
        MockExchange early = start("/a");
        body.get().fail(new IllegalStateException("upstream down"));
        assertThat(early.awaitDone().status()).isEqualTo(500);

        MockExchange late = start("/b");
        body.get().offer(bytes("partial"));
        body.get().fail(new java.io.IOException("upstream down"));
        MockResponse cut = late.awaitDone();
        assertThat(cut.text()).isEqualTo("partial");
        assertThat(cut.isAborted()).as("the client can tell the body is incomplete").isTrue();
    }

    @Test
    void capacityBoundsTheQueue() {
        AsyncBody bounded = AsyncBody.of(environWithInertSleepAndWake(), 2);

        assertThat(bounded.offer(bytes("1"))).isTrue();
        assertThat(bounded.offer(bytes("2"))).isTrue();
        assertThat(bounded.offer(bytes("3"))).as("full").isFalse();
        assertThat(bounded.queued()).isEqualTo(2);
    }

    @Test
    void onCloseAfterCloseRunsAtOnce() {
        AsyncBody b = AsyncBody.of(environWithInertSleepAndWake());
        b.close();
        AtomicInteger ran = new AtomicInteger();

        b.onClose(ran::incrementAndGet);

        assertThat(ran).hasValue(1);
    }

    @Test
    void environWithoutTheAsyncExtensionIsNamed() {
        assertThatThrownBy(() -> AsyncBody.of(EnvironBuilder.of("GET", "/")
                .remove(Environ.ASYNC_SLEEP).remove(Environ.ASYNC_WAKE).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("async.sleep")
                .hasMessageContaining("got nothing");
    }

    @Test
    void producersOnOtherThreadsLoseNoChunkAndKeepTheirOrder() throws Exception {
        // given: 4 producer threads offering 250 chunks each while the response runs on the container's thread
        MockExchange exchange = start("/feed");
        int producers = 4;
        int each = 250;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(producers);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        body.get().offer(bytes(id + ":" + i + ";"));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    finished.countDown();
                }
            });
            t.start();
            threads.add(t);
        }

        // when
        start.countDown();
        for (int i = 0; i < producers * each; i++) {
            exchange.takeChunk();
        }
        assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
        body.get().end();

        // then
        MockResponse response = exchange.awaitDone();
        assertThat(response.isAborted()).as("completed, not cut").isFalse();
        String[] received = response.text().split(";");
        assertThat(received).hasSize(producers * each);
        for (int p = 0; p < producers; p++) {
            String prefix = p + ":";
            List<String> mine = java.util.Arrays.stream(received).filter(s -> s.startsWith(prefix)).toList();
            List<String> expected = java.util.stream.IntStream.range(0, each).mapToObj(i -> prefix + i).toList();
            assertThat(mine).as("producer %d's chunks, each once, in order", p).isEqualTo(expected);
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
