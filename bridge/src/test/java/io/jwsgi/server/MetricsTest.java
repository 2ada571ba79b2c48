package io.jwsgi.server;

import static io.jwsgi.server.TestApps.TEXT;
import static io.jwsgi.server.TestApps.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.server.TestApps.Body;
import io.jwsgi.server.TestApps.Fixed;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics of an engine, driven through the pump with turns queued and run by the test: each
 * way a response ends lands in its own counter, once; gauges follow the pumps' states.
 */
class MetricsTest {

    private final Deque<Runnable> turns = new ArrayDeque<>();
    private final Engine engine = Engine.builder().executor(turns::add).build();
    private final Metrics metrics = engine.metrics();

    @AfterEach
    void stop() {
        engine.shutdown(Duration.ZERO);
    }

    private Pump open(Application app, RecordingChannel channel) {
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        return engine.open(app, environ, channel, "GET /metrics");
    }

    private void runTurns() {
        for (Runnable turn; (turn = turns.poll()) != null; ) {
            turn.run();
        }
    }

    private List<Long> endings() {
        return List.of(metrics.completed(), metrics.failed(), metrics.clientGone(), metrics.timedOut(), metrics.shutDown());
    }

    @Test
    void aCompletedResponseCountsItsBodyBytes() {
        Pump pump = open(new Fixed(new Body(2, i -> bytes("chunk" + i)), TEXT), new RecordingChannel());

        pump.onWritePossible();
        runTurns();

        assertThat(endings()).as("completed, failed, client gone, timed out, shut down").containsExactly(1L, 0L, 0L, 0L, 0L);
        assertThat(metrics.bytesWritten()).isEqualTo(12);
    }

    @Test
    void anApplicationErrorBeforeTheHeadCountsAsFailedNotAsTheCompleted500Page() {
        RecordingChannel channel = new RecordingChannel();
        Pump pump = open(new Fixed(new Body(1, i -> {
            throw new IllegalStateException("boom");
        }), TEXT), channel);

        pump.onWritePossible();
        runTurns();

        assertThat(channel.code).isEqualTo(500);
        assertThat(channel.completions).isEqualTo(1);
        assertThat(endings()).containsExactly(0L, 1L, 0L, 0L, 0L);
    }

    @Test
    void anApplicationErrorAfterTheHeadCountsAsFailed() {
        RecordingChannel channel = new RecordingChannel();
        Pump pump = open(new Fixed(new Body(2, i -> {
            if (i == 1) {
                throw new IllegalStateException("boom");
            }
            return bytes("x");
        }), TEXT), channel);

        pump.onWritePossible();
        runTurns();

        assertThat(channel.aborts).isEqualTo(1);
        assertThat(endings()).containsExactly(0L, 1L, 0L, 0L, 0L);
        assertThat(metrics.bytesWritten()).isEqualTo(1);
    }

    @Test
    void aClientGoneAtAWriteCountsAsClientGone() {
        RecordingChannel channel = new RecordingChannel();
        channel.failWrites = new IOException("broken pipe");
        Pump pump = open(new Fixed(new Body(1, i -> bytes("x")), TEXT), channel);

        pump.onWritePossible();
        runTurns();

        assertThat(endings()).containsExactly(0L, 0L, 1L, 0L, 0L);
        assertThat(metrics.bytesWritten()).as("nothing reached the client").isZero();
    }

    @Test
    void aSleeperEndedByTheIdleTimeoutCountsAsTimedOutNotAsTheCompleted503Page() {
        RecordingChannel channel = new RecordingChannel();
        Pump pump = open(sleeper(), channel);
        pump.onWritePossible();
        runTurns();

        // What the idle timer does when a response makes no progress.
        pump.end(new ResponseEnded("no progress for 10 ms (async-timeout 10 ms)"));
        runTurns();

        assertThat(channel.code).isEqualTo(503);
        assertThat(endings()).containsExactly(0L, 0L, 0L, 1L, 0L);
    }

    @Test
    void aTimedOut503PageWhoseClientIsGoneStillCountsOnceAsTimedOut() {
        RecordingChannel channel = new RecordingChannel();
        Pump pump = open(sleeper(), channel);
        pump.onWritePossible();
        runTurns();
        channel.failWrites = new IOException("reset by peer");

        pump.end(new ResponseEnded("no progress"));
        runTurns();

        assertThat(endings()).containsExactly(0L, 0L, 0L, 1L, 0L);
    }

