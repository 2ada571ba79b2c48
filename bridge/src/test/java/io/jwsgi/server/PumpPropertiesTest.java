package io.jwsgi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.fixture.Gen;
import io.jwsgi.fixture.Property;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random orders of everything that can happen to a response — sleeps and wakes, ready and not
 * ready, write-possible callbacks, turns run, the client leaving, the idle timeout, the
 * application failing, and the outside events arriving while the application runs (from inside
 * its {@code next()}) — never lose a wake, never end an exchange twice, never enter the application
 * while one of its calls runs, always close the iterable exactly once, and never leave a written
 * chunk unflushed while the application sleeps or after the response completed, by default and
 * with {@link Engine.Builder#nonBlocking} (one flush per turn). The engine runs its turns on the
 * test thread, when a {@code RUN_TURN} event says so.
 */
class PumpPropertiesTest {

    enum Event {
        WAKE, READY, NOT_READY, WRITE_POSSIBLE, RUN_TURN, CLIENT_GONE, TIMEOUT,
        /** The application's next {@code next()} throws. */
        APP_ERROR,
        /** These four happen inside the application's next {@code next()}, while the pump runs it. */
        WAKE_WHILE_RUNNING, WRITE_POSSIBLE_WHILE_RUNNING, CLIENT_GONE_WHILE_RUNNING, TIMEOUT_WHILE_RUNNING
    }

    /**
     * Up to 60 events, a body of up to 8 chunks (see {@link Scripted} for the chunk kinds), either
     * engine mode, and a container buffer unbounded or of 5 bytes (two chunks).
     */
    record Case(List<Event> events, List<Integer> script, boolean nonBlocking, int buffer) {
        static Case generate(SplittableRandom r) {
            return new Case(Gen.list(r, 60, e -> Gen.pick(e, Event.values())),
                    Gen.list(r, 8, s -> Gen.between(s, 0, 3)), r.nextBoolean(), r.nextBoolean() ? 5 : Integer.MAX_VALUE);
        }

        List<Case> smaller() {
            return Stream.concat(
                    Property.smallerLists(events).stream().map(e -> new Case(e, script, nonBlocking, buffer)),
                    Property.smallerLists(script).stream().map(s -> new Case(events, s, nonBlocking, buffer))).toList();
        }
    }

    /** Held so the level set below stays in force (the log manager keeps loggers weakly). */
    private static final Logger PUMP_LOG = Logger.getLogger(Pump.class.getName());
    private static Level pumpLevel;

    /**
     * Thousands of generated timeouts and application failures would each log a warning or an
     * error with its stack trace; the properties check outcomes, not log lines (PumpTest does those).
     */
    @BeforeAll
    static void quietPumpLog() {
        pumpLevel = PUMP_LOG.getLevel();
        PUMP_LOG.setLevel(Level.OFF);
    }

    @AfterAll
    static void restorePumpLog() {
        PUMP_LOG.setLevel(pumpLevel);
    }

    @Test
    void anyOrderOfEventsEndsOnceClosesOnceAndLosesNoWake() {
        Property.forAll(Case::generate).shrinking(Case::smaller)
                .check(5000, c -> play(c.events(), c.script(), c.nonBlocking(), c.buffer()));
    }

    private static void play(List<Event> events, List<Integer> script, boolean nonBlocking, int buffer) {
        Deque<Runnable> turns = new ArrayDeque<>();
        Engine engine = Engine.builder().executor(turns::add).nonBlocking(nonBlocking).build();
        try {
            RecordingChannel channel = new RecordingChannel();
            channel.buffer = buffer;
            Scripted body = new Scripted(script);
            Map<String, Object> environ = new HashMap<>(Map.of(Environ.REQUEST_METHOD, "GET"));
            Pump pump = engine.open((env, start) -> {
                body.environ = env;
                start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
                return body;
            }, environ, channel, "GET /property");
            pump.onWritePossible();
            boolean interrupted = false;
            for (Event event : events) {
                interrupted |= apply(event, pump, body, channel, turns);
                assertThat(channel.endings()).as("ended at most once").isLessThanOrEqualTo(1);
                assertThat(channel.overflowed).as("a batch of writes never outgrew the container's buffer").isFalse();
                if (pump.state() == Pump.State.SLEEPING) {
                    assertThat(body.sleepRequested).as("asleep only on a sleep no wake has answered (kept or later)")
                            .isTrue();
                    assertThat(channel.unflushed()).as("asleep with every chunk written flushed").isFalse();
                }
            }
            settle(pump, body, channel, turns);
            interrupted |= body.interrupted;

            assertThat(pump.isDone()).as("every response ends once the client reads and wakes come").isTrue();
            assertThat(channel.endings()).isEqualTo(1);
            assertThat(body.closes).as("close() exactly once").isEqualTo(body.environ == null ? 0 : 1);
            assertThat(body.overlapped).as("the application runs one call at a time").isFalse();
            if (!interrupted) {
                assertThat(channel.text()).as("the whole body, in order").isEqualTo(body.expected());
                assertThat(channel.completions).isEqualTo(1);
                assertThat(channel.unflushed()).as("completed with every chunk written flushed").isFalse();
            }
        } finally {
            engine.shutdown(Duration.ZERO);
        }
    }

    private static boolean apply(Event event, Pump pump, Scripted body, RecordingChannel channel, Deque<Runnable> turns) {
        switch (event) {
            case WAKE -> body.wake();
            case READY -> channel.ready = true;
            case NOT_READY -> channel.ready = false;
            case WRITE_POSSIBLE -> {
                if (channel.ready) {
                    pump.onWritePossible();
                }
            }
            case RUN_TURN -> {
                Runnable turn = turns.poll();
                if (turn != null) {
                    turn.run();
                }
            }
            case CLIENT_GONE -> {
                pump.onClientGone(new IOException("gone"));
                return !pump.isDone();
            }
            case TIMEOUT -> {
                pump.end(new ResponseEnded("timeout"));
                return !pump.isDone();
            }
            case APP_ERROR -> body.failNext = true;
            case WAKE_WHILE_RUNNING -> body.insideNext.add(body::wake);
            case WRITE_POSSIBLE_WHILE_RUNNING -> body.insideNext.add(() -> {
                if (channel.ready) {
                    pump.onWritePossible();
                }
            });
            case CLIENT_GONE_WHILE_RUNNING -> body.insideNext.add(() -> {
                body.interrupted = true;
                pump.onClientGone(new IOException("gone"));
            });
            default -> body.insideNext.add(() -> {
                body.interrupted = true;
                pump.end(new ResponseEnded("timeout"));
            });
        }
        return false;
    }

    private static void settle(Pump pump, Scripted body, RecordingChannel channel, Deque<Runnable> turns) {
        channel.ready = true;
        for (int round = 0; round < 200 && !pump.isDone(); round++) {
            pump.onWritePossible();
            body.wake();
            for (Runnable turn; (turn = turns.poll()) != null; ) {
                turn.run();
            }
        }
    }

    /**
     * Chunk i: 0 = "ci", 1 = sleep then "", 2 = sleep then "ci", 3 = "". Keeps a model of the
     * sleep/wake ledger: a sleep is answered by the next wake, a wake with no sleep waiting is kept
     * for the next sleep.
     */
    static final class Scripted implements Iterable<byte[]>, Iterator<byte[]>, AutoCloseable {
        private final List<Integer> script;
        private int index;
        private boolean wakeKept;
        boolean sleepRequested;
        boolean failNext;
        boolean interrupted;
        final Deque<Runnable> insideNext = new ArrayDeque<>();
        int closes;
        /** Set when the pump entered the iterable while a {@code next()} was still running. */
        boolean overlapped;
        private boolean running;
        Map<String, Object> environ;

        Scripted(List<Integer> script) {
            this.script = script;
        }

        void wake() {
            if (environ != null) {
                if (sleepRequested) {
                    sleepRequested = false;
                } else {
                    wakeKept = true;
                }
                ((Runnable) environ.get(Environ.ASYNC_WAKE)).run();
            }
        }

        String expected() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < script.size(); i++) {
                if (script.get(i) == 0 || script.get(i) == 2) {
                    b.append('c').append(i);
                }
            }
            return b.toString();
        }

        @Override
        public Iterator<byte[]> iterator() {
            return this;
        }

        @Override
        public boolean hasNext() {
            overlapped |= running;
            return index < script.size();
        }

        @Override
        public byte[] next() {
            overlapped |= running;
            running = true;
            try {
                return pull();
            } finally {
                running = false;
            }
        }

        private byte[] pull() {
            for (Runnable event; (event = insideNext.poll()) != null; ) {
                event.run();
            }
            if (failNext) {
                interrupted = true;
                throw new IllegalStateException("the application failed");
            }
            int i = index++;
            int kind = script.get(i);
            if (kind == 1 || kind == 2) {
                if (wakeKept) {
                    wakeKept = false;
                } else {
                    sleepRequested = true;
                }
                ((Runnable) environ.get(Environ.ASYNC_SLEEP)).run();
            }
            return kind == 0 || kind == 2 ? ("c" + i).getBytes(StandardCharsets.UTF_8) : new byte[0];
        }

        @Override
        public void close() {
            overlapped |= running;
            closes++;
        }
    }
}
