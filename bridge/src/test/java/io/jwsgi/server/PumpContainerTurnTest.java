package io.jwsgi.server;

import static io.jwsgi.server.TestApps.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The legacy {@code write} in a turn on a container thread ({@link Engine#runInline}), where it
 * cannot wait for the client: it keeps the bytes, within a bound, and sends the application's
 * later turns to the engine's threads.
 */
class PumpContainerTurnTest {

    private final Deque<Runnable> engineTurns = new ArrayDeque<>();
    private final Engine engine = Engine.builder().executor(engineTurns::add).build();

    @AfterEach
    void stop() {
        engine.shutdown(Duration.ZERO);
    }

    private Pump open(Application app, Channel channel) {
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        return engine.open(app, environ, channel, "GET /turns");
    }

    @Test
    void aLegacyWriteOnAContainerThreadKeepsWhatTheClientCannotTakeAndLaterTurnsGoToTheEngine() {
        // given a client that takes nothing yet, and an application writing through the legacy callable
        RecordingChannel channel = new RecordingChannel();
        channel.ready = false;
        AtomicBoolean returned = new AtomicBoolean();
        Pump pump = open((env, start) -> {
            var write = start.start("200 OK", TestApps.TEXT);
            write.write(bytes("a"));
            write.write(bytes("b"));
            returned.set(true);
            return List.of(bytes("c"));
        }, channel);

        // when its first turn runs on a container thread
        engine.runInline(pump::onWritePossible);

        // then the writes returned without waiting (the container could not have said "ready" meanwhile)
        assertThat(returned).isTrue();
        assertThat(channel.chunks).isEmpty();
        assertThat(engine.legacyWriteSeen()).as("the engine learned that the application writes").isTrue();

        // when the client can take output and the container says so on its thread
        channel.ready = true;
        engine.runInline(pump::onWritePossible);

        // then that turn went to the engine's threads, not this one
        assertThat(channel.chunks).isEmpty();
        assertThat(engineTurns).hasSize(1);
        engineTurns.poll().run();
        assertThat(channel.chunks).containsExactly("a", "b", "c");
        assertThat(channel.completions).isEqualTo(1);
    }

    @Test
    void aLegacyWriterThatRunsPastTheBoundOnAContainerThreadFailsNamingTheSetting() {
        // given a client that takes nothing, and an application writing in a loop
        RecordingChannel channel = new RecordingChannel();
        channel.ready = false;
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Pump pump = open((env, start) -> {
            var write = start.start("200 OK", TestApps.TEXT);
            try {
                while (true) {
                    write.write(new byte[64 * 1024]);
                }
            } catch (java.io.IOException e) {
                failure.set(e);
                throw e;
            }
        }, channel);

        // when its first turn runs on a container thread
        engine.runInline(pump::onWritePossible);

        // then write() failed once past the bound, saying why and what to set
        assertThat(failure.get()).isInstanceOf(java.io.IOException.class).hasMessageContaining("turns=pool")
                .hasMessageContaining(Long.toString(Pump.LEGACY_BACKLOG));

        // and once the client can take output, the application error is answered, on the engine's threads
        channel.ready = true;
        engine.runInline(pump::onWritePossible);
        assertThat(engineTurns).hasSize(1);
        engineTurns.poll().run();
        assertThat(channel.code).isEqualTo(500);
        assertThat(pump.isDone()).isTrue();
        assertThat(channel.endings()).isEqualTo(1);
    }
}
