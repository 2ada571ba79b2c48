package io.jwsgi.server;

import static io.jwsgi.server.TestApps.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link Engine#shutdown} on the engine's own threads: what is left when it returns. */
class EngineShutdownTest {

    @Test // #7
    void shutdownReturnsOnlyOnceTheEnginesThreadsHaveEnded() throws Exception {
        // given an engine whose pool and timer threads have started: a response asleep, with an idle timeout
        Engine engine = Engine.builder().name("shutdown-threads").poolSize(2).idleTimeoutMillis(60_000).build();
        CountDownLatch asleep = new CountDownLatch(1);
        Pump pump = open(engine, sleeper(asleep, new AtomicInteger()), "GET /asleep");
        pump.onWritePossible();
        assertThat(asleep.await(10, TimeUnit.SECONDS)).as("asleep").isTrue();

        // when the engine shuts down
        engine.shutdown(Duration.ofSeconds(5));

        // then none of its threads is alive any more: a container looks for them right after destroy()
        assertThat(threadsNamed("shutdown-threads-")).as("engine threads alive after shutdown").isEmpty();
    }

    @Test // #7
    void aResponseWhoseEndingWasQueuedBehindAStuckApplicationIsStillClosedAtShutdown() throws Exception {
        // given one pool thread, held by an application that ignores interrupts, and a response asleep
        Engine engine = Engine.builder().name("shutdown-queued").poolSize(1).build();
        CountDownLatch asleep = new CountDownLatch(1);
        AtomicInteger sleeperCloses = new AtomicInteger();
        Pump sleeping = open(engine, sleeper(asleep, sleeperCloses), "GET /asleep");
        sleeping.onWritePossible();
        assertThat(asleep.await(10, TimeUnit.SECONDS)).as("asleep").isTrue();
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Pump stuckPump = open(engine, (env, start) -> {
            start.start("200 OK", TEXT);
            stuck.countDown();
            awaitIgnoringInterrupts(release);
            return List.of();
        }, "GET /stuck");
        stuckPump.onWritePossible();
        assertThat(stuck.await(10, TimeUnit.SECONDS)).as("the pool's only thread is stuck").isTrue();

        // when the engine shuts down with a short grace: the sleeper's ending turn waits behind the stuck one
        engine.shutdown(Duration.ofMillis(200));
        release.countDown();

        // then the sleeper was ended and closed all the same
        assertThat(sleeping.isDone()).as("the sleeping response ended").isTrue();
        assertThat(sleeperCloses.get()).as("its close() calls").isEqualTo(1);
    }

    private static Pump open(Engine engine, Application app, String name) {
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        return engine.open(app, environ, new RecordingChannel(), name);
    }

    /** Sleeps at its first chunk and is never woken; counts its closes. */
    private static Application sleeper(CountDownLatch asleep, AtomicInteger closes) {
        return (env, start) -> {
            start.start("200 OK", TEXT);
            Runnable sleep = (Runnable) env.get(Environ.ASYNC_SLEEP);
            return new ClosingBody(closes, () -> {
                sleep.run();
                asleep.countDown();
                return new byte[0];
            });
        };
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // The scenario: an application that does not stop when interrupted.
            }
        }
    }

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .map(Thread::getName).collect(Collectors.toList());
    }

    /** One chunk from {@code first}, then endless empty chunks (the response never ends on its own). */
    private static final class ClosingBody implements Iterable<byte[]>, AutoCloseable {
        private final AtomicInteger closes;
        private final java.util.function.Supplier<byte[]> first;

        ClosingBody(AtomicInteger closes, java.util.function.Supplier<byte[]> first) {
            this.closes = closes;
            this.first = first;
        }

        @Override
        public Iterator<byte[]> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public byte[] next() {
                    return first.get();
                }
            };
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
