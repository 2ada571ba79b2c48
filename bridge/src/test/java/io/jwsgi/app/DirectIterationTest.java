package io.jwsgi.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Header;
import io.jwsgi.testing.AsyncStandIn;
import io.jwsgi.testing.EnvironBuilder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncBody} and {@link SseStream} iterated by the test itself, playing the server, on an
 * {@link EnvironBuilder} environ whose {@code async.sleep}/{@code async.wake} stand-ins keep the
 * ledger: no container, no hand-made callables.
 */
class DirectIterationTest {

    @Test // #17
    void anEmptyAsyncBodySleepsAndAnOfferWakesIt() {
        // given a body on a builder's environ, nothing queued
        Map<String, Object> environ = EnvironBuilder.of("GET", "/feed").build();
        AsyncStandIn async = EnvironBuilder.async(environ);
        AsyncBody body = AsyncBody.of(environ);
        Iterator<byte[]> chunks = body.iterator();

        // when the test pulls, as a server would
        assertThat(chunks.hasNext()).isTrue();
        assertThat(chunks.next()).as("nothing queued: an empty chunk").isEmpty();

        // then the body asked to sleep, and an offer wakes it with its chunk
        assertThat(async.isSleeping()).as("after the empty chunk").isTrue();
        assertThat(body.offer("one".getBytes(UTF_8))).isTrue();
        assertThat(async.isSleeping()).as("after offer").isFalse();
        assertThat(new String(chunks.next(), UTF_8)).isEqualTo("one");

        // and end wakes too, after which the body is over
        chunks.next();
        assertThat(async.isSleeping()).isTrue();
        body.end();
        assertThat(async.isSleeping()).as("after end").isFalse();
        assertThat(chunks.hasNext()).isFalse();
        assertThat(List.of(async.sleeps(), async.wakes())).containsExactly(2, 2);
    }

    @Test // #17
    void anOfferBeforeTheSleepIsNotLost() {
        // given a body whose producer offers while the "server" is between two pulls
        Map<String, Object> environ = EnvironBuilder.of("GET", "/feed").build();
        AsyncStandIn async = EnvironBuilder.async(environ);
        AsyncBody body = AsyncBody.of(environ);
        Iterator<byte[]> chunks = body.iterator();

        // when the offer's wake comes first
        body.offer("early".getBytes(UTF_8));

        // then the chunk is there, and the wake kept cancels the next sleep
        assertThat(new String(chunks.next(), UTF_8)).isEqualTo("early");
        assertThat(async.hasPermit()).isTrue();
        chunks.next();
        assertThat(async.isSleeping()).as("the kept wake cancelled the sleep").isFalse();
    }

    @Test // #17
    void anSseStreamCanBeReadDirectly() {
        // given a stream started on a builder's environ, recording what start_response got
        Map<String, Object> environ = EnvironBuilder.of("GET", "/events").build();
        AsyncStandIn async = EnvironBuilder.async(environ);
        List<String> started = new ArrayList<>();
        SseStream stream = SseStream.start(environ, (status, headers, excInfo) -> {
            started.add(status);
            headers.stream().map(Header::name).forEach(started::add);
            return data -> { };
        });
        Iterator<byte[]> chunks = stream.iterator();

        // when the test reads it, as a server would
        String opening = new String(chunks.next(), UTF_8);
        byte[] idle = chunks.next();
        boolean sleptAtFirst = async.isSleeping();
        chunks.next();
        boolean sleptWhenIdle = async.isSleeping();
        stream.send("tick", "1");
        String event = new String(chunks.next(), UTF_8);
        stream.close();

        // then
        assertThat(started).containsExactly("200 OK", "Content-Type", "Cache-Control", "X-Accel-Buffering");
        assertThat(opening).isEqualTo(": open\n\n");
        assertThat(idle).as("nothing to send: an empty chunk").isEmpty();
        assertThat(sleptAtFirst).as("the opening comment's wake was kept and cancelled the first sleep").isFalse();
        assertThat(sleptWhenIdle).as("the idle stream slept").isTrue();
        assertThat(event).isEqualTo("event: tick\ndata: 1\n\n");
        assertThat(chunks.hasNext()).as("closed").isFalse();
        assertThat(async.isSleeping()).as("send woke it").isFalse();
    }
}