    @Test
    void theRealIdleTimerCountsAsTimedOut() {
        Engine timing = Engine.builder().executor(Runnable::run).idleTimeoutMillis(20).build();
        try {
            Map<String, Object> environ = new HashMap<>();
            environ.put(Environ.REQUEST_METHOD, "GET");
            Pump pump = timing.open(sleeper(), environ, new RecordingChannel(), "GET /idle");
            pump.onWritePossible();

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (timing.metrics().timedOut() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(timing.metrics().timedOut()).isEqualTo(1);
            assertThat(timing.metrics().completed()).isZero();
        } finally {
            timing.shutdown(Duration.ZERO);
        }
    }

    @Test
    void sleepersEndedByShutdownCountAsShutDown() {
        Engine direct = Engine.builder().executor(Runnable::run).build();
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        direct.open(sleeper(), environ, new RecordingChannel(), "GET /a").onWritePossible();
        direct.open(sleeper(), new HashMap<>(environ), new RecordingChannel(), "GET /b").onWritePossible();
        assertThat(direct.metrics().gauges().asleep()).isEqualTo(2);

        direct.shutdown(Duration.ofSeconds(5));

        assertThat(direct.metrics().shutDown()).isEqualTo(2);
        assertThat(direct.metrics().timedOut()).isZero();
    }

    @Test
    void gaugesFollowThePumpsStates() {
        RecordingChannel slow = new RecordingChannel();
        slow.ready = false;
        Pump asleep = open(sleeper(), new RecordingChannel());
        Pump awaiting = open(new Fixed(new Body(1, i -> bytes("x")), TEXT), slow);
        Pump queued = open(new Fixed(new Body(1, i -> bytes("y")), TEXT), new RecordingChannel());
        assertThat(metrics.gauges()).as("three opened, none started").isEqualTo(new Metrics.Gauges(3, 0, 0, 0, 3));

        asleep.onWritePossible();
        awaiting.onWritePossible();
        runTurns();
        queued.onWritePossible();

        assertThat(metrics.gauges()).isEqualTo(new Metrics.Gauges(3, 1, 0, 1, 1));
        assertThat(asleep.state()).isEqualTo(Pump.State.SLEEPING);

        runTurns();
        assertThat(metrics.gauges()).as("the queued one ended").isEqualTo(new Metrics.Gauges(2, 1, 0, 0, 1));
    }

    @Test
    void aResponseRunningItsTurnIsCountedAsRunning() {
        Metrics.Gauges[] seen = new Metrics.Gauges[1];
        Pump pump = open(new Fixed(new Body(1, i -> {
            seen[0] = metrics.gauges();
            return bytes("x");
        }), TEXT), new RecordingChannel());

        pump.onWritePossible();
        runTurns();

        assertThat(seen[0]).isEqualTo(new Metrics.Gauges(1, 0, 1, 0, 0));
        assertThat(metrics.gauges()).isEqualTo(new Metrics.Gauges(0, 0, 0, 0, 0));
    }

    @Test
    void wakeToWriteIsMeasuredFromTheWakeOfASleeperToItsNextWrite() {
        Fixed app = Fixed.scripted(3, (self, i) -> {
            if (i == 1) {
                self.sleep();
                return new byte[0];
            }
            return bytes("c" + i);
        });
        Pump pump = open(app, new RecordingChannel());
        pump.onWritePossible();
        runTurns();
        assertThat(metrics.wakeToWrite().total()).as("the first chunk followed no wake").isZero();

        long before = System.nanoTime();
        app.wake();
        runTurns();
        long elapsed = System.nanoTime() - before;

        assertThat(pump.isDone()).isTrue();
        long[] samples = metrics.wakeToWrite().snapshot();
        assertThat(samples).hasSize(1);
        assertThat(samples[0]).isPositive().isLessThanOrEqualTo(elapsed);
    }

    @Test
    void aResponseWokenOftenIsTimedAtItsFirstWakeAndOneInEightAfter() {
        Fixed app = Fixed.scripted(40, (self, i) -> {
            self.sleep();
            return bytes("c" + i);
        });
        Pump pump = open(app, new RecordingChannel());
        pump.onWritePossible();
        runTurns();

        for (int wake = 1; wake <= 17; wake++) {
            assertThat(pump.state()).as("asleep before wake %d", wake).isEqualTo(Pump.State.SLEEPING);
            app.wake();
            runTurns();
        }

        assertThat(metrics.wakeToWrite().total()).as("wakes 1, 9 and 17").isEqualTo(3);
    }

    @Test
    void aWakeThatFindsTheResponseAwakeMeasuresNothing() {
        Fixed app = Fixed.scripted(2, (self, i) -> {
            self.wake();
            return bytes("c" + i);
        });
        Pump pump = open(app, new RecordingChannel());

        pump.onWritePossible();
        runTurns();

        assertThat(pump.isDone()).isTrue();
        assertThat(metrics.wakeToWrite().total()).isZero();
    }

    @Test
    void aWokenSleeperThatSleepsAgainWithoutWritingIsNotTimedFromThatWake() {
        Fixed app = Fixed.scripted(4, (self, i) -> {
            if (i < 2) {
                self.sleep();
                return new byte[0];
            }
            return bytes("c" + i);
        });
        Pump pump = open(app, new RecordingChannel());
        pump.onWritePossible();
        runTurns();
        app.wake();
        runTurns();
        assertThat(pump.state()).as("woken, it slept again").isEqualTo(Pump.State.SLEEPING);

        app.wake();
        runTurns();

        assertThat(metrics.wakeToWrite().total()).as("the first wake wrote nothing; the second is not timed").isZero();
    }

    /** Sleeps at its first chunk and waits to be woken, which the tests never do. */
    private static Fixed sleeper() {
        return Fixed.scripted(2, (self, i) -> {
            if (i == 0) {
                self.sleep();
                return new byte[0];
            }
            return bytes("late");
        });
    }
}
