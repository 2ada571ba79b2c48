package io.jwsgi.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.fixture.Harness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AsyncBodyTest {

    private static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain"));
    private final Harness server = new Harness();
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

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void offeredChunksGoOutOneByOneAndEndEndsTheResponse() {
        // given: nothing queued, the response sleeps
        Harness.Exchange response = server.get(app, "/feed");
        assertThat(response.done()).isFalse();
        assertThat(server.pending()).as("asleep, no turn queued").isZero();

        // when
        assertThat(body.get().offer(bytes("one"))).isTrue();
        server.run();

        // then
        assertThat(response.chunkTexts()).containsExactly("one");
        assertThat(response.done()).isFalse();

        // when: two chunks, then the end
        body.get().offer(bytes("two"));
        body.get().offer(bytes("three"));
        body.get().end();
        server.run();

        // then
        assertThat(response.chunkTexts()).containsExactly("one", "two", "three");
        assertThat(response.completed()).isTrue();
        assertThat(closeCallbacks).as("the server's close runs the callback once").hasValue(1);
        assertThat(body.get().offer(bytes("late"))).as("no offer after the end").isFalse();
    }

    @Test
    void clientGoneWhileSleepingRunsTheCloseCallbackOnceAndRefusesOffers() {
        Harness.Exchange response = server.get(app, "/feed");
        body.get().offer(bytes("x"));
        server.run();

        // when
        response.clientGone();
        server.run();

        // then
        assertThat(response.done()).isTrue();
        assertThat(closeCallbacks).hasValue(1);
        assertThat(body.get().isClosed()).isTrue();
        assertThat(body.get().offer(bytes("y"))).isFalse();
    }

    @Test
    void applicationClosingTheBodyEndsTheResponseAndDropsQueuedChunks() {
        Harness.Exchange response = server.get(app, "/feed");

        body.get().offer(bytes("dropped"));
        body.get().close();
        server.run();

        assertThat(response.completed()).isTrue();
        assertThat(response.body()).isEmpty();
        assertThat(closeCallbacks).as("once, though both the app and the server closed it").hasValue(1);
    }

    @Test
    void failBeforeAnyBodyGives500AndAfterBodyCutsTheConnection() {
        Harness.Exchange early = server.get(app, "/a");
        body.get().fail(new IllegalStateException("upstream down"));
        server.run();
        assertThat(early.status()).isEqualTo(500);

        Harness.Exchange late = server.get(app, "/b");
        body.get().offer(bytes("partial"));
        body.get().fail(new java.io.IOException("upstream down"));
        server.run();
        assertThat(late.text()).isEqualTo("partial");
        assertThat(late.aborted()).as("the client can tell the body is incomplete").isTrue();
    }

    @Test
    void capacityBoundsTheQueue() {
        Map<String, Object> env = Harness.environ("GET", "/");
        env.put("async.sleep", (Runnable) () -> { });
        env.put("async.wake", (Runnable) () -> { });
        AsyncBody bounded = AsyncBody.of(env, 2);

        assertThat(bounded.offer(bytes("1"))).isTrue();
        assertThat(bounded.offer(bytes("2"))).isTrue();
        assertThat(bounded.offer(bytes("3"))).as("full").isFalse();
        assertThat(bounded.queued()).isEqualTo(2);
    }

    @Test
    void onCloseAfterCloseRunsAtOnce() {
        Map<String, Object> env = Harness.environ("GET", "/");
        env.put("async.sleep", (Runnable) () -> { });
        env.put("async.wake", (Runnable) () -> { });
        AsyncBody b = AsyncBody.of(env);
        b.close();
        AtomicInteger ran = new AtomicInteger();

        b.onClose(ran::incrementAndGet);

        assertThat(ran).hasValue(1);
    }

    @Test
    void environWithoutTheAsyncExtensionIsNamed() {
        assertThatThrownBy(() -> AsyncBody.of(Harness.environ("GET", "/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("async.sleep")
                .hasMessageContaining("got nothing");
    }

    @Test
    void producersOnOtherThreadsLoseNoChunkAndKeepTheirOrder() throws Exception {
        // given: 4 producer threads offering 250 chunks each while the response runs on this thread
        Harness.Exchange response = server.get(app, "/feed");
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
        server.runUntil(() -> finished.getCount() == 0 && response.chunks().size() == producers * each);
        body.get().end();
        server.run();

        // then
        assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(response.completed()).isTrue();
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
