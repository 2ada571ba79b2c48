package io.jwsgi.server;

import static io.jwsgi.server.TestApps.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Environ;
import io.jwsgi.server.TestApps.Body;
import io.jwsgi.server.TestApps.Fixed;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Engine#runInline}: the first turn an event asks for runs on the caller's thread; every
 * other turn still goes to the engine's executor (here a queue the test runs by hand).
 */
class EngineInlineTest {

    private final Deque<Runnable> turns = new ArrayDeque<>();
    private final Engine engine = Engine.builder().executor(turns::add).build();
    private final RecordingChannel channel = new RecordingChannel();
    private final List<String> ranOn = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        engine.shutdown(Duration.ZERO);
    }

    private Pump open(Fixed app, RecordingChannel on) {
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        return engine.open(app, environ, on, "GET /inline");
    }

    /** An app of {@code count} chunks that notes the thread each chunk is produced on. */
    private Fixed recording(int count) {
        return new Fixed(new Body(count, i -> {
            ranOn.add(Thread.currentThread().getName());
            return bytes("c" + i);
        }), TestApps.TEXT);
    }

    @Test
    void theTurnAnEventAsksForRunsOnTheCallingThread() {
        // given a response whose turns would otherwise wait in the executor's queue
        Fixed app = recording(2);
        Pump pump = open(app, channel);

        // when its first onWritePossible is delivered inline
        engine.runInline(pump::onWritePossible);

        // then the whole response ran here, before runInline returned, and nothing was queued
        assertThat(turns).as("turns handed to the executor").isEmpty();
        assertThat(ranOn).as("threads that produced the chunks")
                .containsExactly(Thread.currentThread().getName(), Thread.currentThread().getName());
        assertThat(channel.body.toString()).as("body").isEqualTo("c0c1");
        assertThat(List.of(pump.isDone(), channel.completions, app.body.closes.get()))
                .as("done, completed once, closed once").containsExactly(true, 1, 1);
    }

    @Test
    void aWakeFromAnotherThreadStillGoesToTheExecutor() throws Exception {
        // given a response that slept during its inline turn
        Fixed app = Fixed.scripted(2, (self, i) -> {
            if (i == 0) {
                self.sleep();
                return new byte[0];
            }
            ranOn.add(Thread.currentThread().getName());
            return bytes("woken");
        });
        Pump pump = open(app, channel);
        engine.runInline(pump::onWritePossible);
        assertThat(pump.isSleeping()).as("asleep after the inline turn").isTrue();

        // when another thread wakes it
        Thread waker = new Thread(app::wake, "waker");
        waker.start();
        waker.join(TimeUnit.SECONDS.toMillis(30));

        // then the waker only queued the turn; the executor runs it
        assertThat(ranOn).as("nothing ran on the waker").isEmpty();
        assertThat(turns).as("turns queued by the wake").hasSize(1);
        turns.poll().run();
        assertThat(ranOn).as("the resumed turn ran on the executor's thread")
                .containsExactly(Thread.currentThread().getName());
        assertThat(channel.body.toString()).isEqualTo("woken");
        assertThat(pump.isDone()).isTrue();
    }

    @Test
    void aTurnThatSpendsItsBudgetYieldsToTheExecutorInsteadOfNesting() {
        // given a long body: more chunks than one turn writes before yielding
        Fixed app = recording(200);
        Pump pump = open(app, channel);

        // when its first turn runs inline
        engine.runInline(pump::onWritePossible);

        // then the turn stopped part-way and queued its continuation, which the executor finishes
        assertThat(pump.isDone()).as("done within one inline turn").isFalse();
        assertThat(turns).as("the continuation, queued once").hasSize(1);
        int inline = ranOn.size();
        assertThat(inline).as("chunks produced inline").isBetween(1, 199);
        for (Runnable turn; (turn = turns.poll()) != null; ) {
            turn.run();
        }
        assertThat(ranOn).as("every chunk produced once").hasSize(200);
        assertThat(List.of(pump.isDone(), app.body.closes.get())).containsExactly(true, 1);
    }

    @Test
    void anEventThatAsksForNoTurnLeavesLaterTurnsToTheExecutor() {
        // given an inline delivery that scheduled nothing
        engine.runInline(() -> { });

        // when a response starts outside runInline, on the same thread
        Fixed app = recording(1);
        Pump pump = open(app, channel);
        pump.onWritePossible();

        // then its turn waits in the executor's queue
        assertThat(ranOn).as("nothing ran inline").isEmpty();
        assertThat(turns).as("queued turns").hasSize(1);
        turns.poll().run();
        assertThat(pump.isDone()).isTrue();
    }

    @Test
    void anInlineTurnDoesNotRunAnotherResponsesTurnInline() {
        // given a sleeping response B, and a response A whose application wakes B
        RecordingChannel other = new RecordingChannel();
        Fixed sleeper = Fixed.scripted(2, (self, i) -> {
            if (i == 0) {
                self.sleep();
                return new byte[0];
            }
            ranOn.add("B on " + Thread.currentThread().getName());
            return bytes("b");
        });
        Pump b = open(sleeper, other);
        b.onWritePossible();
        turns.poll().run();
        assertThat(b.isSleeping()).isTrue();
        Fixed waker = Fixed.scripted(1, (self, i) -> {
            sleeper.wake();
            return bytes("a");
        });
        Pump a = open(waker, channel);

        // when A's first turn runs inline
        engine.runInline(a::onWritePossible);

        // then A finished there, and B's resumed turn went to the executor
        assertThat(a.isDone()).as("A done inline").isTrue();
        assertThat(ranOn).as("B not run inside A's turn").isEmpty();
        assertThat(turns).as("B's turn queued").hasSize(1);
        turns.poll().run();
        assertThat(other.body.toString()).isEqualTo("b");
    }
}
