package io.jwsgi.server;

import static io.jwsgi.server.TestApps.TEXT;
import static io.jwsgi.server.TestApps.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.server.TestApps.Body;
import io.jwsgi.server.TestApps.Fixed;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every exchange reaches {@code DONE} whatever throws: the channel is ended exactly once and the
 * iterable closed exactly once, even when the error handling itself fails or the executor refuses
 * a turn.
 */
class PumpCatchAllTest {

    private final Deque<Runnable> turns = new ArrayDeque<>();
    private Engine engine = Engine.builder().executor(turns::add).build();
    private final RecordingChannel channel = new RecordingChannel();

    @AfterEach
    void stop() {
        engine.shutdown(Duration.ZERO);
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

    /** An application exception whose {@code toString()} (and so any message built from it) throws. */
    static final class Unprintable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String toString() {
            throw new IllegalStateException("toString() of the application's exception");
        }
    }

    @Test // #14
    void anApplicationErrorWhoseToStringThrowsStillEndsTheExchangeOnce() {
        // given an app that fails with an exception that cannot be printed
        Body body = new Body(1, i -> {
            throw new Unprintable();
        });
        Pump pump = open(new Fixed(body, TEXT));

        // when it runs
        pump.onWritePossible();
        runTurns();

        // then the client gets the 500 page, the exchange ends once and the iterable is closed once
        assertThat(List.of(channel.code, channel.endings(), body.closes.get(), pump.isDone()))
                .as("status, endings, close() calls, done").isEqualTo(List.of(500, 1, 1, true));
    }

    @Test // #14
    void aCloseThatThrowsAnUnprintableExceptionAfterTheHeadStillEndsTheExchangeOnce() {
        // given an app whose body fails after the head, and whose close() fails with an unprintable exception
        Body inner = new Body(2, i -> {
            if (i == 1) {
                throw new IllegalStateException("mid-stream");
            }
            return bytes("a");
        });
        final class Closing implements Iterable<byte[]>, AutoCloseable {
            @Override
            public java.util.Iterator<byte[]> iterator() {
                return inner.iterator();
            }

            @Override
            public void close() {
                inner.close();
                throw new Unprintable();
            }
        }
        Pump pump = open((env, start) -> {
            start.start("200 OK", TEXT);
            return new Closing();
        });

        pump.onWritePossible();
        runTurns();

        // then the connection is cut once, and close() ran once
        assertThat(List.of(channel.completions, channel.aborts, inner.closes.get(), pump.isDone()))
                .as("completions, aborts, close() calls, done").isEqualTo(List.of(0, 1, 1, true));
    }

    @Test // #14
    void aLogHandlerThatThrowsCannotLeaveTheExchangeRunning() {
        // given a log handler that throws on every SEVERE record, and an app that fails
        Handler throwing = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == Level.SEVERE) {
                    throw new IllegalStateException("the log handler failed");
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(Pump.class.getName());
        logger.addHandler(throwing);
        try {
            Body body = new Body(1, i -> {
                throw new IllegalStateException("app");
            });
            Pump pump = open(new Fixed(body, TEXT));

            // when it runs: logging the application error throws out of the step's error handling
            pump.onWritePossible();
            runTurns();

            // then the turn's catch-all ends the exchange once
            assertThat(List.of(channel.completions, channel.aborts, body.closes.get(), pump.isDone()))
                    .as("completions, aborts, close() calls, done").isEqualTo(List.of(0, 1, 1, true));
        } finally {
            logger.removeHandler(throwing);
        }
    }

    @Test // #14
    void aContainerThatThrowsWhileTheErrorPageIsWrittenCutsTheConnectionInsteadOfLooping() {
        // given an app that fails before its head, on a container whose isReady() throws
        RecordingChannel broken = new RecordingChannel() {
            @Override
            public synchronized boolean isReady() {
                throw new IllegalStateException("the container's isReady() failed");
            }
        };
        Body body = new Body(1, i -> {
            throw new IllegalStateException("app");
        });
        Pump pump = engine.open(new Fixed(body, TEXT), new HashMap<>(Map.of(Environ.REQUEST_METHOD, "GET")), broken,
                "GET /broken");

        pump.onWritePossible();
        runTurns();

        assertThat(List.of(broken.completions, broken.aborts, body.closes.get(), pump.isDone()))
                .as("completions, aborts, close() calls, done").isEqualTo(List.of(0, 1, 1, true));
    }

