package io.jwsgi.server;

import static io.jwsgi.server.TestApps.TEXT;
import static io.jwsgi.server.TestApps.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Write;
import io.jwsgi.server.TestApps.Fixed;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a test harness can observe of a pump from outside: asleep, or blocked in a legacy write. */
class PumpObservationTest {

    private final Deque<Runnable> turns = new ArrayDeque<>();
    private final Engine engine = Engine.builder().executor(turns::add).build();
    private final RecordingChannel channel = new RecordingChannel();

    @AfterEach
    void stop() {
        engine.shutdown(Duration.ZERO);
    }

    private Pump open(Application app) {
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        return engine.open(app, environ, channel, "GET /observed");
    }

    private void runTurns() {
        for (Runnable turn; (turn = turns.poll()) != null; ) {
            turn.run();
        }
    }

    @Test
    void isSleepingWhileSuspendedOnSleepOnly() {
        Fixed app = Fixed.scripted(2, (self, i) -> {
            if (i == 0) {
                self.sleep();
                return new byte[0];
            }
            return bytes("b");
        });
        Pump pump = open(app);
        assertThat(pump.isSleeping()).as("not started").isFalse();

        pump.onWritePossible();
        runTurns();
        assertThat(pump.isSleeping()).as("suspended after the sleep and its yield").isTrue();

        app.wake();
        assertThat(pump.isSleeping()).as("a turn is scheduled").isFalse();
        runTurns();
        assertThat(pump.isDone()).isTrue();
        assertThat(pump.isSleeping()).isFalse();
    }

    @Test
    void isWriteBlockedUntilAnEventReleasesTheWriter() throws Exception {
        // given an app whose legacy write waits for a client that is not ready, run on a thread of its own
        Application app = (environ, start) -> {
            Write write = start.start("200 OK", TEXT);
            write.write(bytes("w"));
            return List.of();
        };
        Pump pump = open(app);
        channel.ready = false;
        pump.onWritePossible();
        Thread runner = new Thread(this::runTurns, "runner");
        runner.start();

        // then the pump reports the writer blocked
        assertThat(await(pump::isWriteBlocked)).as("blocked in write").isTrue();

        // when the container says it can take output, the writer is released at once
        synchronized (channel) {
            channel.ready = true;
        }
        pump.onWritePossible();
        assertThat(pump.isWriteBlocked()).as("released by onWritePossible").isFalse();
        runner.join(TimeUnit.SECONDS.toMillis(30));
        runTurns();
        assertThat(pump.isDone()).isTrue();
        assertThat(channel.text()).isEqualTo("w");
    }

    @Test
    void endingReleasesABlockedWriter() throws Exception {
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT).write(bytes("w"));
            return List.of();
        };
        Pump pump = open(app);
        channel.ready = false;
        pump.onWritePossible();
        Thread runner = new Thread(this::runTurns, "runner");
        runner.start();
        assertThat(await(pump::isWriteBlocked)).isTrue();

        pump.onClientGone(new java.io.IOException("gone"));

        assertThat(pump.isWriteBlocked()).as("released by the ending").isFalse();
        runner.join(TimeUnit.SECONDS.toMillis(30));
        runTurns();
        assertThat(pump.isDone()).isTrue();
    }

    /** Polls a condition up to a generous deadline; the runner thread owns the pump meanwhile. */
    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        return condition.getAsBoolean();
    }
}
