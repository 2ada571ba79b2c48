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
 * {@link Engine.Builder#nonBlocking}: the chunks of one turn go out back to back under one flush,
 * and that flush is never left for a later turn: it precedes every sleep, every yield and the end
 * of the response, goes first once the output said not ready, and before the container's buffer
 * would overflow. The first chunk,
 * which carries the head, is flushed at once: the response is committed before the application
 * can fail. Turns queue up and the test runs them, so each sequence of channel calls below is exact.
 */
class PumpBatchTest {

    private final Deque<Runnable> turns = new ArrayDeque<>();
    private final Engine batching = Engine.builder().executor(turns::add).nonBlocking(true).build();
    private final Engine byDefault = Engine.builder().executor(turns::add).build();
    private final RecordingChannel channel = new RecordingChannel();

    @AfterEach
    void stop() {
        batching.shutdown(Duration.ZERO);
        byDefault.shutdown(Duration.ZERO);
    }

    private Pump open(Engine engine, Application app) {
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        Pump pump = engine.open(app, environ, channel, "GET /batch");
        pump.onWritePossible();
        return pump;
    }

    private int runTurns() {
        int ran = 0;
        for (Runnable turn; (turn = turns.poll()) != null; ran++) {
            turn.run();
        }
        return ran;
    }

    private long flushes() {
        return channel.events.stream().filter("flush"::equals).count();
    }

    /** Chunks "a", "", "b", "c", "d": the empty one writes nothing. */
    private static Fixed abcd() {
        return new Fixed(new Body(5, i -> bytes(new String[] {"a", "", "b", "c", "d"}[i])), TEXT);
    }

    @Test
    void aTurnWritesItsChunksBackToBackAndFlushesOnceBeforeTheEnd() {
        // when a non-blocking application's short body runs in one turn, the output ready throughout
        Fixed app = abcd();
        Pump pump = open(batching, app);
        runTurns();

        // then the head's chunk is flushed at once, the rest share the turn's flush before the end
        assertThat(channel.events).containsExactly("head 200", "write a", "flush", "write b", "write c", "write d",
                "flush", "complete");
        assertThat(app.body.closes).hasValue(1);
        assertThat(pump.isDone()).isTrue();
    }

    @Test
    void byDefaultEveryChunkIsFlushedBeforeTheNextIsPulled() {
        // when the same body runs with an engine whose applications may block
        open(byDefault, abcd());
        runTurns();

        // then nothing changed: a flush after each chunk
        assertThat(channel.events).containsExactly("head 200", "write a", "flush", "write b", "flush", "write c", "flush",
                "write d", "flush", "complete");
    }

    @Test
    void aLongStreamIsFlushedOncePerTurnBeforeEachTurnGivesItsThreadUp() {
        // given a stream longer than one turn's budget
        Fixed app = new Fixed(new Body(100, i -> bytes("x")), TEXT);
        open(batching, app);

        // when one turn runs and gives its thread up
        turns.poll().run();

        // then it wrote several chunks after the first, and flushed them once, before leaving
        List<String> firstTurn = List.copyOf(channel.events);
        assertThat(firstTurn.stream().filter("write x"::equals).count()).as("chunks written in the first turn")
                .isGreaterThan(2).isLessThan(100);
        assertThat(firstTurn).as("the yielded turn's last call").endsWith("flush");
        assertThat(flushes()).as("the head's flush and the turn's").isEqualTo(2);

        // when the other turns run
        int more = runTurns();

        // then every later turn flushed exactly once, and the whole body went out
        assertThat(channel.chunks).hasSize(100);
        assertThat(flushes()).as("one flush per turn (%d more turns)", more).isEqualTo(2 + more);
        assertThat(channel.events).endsWith("flush", "complete");
    }

    @Test
    void whatATurnWroteIsFlushedBeforeTheApplicationSleeps() {
        // given an application that yields three chunks, then sleeps, then yields a fourth
        Fixed app = Fixed.scripted(5, (self, i) -> {
            if (i == 3) {
                self.sleep();
                return new byte[0];
            }
            return bytes("c" + i);
        });

        // when it runs until it sleeps
        Pump pump = open(batching, app);
        runTurns();

        // then the chunks before the sleep were flushed: the client has them while nothing wakes the app
        assertThat(pump.state()).isEqualTo(Pump.State.SLEEPING);
        assertThat(channel.events).containsExactly("head 200", "write c0", "flush", "write c1", "write c2", "flush");

        // when it is woken
        app.wake();
        runTurns();

        // then
        assertThat(channel.events).endsWith("flush", "write c4", "flush", "complete");
    }

    @Test
    void aFlushTheOutputCannotTakeBeforeASleepWaitsForTheOutputNotForTheWake() {
        // given an application that yields two chunks, then sleeps; the output is not ready when the flush is due
        Fixed app = Fixed.scripted(4, (self, i) -> {
            if (i == 2) {
                channel.ready = false;
                self.sleep();
                return new byte[0];
            }
            return bytes("c" + i);
        });
        Pump pump = open(batching, app);
        runTurns();
        assertThat(pump.state()).as("waiting for the output, not asleep yet").isEqualTo(Pump.State.AWAITING_READY);
        assertThat(channel.events).containsExactly("head 200", "write c0", "flush", "write c1");

        // when the output is ready again
        channel.ready = true;
        pump.onWritePossible();
        runTurns();

        // then the flush went out first, and only then did the response sleep
        assertThat(pump.state()).isEqualTo(Pump.State.SLEEPING);
        assertThat(channel.events).containsExactly("head 200", "write c0", "flush", "write c1", "flush");
    }

    @Test
    void afterTheOutputSaidNotReadyTheFlushGoesFirst() {
        // given an output that says not ready at the third chunk's write, with the second not flushed yet
        Fixed app = Fixed.scripted(5, (self, i) -> {
            if (i == 2) {
                channel.ready = false;
            }
            return bytes("c" + i);
        });
        Pump pump = open(batching, app);
        runTurns();
        assertThat(pump.state()).isEqualTo(Pump.State.AWAITING_READY);

        // when it is ready again
        channel.ready = true;
        pump.onWritePossible();
        runTurns();

        // then what was written before went out first, the rest under the turn's flush
        assertThat(channel.events).containsExactly("head 200", "write c0", "flush", "write c1", "flush", "write c2",
                "write c3", "write c4", "flush", "complete");
    }

    @Test
    void aBatchIsFlushedBeforeItWouldOverflowTheContainersBuffer() {
        // given a container buffer of 10 bytes, and chunks of 4
        channel.buffer = 10;
        Fixed app = new Fixed(new Body(6, i -> bytes("ccc" + i)), TEXT);

        // when they run in one turn
        open(batching, app);
        runTurns();

        // then no more than two chunks (8 bytes) wait for a flush: a third would overflow the buffer
        assertThat(channel.events).containsExactly("head 200", "write ccc0", "flush", "write ccc1", "write ccc2",
                "flush", "write ccc3", "write ccc4", "flush", "write ccc5", "flush", "complete");
    }

    @Test
    void aFlushThatFailsMeansTheClientLeft() {
        // given a client gone by the time the turn's flush is due (after an empty last chunk)
        Fixed app = new Fixed(new Body(3, i -> {
            if (i == 2) {
                channel.failWrites = new IOException("connection reset");
                return new byte[0];
            }
            return bytes("c" + i);
        }), TEXT);

        // when the turn's flush fails
        Pump pump = open(batching, app);
        runTurns();

        // then the exchange is released as after any failed write, and the body closed once
        assertThat(channel.events).containsExactly("head 200", "write c0", "flush", "write c1", "complete");
        assertThat(app.body.closes).hasValue(1);
        assertThat(pump.isDone()).isTrue();
    }

    @Test
    void anApplicationFailingAfterItsFirstChunkFindsTheResponseCommitted() {
        // given an application that fails right after its first chunk
        Fixed app = new Fixed(new Body(2, i -> {
            if (i == 1) {
                throw new IllegalStateException("the application failed");
            }
            return bytes("c0");
        }), TEXT);

        // when it runs
        open(batching, app);
        runTurns();

        // then the head went out flushed before the failure, so the container cuts a committed
        // response (an uncommitted one would end as its own error page, a whole response)
        assertThat(channel.events).containsExactly("head 200", "write c0", "flush", "abort");
        assertThat(app.body.closes).hasValue(1);
    }
}
