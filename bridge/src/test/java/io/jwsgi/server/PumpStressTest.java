package io.jwsgi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many responses sleeping and waking from foreign threads at random moments (before the sleep,
 * right after it, several times), on a real thread pool, against a channel that is randomly not
 * ready and calls back from yet another thread: no wake is lost, no response runs on two threads
 * at once, every exchange ends once and every iterable is closed once.
 */
class PumpStressTest {

    private static final int RESPONSES = 200;
    private static final int STEPS = 40;

    @Test
    void interleavedSleepsWakesAndBackpressureLoseNothing() throws Exception {
        ExecutorService wakers = Executors.newFixedThreadPool(4);
        ExecutorService container = Executors.newFixedThreadPool(2);
        Engine engine = Engine.builder().name("stress").poolSize(8).build();
        CountDownLatch ended = new CountDownLatch(RESPONSES);
        AtomicInteger overlaps = new AtomicInteger();
        List<Flaky> channels = new ArrayList<>();
        List<Steps> bodies = new ArrayList<>();
        try {
            for (int r = 0; r < RESPONSES; r++) {
                Flaky channel = new Flaky(container, ended);
                Steps body = new Steps(wakers, overlaps);
                channels.add(channel);
                bodies.add(body);
                Map<String, Object> environ = new HashMap<>(Map.of(Environ.REQUEST_METHOD, "GET"));
                Application app = (env, start) -> {
                    body.environ = env;
                    start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
                    return body;
                };
                channel.pump = engine.open(app, environ, channel, "GET /stress/" + r);
                channel.pump.onWritePossible();
            }

            assertThat(ended.await(60, TimeUnit.SECONDS)).as("every response ended (no lost wake)").isTrue();
            String expected = expectedBody();
            for (int r = 0; r < RESPONSES; r++) {
                assertThat(channels.get(r).text()).as("body of response %d", r).isEqualTo(expected);
                assertThat(channels.get(r).endings).as("endings of response %d", r).hasValue(1);
                assertThat(bodies.get(r).closes).as("closes of response %d", r).hasValue(1);
            }
            assertThat(overlaps).as("the application never ran on two threads at once").hasValue(0);
            assertThat(engine.inFlight()).isZero();
        } finally {
            engine.shutdown(Duration.ofSeconds(1));
            wakers.shutdownNow();
            container.shutdownNow();
        }
    }

    private static String expectedBody() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < STEPS; i++) {
            b.append(i).append(',');
        }
        return b.toString();
    }

    /** Each odd step sleeps and arranges a wake at a random moment, from a random foreign thread. */
    static final class Steps implements Iterable<byte[]>, AutoCloseable, Iterator<byte[]> {
        final AtomicInteger closes = new AtomicInteger();
        private final ExecutorService wakers;
        private final AtomicInteger overlaps;
        private final AtomicInteger inside = new AtomicInteger();
        volatile Map<String, Object> environ;
        private int step;

        Steps(ExecutorService wakers, AtomicInteger overlaps) {
            this.wakers = wakers;
            this.overlaps = overlaps;
        }

        @Override
        public Iterator<byte[]> iterator() {
            return this;
        }

        @Override
        public boolean hasNext() {
            return step < 2 * STEPS;
        }

        @Override
        public byte[] next() {
            if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            try {
                int s = step++;
                if (s % 2 == 0) {
                    return (s / 2 + ",").getBytes(StandardCharsets.UTF_8);
                }
                Runnable wake = (Runnable) environ.get(Environ.ASYNC_WAKE);
                Runnable sleep = (Runnable) environ.get(Environ.ASYNC_SLEEP);
                switch (ThreadLocalRandom.current().nextInt(4)) {
                    case 0 -> {
                        wake.run();
                        sleep.run();
                    }
                    case 1 -> {
                        sleep.run();
                        wakers.execute(wake);
                    }
                    case 2 -> {
                        sleep.run();
                        wakers.execute(wake);
                        wakers.execute(wake);
                    }
                    default -> {
                        wakers.execute(wake);
                        sleep.run();
                    }
                }
                return new byte[0];
            } finally {
                inside.decrementAndGet();
            }
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /** A channel that is not ready one time in three and then calls back from a container thread. */
    static final class Flaky implements Channel {
        final AtomicInteger endings = new AtomicInteger();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final ExecutorService container;
        private final CountDownLatch ended;
        volatile Pump pump;

        Flaky(ExecutorService container, CountDownLatch ended) {
            this.container = container;
            this.ended = ended;
        }

        @Override
        public boolean isReady() {
            if (ThreadLocalRandom.current().nextInt(3) == 0) {
                container.execute(() -> pump.onWritePossible());
                return false;
            }
            return true;
        }

        @Override
        public void head(int code, String status, List<Header> headers) {
        }

        @Override
        public synchronized void write(byte[] chunk) {
            body.writeBytes(chunk);
        }

        @Override
        public void flush() {
        }

        @Override
        public void complete() {
            endings.incrementAndGet();
            ended.countDown();
        }

        @Override
        public void abort(Throwable cause) {
            endings.incrementAndGet();
            ended.countDown();
        }

        synchronized String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }
}
