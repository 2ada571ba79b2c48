package io.jwsgi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * On the engine's own platform pool a long, fast stream hands its thread over only when another
 * response waits for one: alone, it keeps its thread (a hand-off per turn would cost a context
 * switch for nothing); with a turn queued behind it, it still lets that turn run after a bounded
 * number of chunks.
 */
class EngineYieldTest {

    private static final int CHUNKS = 500;
    private Engine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void aStreamAloneKeepsItsThreadFromFirstChunkToLast() {
        // given a pool with threads to spare: a yield would move the stream to a new thread
        engine = Engine.builder().name("alone").poolSize(4).build();
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingChannel channel = new RecordingChannel();

        // when a stream of many chunks runs with the output always ready
        open(stream(i -> threads.add(Thread.currentThread().getName())), channel, "GET /alone").onWritePossible();

        // then every chunk was produced on one thread, and all went out
        assertThat(ended(channel)).as("the stream ended").isTrue();
        assertThat(channel.chunks).hasSize(CHUNKS);
        assertThat(threads).hasSize(CHUNKS).containsOnly(threads.get(0));
    }

    @Test
    void aStreamLetsAResponseWaitingForItsThreadRunWithinOneBudget() {
        // given a pool of one thread, busy with a long stream
        engine = Engine.builder().name("one").poolSize(1).build();
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingChannel waitingChannel = new RecordingChannel();
        Pump waiting = open((env, start) -> {
            order.add("waiting response");
            start.start("200 OK", TestApps.TEXT);
            return List.of(TestApps.bytes("w"));
        }, waitingChannel, "GET /waiting");
        IntConsumer producing = i -> {
            order.add("chunk " + i);
            if (i == 10) {
                // when another response asks for the only thread, mid-stream
                waiting.onWritePossible();
            }
        };
        RecordingChannel streamChannel = new RecordingChannel();
        open(stream(producing), streamChannel, "GET /stream").onWritePossible();

        // then it ran after at most one more turn of the stream, long before the stream's end
        assertThat(ended(streamChannel)).as("the stream ended").isTrue();
        int ranAt = order.indexOf("waiting response");
        assertThat(ranAt).as("the waiting response ran, in %s", order).isPositive();
        assertThat(order.subList(0, ranAt)).as("chunks produced before it").hasSizeLessThan(10 + 64);
        assertThat(waitingChannel.text()).isEqualTo("w");
    }

    private Pump open(Application app, RecordingChannel channel, String name) {
        return engine.open(app, new HashMap<>(Map.of(Environ.REQUEST_METHOD, "GET")), channel, name);
    }

    /** {@value #CHUNKS} one-byte chunks; {@code each} sees the index of each as it is produced. */
    private static Application stream(IntConsumer each) {
        return new TestApps.Fixed(new TestApps.Body(CHUNKS, i -> {
            each.accept(i);
            return TestApps.bytes("x");
        }), TestApps.TEXT);
    }

    /** Waits, up to a deadline, until the exchange on {@code channel} was completed or aborted. */
    private static boolean ended(RecordingChannel channel) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (channel.endings() == 0 && System.nanoTime() < deadline) {
            Thread.yield();
        }
        return channel.endings() > 0;
    }
}
