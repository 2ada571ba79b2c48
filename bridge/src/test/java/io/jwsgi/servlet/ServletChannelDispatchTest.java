package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.jwsgi.Header;
import io.jwsgi.server.Engine;
import io.jwsgi.server.Pump;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On Tomcat a turn asked for outside a container callback runs in an {@code ASYNC} dispatch
 * ({@code TURN_DISPATCHED}). Each order of that dispatch and the container's other callbacks is
 * driven here with the container's objects mocked, the pump and the channel real: the turn runs
 * exactly once whatever comes first, and the application runs only on the dispatch's thread.
 */
class ServletChannelDispatchTest {

    private final AsyncContext async = mock(AsyncContext.class);
    private final HttpServletRequest request = mock(HttpServletRequest.class);
    private final HttpServletResponse response = mock(HttpServletResponse.class);
    private final ServletOutputStream out = mock(ServletOutputStream.class);
    /** Turns the channel refuses run right here, on the caller's thread. */
    private final Engine engine = Engine.builder().executor(Runnable::run).build();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private ServletChannel channel;
    private Pump pump;

    @BeforeEach
    void open() throws IOException {
        when(response.getOutputStream()).thenReturn(out);
        when(out.isReady()).thenReturn(true);
        // Tomcat hands the same AsyncContext back for the next cycle.
        when(request.startAsync()).thenReturn(async);
        pump = open((env, start) -> {
            calls.incrementAndGet();
            start.start("200 OK", List.of(new Header("Content-Length", "2")));
            return new CloseCounting(List.of("hi".getBytes(StandardCharsets.US_ASCII)), closes);
        });
    }

    /** A fresh channel, dispatching its turns, with a pump for {@code app}. */
    private Pump open(io.jwsgi.Application app) throws IOException {
        channel = new ServletChannel(async, request, response);
        channel.resumeTurnsByDispatch();
        Pump opened = engine.open(app, new HashMap<>(), channel, "GET /test");
        channel.bind(opened);
        return opened;
    }

    @AfterEach
    void stop() {
        engine.shutdown(Duration.ZERO);
    }

    @Test
    void aTurnAskedForOutsideACallbackRunsOnceInTheAsyncDispatchWhichStartsAnotherCycle() throws Exception {
        // when a turn is asked for on a thread not the container's (the container's first callback stands in)
        pump.onWritePossible();

        // then nothing ran yet: the container was asked for a dispatch
        assertThat(calls).hasValue(0);
        assertThat(channel.state()).isEqualTo(ServletChannel.State.TURN_DISPATCHED);
        verify(request).setAttribute(ServletChannel.TURN, channel);
        verify(async).dispatch();

        // when the dispatch arrives (twice, say), the turn runs there once, in a new async cycle
        // whose output is non-blocking again (Tomcat drops the WriteListener at a dispatch)
        channel.turnDispatched(request);
        channel.turnDispatched(request);
        assertThat(calls).hasValue(1);
        assertThat(closes).hasValue(1);
        verify(request, times(1)).startAsync();
        verify(async).setTimeout(0);
        verify(out).setWriteListener(channel);
        verify(out).write(any(byte[].class));
        verify(async).complete();
        assertThat(pump.isDone()).isTrue();
    }

    @Test
    void aDispatchedTurnThatSleepsStartsAnotherAsyncCycle() throws Exception {
        // given an application that sleeps after its first chunk
        Pump sleeper = open((env, start) -> {
            calls.incrementAndGet();
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            ((Runnable) env.get("async.sleep")).run();
            return List.of("a".getBytes(StandardCharsets.US_ASCII), "b".getBytes(StandardCharsets.US_ASCII));
        });
        sleeper.onWritePossible();

        // when its dispatch arrives and the turn sleeps
        channel.turnDispatched(request);

        // then the exchange stays open in a new async cycle, with the container's timeout off
        assertThat(sleeper.isSleeping()).isTrue();
        verify(request).startAsync();
        verify(async).setTimeout(0);
        verify(out).setWriteListener(channel);
        assertThat(channel.state()).isEqualTo(ServletChannel.State.OPEN);
        verify(async, never()).complete();
    }