    @Test // #14
    void aCauseCycleIsFollowedOnceNotForever() {
        // given an app failing with two exceptions that are each other's cause
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        Body body = new Body(1, i -> {
            throw a;
        });
        Pump pump = open(new Fixed(body, TEXT));

        // when it runs (before the fix: an endless loop on the turn's thread)
        pump.onWritePossible();
        runTurns();

        // then it is an application error like any other
        assertThat(List.of(channel.code, channel.endings(), body.closes.get(), pump.isDone()))
                .as("status, endings, close() calls, done").isEqualTo(List.of(500, 1, 1, true));
    }

    @Test // #14
    void anExecutorThatThrowsAnErrorAfterTheTurnYieldedEndsTheResponseOffTheCallersThread() {
        // given an executor that takes the first turn and then fails to start any more (as when no
        // thread can be created), and a long stream whose turn yields after its budget of chunks
        engine.shutdown(Duration.ZERO);
        engine = Engine.builder().name("refusing").executor(task -> {
            if (!turns.isEmpty()) {
                throw new OutOfMemoryError("unable to create native thread");
            }
            turns.add(task);
        }).build();
        Set<String> pulledOn = ConcurrentHashMap.newKeySet();
        Body body = new Body(1000, i -> {
            pulledOn.add(Thread.currentThread().getName());
            return bytes("x");
        });
        Pump pump = open(new Fixed(body, TEXT));
        pump.onWritePossible();

        // when the first turn runs, spends its budget and asks for another
        Runnable first = turns.peek();
        first.run();

        // then the response is ended (its head went out: the connection is cut) on the engine's
        // timer, the iterable closed once, and the application ran only on the turn's thread
        awaitTrue("the response ended", pump::isDone);
        assertThat(List.of(channel.completions, channel.aborts, body.closes.get()))
                .as("completions, aborts, close() calls").isEqualTo(List.of(0, 1, 1));
        assertThat(pulledOn).as("threads that ran next()").containsExactly(Thread.currentThread().getName());
    }

    @Test // #14
    void aRejectedTurnNeverRunsTheApplicationOnTheWakersThread() {
        // given an app asleep before its head, and an executor that rejects every turn from now on
        Fixed app = Fixed.scripted(2, (self, i) -> {
            if (i == 0) {
                self.sleep();
            }
            return new byte[0];
        });
        Set<String> pulledOn = ConcurrentHashMap.newKeySet();
        boolean[] rejecting = {false};
        engine.shutdown(Duration.ZERO);
        engine = Engine.builder().name("rejecting").executor(task -> {
            if (rejecting[0]) {
                throw new RejectedExecutionException("full");
            }
            turns.add(task);
        }).build();
        Pump pump = open((env, start) -> {
            pulledOn.add(Thread.currentThread().getName());
            return app.call(env, start);
        });
        pump.onWritePossible();
        runTurns();
        assertThat(pump.isSleeping()).as("asleep").isTrue();
        rejecting[0] = true;

        // when a waker on another thread wakes it
        Thread waker = new Thread(app::wake, "waker");
        waker.start();

        // then the client gets a 503, written by the engine's timer; the waker ran nothing of the app
        awaitTrue("the response ended", pump::isDone);
        assertThat(List.of(channel.code, channel.completions, channel.aborts, app.body.closes.get()))
                .as("status, completions, aborts, close() calls").isEqualTo(List.of(503, 1, 0, 1));
        assertThat(pulledOn).as("threads that ran call()").containsExactly(Thread.currentThread().getName());
    }

    @Test // #14
    void shutdownLeavesAnExecutorGivenByTheCallerRunning() {
        // given an engine on the caller's executor, with a response in flight
        ExecutorService own = Executors.newSingleThreadExecutor();
        try {
            engine.shutdown(Duration.ZERO);
            engine = Engine.builder().executor(own).build();
            Fixed app = Fixed.scripted(2, (self, i) -> {
                self.sleep();
                return new byte[0];
            });
            Pump pump = open(app);
            pump.onWritePossible();
            awaitTrue("asleep", pump::isSleeping);

            // when the engine shuts down
            engine.shutdown(Duration.ofSeconds(5));

            // then the response is ended, and the caller's executor still takes work
            assertThat(List.of(pump.isDone(), app.body.closes.get(), own.isShutdown()))
                    .as("done, close() calls, executor shut down").isEqualTo(List.of(true, 1, false));
        } finally {
            own.shutdownNow();
        }
    }

    @Test // #14
    void toStringShowsTheState() {
        Pump pump = open(new Fixed(new Body(0, i -> null), TEXT));
        assertThat(pump.toString()).isEqualTo("GET /test (NEW)");
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s within 30 s", what).isLessThan(deadline);
            LockSupport.parkNanos(1_000_000);
        }
    }
}
