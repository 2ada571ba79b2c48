package io.jwsgi.server;

import static io.jwsgi.server.TestApps.TEXT;
import static io.jwsgi.server.TestApps.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.server.TestApps.Body;
import io.jwsgi.server.TestApps.Fixed;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pump driven deterministically through its seam: turns queue up instead of running, and the
 * test runs them, so every interleaving below happens in exactly the order written.
 */
class PumpTest {

    private final Deque<Runnable> turns = new ArrayDeque<>();
    private final Engine engine = Engine.builder().executor(turns::add).build();
    private final RecordingChannel channel = new RecordingChannel();

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler logHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getLevel() + " " + new SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        Logger.getLogger(Pump.class.getName()).addHandler(logHandler);
    }

    @AfterEach
    void stop() {
        Logger.getLogger(Pump.class.getName()).removeHandler(logHandler);
        engine.shutdown(java.time.Duration.ZERO);
    }

    private Pump open(Application app) {
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        return engine.open(app, environ, channel, "GET /test");
    }

    private void runTurns() {
        for (Runnable turn; (turn = turns.poll()) != null; ) {
            turn.run();
        }
    }

    @Test
    void applicationStartsOnlyAtTheFirstWritePossible() {
        Fixed app = new Fixed(new Body(1, i -> bytes("x")), TEXT);
        Pump pump = open(app);

        assertThat(turns).as("nothing is scheduled before the container says it is ready").isEmpty();
        pump.onWritePossible();
        assertThat(turns).as("the first dispatch schedules one turn").hasSize(1);
        assertThat(app.environ).as("the app is not run on the container's thread").isNull();
    }

    @Test
    void bodyIsWrittenChunkByChunkEachFlushedThenCompletedAndClosedOnce() {
        Fixed app = new Fixed(new Body(4, i -> bytes(new String[] {"a", "b", "", "c"}[i])), TEXT);
        Pump pump = open(app);

        pump.onWritePossible();
        runTurns();

        assertThat(channel.events).as("head before bytes, a flush after each chunk, empty chunks write nothing")
                .containsExactly("head 200", "write a", "flush", "write b", "flush", "write c", "flush", "complete");
        assertThat(app.body.closes).as("close() exactly once").hasValue(1);
        assertThat(pump.isDone()).isTrue();
    }

    @Test
    void outputNotReadyParksWithoutAThreadUntilWritePossible() {
        Fixed app = new Fixed(new Body(2, i -> bytes("c" + i)), TEXT);
        Pump pump = open(app);
        channel.ready = false;

        pump.onWritePossible();
        runTurns();
        assertThat(pump.state()).as("waiting on the client holds no turn").isEqualTo(Pump.State.AWAITING_READY);
        assertThat(turns).isEmpty();
        assertThat(channel.chunks).isEmpty();

        channel.ready = true;
        pump.onWritePossible();
        runTurns();
        assertThat(channel.chunks).containsExactly("c0", "c1");
        assertThat(channel.completions).isEqualTo(1);
    }

    @Test
    void writePossibleArrivingWhileTheRunnerDecidesToWaitIsNotLost() {
        Fixed app = new Fixed(new Body(1, i -> bytes("x")), TEXT);
        Pump[] pump = new Pump[1];
        RecordingChannel racing = new RecordingChannel() {
            private boolean first = true;

            @Override
            public synchronized boolean isReady() {
                if (first) {
                    // The container answers "not ready" and calls back at once, before the runner parks.
                    first = false;
                    pump[0].onWritePossible();
                    return false;
                }
                return true;
            }
        };
        Map<String, Object> environ = new HashMap<>(Map.of(Environ.REQUEST_METHOD, "GET"));
        pump[0] = engine.open(app, environ, racing, "GET /race");

        pump[0].onWritePossible();
        runTurns();

        assertThat(racing.chunks).as("the early callback made the runner try again").containsExactly("x");
        assertThat(pump[0].isDone()).isTrue();
    }

    @Test
    void sleepingAppIsSuspendedAndResumedByWakeFromAnotherThread() throws Exception {
        Fixed app = Fixed.scripted(3, (self, i) -> {
            if (i == 1) {
                self.sleep();
                return new byte[0];
            }
            return bytes("c" + i);
        });
        Pump pump = open(app);
        pump.onWritePossible();
        runTurns();
        assertThat(pump.state()).isEqualTo(Pump.State.SLEEPING);
        assertThat(channel.chunks).containsExactly("c0");
        assertThat(turns).as("a sleeping response holds no turn").isEmpty();

        Thread waker = new Thread(app::wake);
        waker.start();
        waker.join(10_000);
        assertThat(turns).as("the wake schedules a turn; it does not run the app on the waker's thread").hasSize(1);
        runTurns();

        assertThat(channel.chunks).containsExactly("c0", "c2");
        assertThat(app.body.closes).hasValue(1);
    }

    @Test
    void wakeBeforeSleepIsKeptAndCancelsTheSleep() {
        Fixed app = Fixed.scripted(3, (self, i) -> {
            if (i == 1) {
                self.wake();
                self.sleep();
                return new byte[0];
            }
            return bytes("c" + i);
        });
        Pump pump = open(app);

        pump.onWritePossible();
        runTurns();

        assertThat(channel.chunks).as("the permit let the response go on").containsExactly("c0", "c2");
        assertThat(pump.isDone()).isTrue();
    }

    @Test
    void wakeWhileTheChunkBeforeTheSleepIsStillBeingWrittenCancelsTheSleep() {
        Fixed app = Fixed.scripted(2, (self, i) -> {
            if (i == 0) {
                self.sleep();
            }
            return bytes("c" + i);
        });
        Pump pump = open(app);
        channel.ready = false;
        pump.onWritePossible();
        runTurns();
        assertThat(pump.state()).isEqualTo(Pump.State.AWAITING_READY);

        app.wake();
        channel.ready = true;
        pump.onWritePossible();
        runTurns();

        assertThat(channel.chunks).containsExactly("c0", "c1");
        assertThat(pump.isDone()).as("the wake during the write was not lost").isTrue();
    }

    @Test
    void wakeAfterTheEndDoesNothing() {
        Fixed app = new Fixed(new Body(1, i -> bytes("x")), TEXT);
        Pump pump = open(app);
        pump.onWritePossible();
        runTurns();

        app.wake();
        pump.onWritePossible();

        assertThat(turns).isEmpty();
        assertThat(channel.endings()).isEqualTo(1);
        assertThat(app.body.closes).hasValue(1);
    }

    @Test
    void clientGoneWhileAsleepClosesOnceAndReleasesTheExchange() {
        Fixed app = Fixed.scripted(2, (self, i) -> {
            self.sleep();
            return bytes("c" + i);
        });
        Pump pump = open(app);
        pump.onWritePossible();
        runTurns();
        assertThat(pump.state()).isEqualTo(Pump.State.SLEEPING);

        pump.onClientGone(new IOException("reset by peer"));
        pump.onClientGone(new IOException("and again"));
        runTurns();
        app.wake();
        runTurns();

        assertThat(app.body.closes).hasValue(1);
        assertThat(channel.completions).as("released once, not aborted: nobody is listening").isEqualTo(1);
        assertThat(channel.aborts).isZero();
        assertThat(app.body.pulls).as("no chunk is pulled after the client left").hasValue(1);
    }

    @Test
    void timeoutWhileAsleepBeforeHeadersAnswers503() {
        Fixed app = Fixed.scripted(1, (self, i) -> {
            self.sleep();
            return new byte[0];
        });
        Pump pump = open(app);
        pump.onWritePossible();
        runTurns();

        pump.end(new ResponseEnded("no progress"));
        runTurns();

        assertThat(channel.code).isEqualTo(503);
        assertThat(channel.text()).isEqualTo("503 Service Unavailable\n");
        assertThat(channel.completions).isEqualTo(1);
        assertThat(app.body.closes).hasValue(1);
    }

    @Test
    void timeoutWhileAsleepAfterHeadersCutsTheConnection() {
        Fixed app = Fixed.scripted(2, (self, i) -> {
            self.sleep();
            return bytes("c" + i);
        });
        Pump pump = open(app);
        pump.onWritePossible();
        runTurns();

        pump.end(new ResponseEnded("no progress"));
        runTurns();

        assertThat(channel.aborts).isEqualTo(1);
        assertThat(channel.completions).isZero();
        assertThat(app.body.closes).hasValue(1);
    }

    @Test
    void idleTimerEndsAResponseThatMakesNoProgress() throws Exception {
        Engine timed = Engine.builder().executor(turns::add).idleTimeoutMillis(50).build();
        try {
                Fixed app = Fixed.scripted(1, (self, i) -> {
                self.sleep();
                return new byte[0];
            });
                Pump pump = timed.open(app, new HashMap<>(Map.of(Environ.REQUEST_METHOD, "GET")), channel, "GET /idle");
            pump.onWritePossible();
            runTurns();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (turns.isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            runTurns();

            assertThat(channel.code).isEqualTo(503);
            assertThat(app.body.closes).hasValue(1);
            assertThat(timed.inFlight()).isZero();
        } finally {
            timed.shutdown(java.time.Duration.ZERO);
        }
    }

    @Test
    void idleTimerCutsAResponseWhoseClientNeverReadsEvenItsErrorPage() throws Exception {
        Engine timed = Engine.builder().executor(turns::add).idleTimeoutMillis(50).build();
        try {
            Fixed app = new Fixed(new Body(1, i -> bytes("never read")), TEXT);
            channel.ready = false;
            Pump pump = timed.open(app, new HashMap<>(Map.of(Environ.REQUEST_METHOD, "GET")), channel, "GET /stalled");
            pump.onWritePossible();
            runTurns();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!pump.isDone() && System.nanoTime() < deadline) {
                runTurns();
                Thread.onSpinWait();
            }

            assertThat(pump.isDone()).as("the second expiry ends the stuck 503 page").isTrue();
            assertThat(channel.aborts).isEqualTo(1);
            assertThat(app.body.closes).hasValue(1);
        } finally {
            timed.shutdown(java.time.Duration.ZERO);
        }
    }

    @Test
    void applicationErrorBeforeHeadersBecomesA500WithoutDetails() {
        Fixed app = Fixed.scripted(2, (self, i) -> {
            if (i == 1) {
                throw new IllegalStateException("secret database password");
            }
            return new byte[0];
        });
        Pump pump = open(app);
        pump.onWritePossible();
        runTurns();

        assertThat(channel.code).isEqualTo(500);
        assertThat(channel.text()).isEqualTo("500 Internal Server Error\n").doesNotContain("secret");
        assertThat(app.body.closes).hasValue(1);
        assertThat(channel.completions).isEqualTo(1);
    }

    @Test
    void applicationErrorAfterHeadersCutsTheConnection() {
        Fixed app = Fixed.scripted(2, (self, i) -> {
            if (i == 1) {
                throw new IllegalStateException("boom");
            }
            return bytes("partial");
        });
        Pump pump = open(app);
        pump.onWritePossible();
        runTurns();

        assertThat(channel.chunks).containsExactly("partial");
        assertThat(channel.aborts).isEqualTo(1);
        assertThat(channel.abortCause).hasMessage("boom");
        assertThat(app.body.closes).hasValue(1);
    }

    @Test
    void failedWriteMeansTheClientLeft() {
        Body body = new Body(5, i -> bytes("c" + i));
        Pump pump = open(new Fixed(body, TEXT));
        channel.failWrites = new IOException("broken pipe");
        pump.onWritePossible();
        runTurns();

        assertThat(channel.completions).isEqualTo(1);
        assertThat(body.closes).hasValue(1);
        assertThat(body.pulls).as("nothing more is pulled").hasValue(1);
    }

    @Test
    void contentLengthCapsTheBodyAndStopsPulling() {
        Body body = new Body(3, i -> bytes(new String[] {"ab", "cd", "ef"}[i]));
        Pump pump = open(new Fixed(body, List.of(new Header("Content-Length", "3"))));
        pump.onWritePossible();
        runTurns();

        assertThat(channel.text()).isEqualTo("abc");
        assertThat(body.pulls).as("the iterable is not pulled past the declared length").hasValue(2);
        assertThat(channel.completions).isEqualTo(1);
    }

    @Test
    void bodyShortOfItsContentLengthCutsTheConnection() {
        Body body = new Body(1, i -> bytes("abc"));
        Pump pump = open(new Fixed(body, List.of(new Header("Content-Length", "10"))));
        pump.onWritePossible();
        runTurns();

        assertThat(channel.aborts).isEqualTo(1);
        assertThat(channel.completions).isZero();
    }

    @Test
    void excInfoReplacesTheHeadBeforeItWentOut() {
        Application app = (env, start) -> {
            start.start("200 OK", TEXT);
            start.start("404 Not Found", TEXT, new RuntimeException("not here"));
            return List.of(bytes("gone"));
        };
        open(app).onWritePossible();
        runTurns();

        assertThat(channel.code).isEqualTo(404);
        assertThat(channel.text()).isEqualTo("gone");
    }

    @Test
    void excInfoAfterTheHeadWentOutIsRethrownAndTheConnectionCut() {
        RuntimeException original = new RuntimeException("late failure");
        Application app = (env, start) -> {
            io.jwsgi.Write write = start.start("200 OK", TEXT);
            write.write(bytes("sent"));
            start.start("500 Internal Server Error", TEXT, original);
            return List.of();
        };
        open(app).onWritePossible();
        runTurns();

        assertThat(channel.chunks).containsExactly("sent");
        assertThat(channel.abortCause).as("the very same throwable").isSameAs(original);
    }

    @Test
    void secondStartWithoutExcInfoIsAnApplicationError() {
        Application app = (env, start) -> {
            start.start("200 OK", TEXT);
            start.start("201 Created", TEXT);
            return List.of();
        };
        open(app).onWritePossible();
        runTurns();

        assertThat(channel.code).isEqualTo(500);
    }

    @Test
    void writeGoesOutBeforeTheIterablesChunks() {
        Application app = (env, start) -> {
            io.jwsgi.Write write = start.start("200 OK", TEXT);
            write.write(bytes("one "));
            write.write(bytes("two "));
            return List.of(bytes("three"));
        };
        open(app).onWritePossible();
        runTurns();

        assertThat(channel.text()).isEqualTo("one two three");
    }

    @Test
    void writeWaitsForTheClientThenGoesOn() throws Exception {
        Application app = (env, start) -> {
            start.start("200 OK", TEXT).write(bytes("first"));
            return List.of(bytes(" second"));
        };
        Pump pump = open(app);
        channel.ready = false;
        pump.onWritePossible();
        Thread runner = new Thread(this::runTurns);
        runner.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (runner.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(channel.chunks).as("write() waits while the client is not ready").isEmpty();

        channel.ready = true;
        pump.onWritePossible();
        runner.join(10_000);

        assertThat(channel.text()).isEqualTo("first second");
        assertThat(pump.isDone()).isTrue();
    }

    @Test // #7
    void clientLeavingWhileWriteWaitsIsADisconnectNotAnApplicationError() throws Exception {
        // given an application blocked in write() on a client that takes nothing, its head not sent
        Pump pump = open((env, start) -> {
            start.start("200 OK", TEXT).write(bytes("first"));
            return List.of(bytes(" never"));
        });
        Thread runner = startBlockedInWrite(pump);

        // when the container reports the client gone
        pump.onClientGone(new IOException("connection reset"));
        runner.join(10_000);

        // then the response ends as a disconnect: no application error, no error page, completed once
        assertThat(pump.isDone()).as("ended").isTrue();
        assertThat(logged).as("log records").noneMatch(line -> line.startsWith("SEVERE"));
        assertThat(channel.events).as("what reached the channel").containsExactly("complete");
    }

    @Test // #7
    void timeoutWhileWriteWaitsIsLoggedAsATimeoutNotAnApplicationError() throws Exception {
        // given an application blocked in write() on a client that takes nothing, its head not sent
        Pump pump = open((env, start) -> {
            start.start("200 OK", TEXT).write(bytes("first"));
            return List.of(bytes(" never"));
        });
        Thread runner = startBlockedInWrite(pump);

        // when the idle timeout ends it, and the client can take output again
        pump.end(new ResponseEnded("no progress"));
        runner.join(10_000);
        channel.ready = true;
        pump.onWritePossible();
        runTurns();

        // then the client gets the server's 503, and the log names the timeout, not an application error
        assertThat(pump.isDone()).as("ended").isTrue();
        assertThat(channel.code).as("status").isEqualTo(503);
        assertThat(logged).as("log records").noneMatch(line -> line.startsWith("SEVERE"))
                .anyMatch(line -> line.startsWith("WARNING") && line.contains("no progress"));
    }

    private Thread startBlockedInWrite(Pump pump) {
        channel.ready = false;
        pump.onWritePossible();
        Thread runner = new Thread(this::runTurns);
        runner.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (runner.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(runner.getState()).as("the application waits in write()").isEqualTo(Thread.State.WAITING);
        return runner;
    }

    @Test
    void aLongFastStreamYieldsTheThreadAfterEachTurn() {
        Body body = new Body(100, i -> bytes("x"));
        Pump pump = open(new Fixed(body, TEXT));
        pump.onWritePossible();

        turns.poll().run();

        assertThat(channel.chunks.size()).as("one turn is bounded").isLessThan(100).isPositive();
        assertThat(turns).as("the rest is queued behind other responses").hasSize(1);
        runTurns();
        assertThat(channel.chunks).hasSize(100);
    }

    @Test
    void nullChunkAndChunkBeforeStartAreApplicationErrors() {
        Application nullChunk = (env, start) -> {
            start.start("200 OK", TEXT);
            return java.util.Arrays.asList((byte[]) null);
        };
        open(nullChunk).onWritePossible();
        runTurns();
        assertThat(channel.code).isEqualTo(500);

        RecordingChannel second = new RecordingChannel();
        Application early = (env, start) -> List.of(bytes("too early"));
        engine.open(early, new HashMap<>(Map.of(Environ.REQUEST_METHOD, "GET")), second, "GET /early").onWritePossible();
        runTurns();
        assertThat(second.code).isEqualTo(500);
        assertThat(second.text()).doesNotContain("too early");
    }

    @Test
    void headRequestWithContentLengthAndNoBodyIsNotShort() {
        Map<String, Object> environ = new HashMap<>(Map.of(Environ.REQUEST_METHOD, "HEAD"));
        Application app = (env, start) -> {
            start.start("200 OK", List.of(new Header("Content-Length", "42")));
            return List.of();
        };
        engine.open(app, environ, channel, "HEAD /").onWritePossible();
        runTurns();

        assertThat(channel.events).containsExactly("head 200", "complete");
    }
}