    @Test
    void aDispatchedTurnThatCutsTheResponseDispatchesAgainToThrowTheAbort() throws Exception {
        // given an application that fails after its head went out
        Pump failing = open((env, start) -> {
            start.start("200 OK", List.of(new Header("Content-Length", "2")));
            return () -> new java.util.Iterator<byte[]>() {
                private boolean first = true;

                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public byte[] next() {
                    if (first) {
                        first = false;
                        return new byte[] {'h'};
                    }
                    throw new IllegalStateException("broken after the head");
                }
            };
        });
        failing.onWritePossible();

        // when its dispatch runs the turn, then the abort asks for a second dispatch, in the new cycle, to cut the response
        channel.turnDispatched(request);
        verify(async, times(2)).dispatch();
        verify(request).setAttribute(ServletChannel.ABORT, channel);
        assertThat(channel.state()).isEqualTo(ServletChannel.State.ABORTING);
        assertThat(failing.isDone()).isTrue();
        assertThat(channel.abortDispatched()).hasMessageContaining("broken after the head");
    }

    @Test
    void aContainerErrorBeforeTheDispatchRunsTheTurnOnceOnlyToEndTheResponse() throws Exception {
        // given a turn waiting for its dispatch
        pump.onWritePossible();

        // when the container reports an error first, then dispatches after all
        channel.onError(new AsyncEvent(async, new IOException("connection reset")));
        channel.turnDispatched(request);

        // then the response ended without running the application, and no new cycle began
        assertThat(pump.isDone()).isTrue();
        assertThat(calls).hasValue(0);
        assertThat(channel.state()).isEqualTo(ServletChannel.State.CONTAINER_ENDING);
        verify(request, never()).startAsync();
        verify(async, never()).complete();
    }

    @Test
    void theContainerCompletingBeforeTheDispatchRunsTheTurnOnce() throws Exception {
        pump.onWritePossible();

        channel.onComplete(new AsyncEvent(async));
        channel.onTimeout(new AsyncEvent(async));

        assertThat(pump.isDone()).isTrue();
        assertThat(calls).hasValue(0);
        assertThat(channel.state()).isEqualTo(ServletChannel.State.CLOSED);
    }

    @Test
    void aRefusedDispatchLeavesTheTurnToTheEngine() throws Exception {
        // given a container that refuses the dispatch (Tomcat, its context stopping)
        doThrow(new UnsupportedOperationException("stopping")).when(async).dispatch();

        // when a turn is asked for
        pump.onWritePossible();

        // then the engine ran it (here: on this thread) and the exchange completed
        assertThat(calls).hasValue(1);
        verify(request).removeAttribute(ServletChannel.TURN);
        verify(out).write(any(byte[].class));
        verify(async).complete();
    }

    @Test
    void noDispatchWhileTheServletIsDestroyed() throws Exception {
        channel.destroyingWhen(() -> true);

        pump.onWritePossible();

        assertThat(calls).hasValue(1);
        verify(async, never()).dispatch();
    }

    @Test
    void aDispatchThatNeverComesEndsTheResponseAtTheDeadlineWithoutRunningTheApplication() throws Exception {
        // given a container that never dispatches, watched with a short deadline
        channel.watchContainerWith(engine, 50);

        // when a turn is asked for
        pump.onWritePossible();

        // then at the deadline the turn runs once, only to end the response: a 503, never the application
        verify(async, timeout(10_000)).complete();
        assertThat(pump.isDone()).as("ended by the deadline").isTrue();
        assertThat(calls).hasValue(0);
        verify(response).setStatus(503);
        verify(request, never()).startAsync();
    }

    /** A body that counts its close() calls. */
    private record CloseCounting(List<byte[]> chunks, AtomicInteger closes) implements Iterable<byte[]>, AutoCloseable {
        @Override
        public java.util.Iterator<byte[]> iterator() {
            return chunks.iterator();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
