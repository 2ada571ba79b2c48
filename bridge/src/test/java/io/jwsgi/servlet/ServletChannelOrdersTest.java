package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.server.Engine;
import io.jwsgi.server.Pump;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every order of three container and bridge events, on one exchange whose application sleeps
 * before its head: the exchange is ended exactly once by exactly one party, the iterable closed
 * once, the channel {@code CLOSED} once the container has called back, and a response the bridge
 * completes before its head went out is never a 200. The container's objects are mocks: these
 * orders cannot be produced on demand by a real container.
 */
class ServletChannelOrdersTest {

    /** What can happen to the exchange, in any order. */
    enum Event {
        /** The application is woken: it writes its head and one chunk, then ends. */
        WAKE,
        /** From now on the container's writes fail (a client that left). */
        WRITES_FAIL,
        /** {@code AsyncListener.onError}. */
        CONTAINER_ERROR,
        /** {@code WriteListener.onError}. */
        WRITE_LISTENER_ERROR,
        /** {@code AsyncListener.onTimeout} (Tomcat, a context stopping). */
        TIMEOUT,
        /** {@code AsyncListener.onComplete} without being asked (the container ended it). */
        CONTAINER_COMPLETES,
        /** The pump's {@code complete()} (an ending racing the others). */
        COMPLETE,
        /** The pump's {@code abort()}. */
        ABORT,
        /** The engine shuts down (container stop or undeploy). */
        STOP
    }

    private static final Logger BRIDGE = Logger.getLogger("io.jwsgi");
    private static Level before;

    @BeforeAll
    static void quiet() {
        // 504 exchanges, most of them ended abnormally on purpose: their log lines are not the subject.
        before = BRIDGE.getLevel();
        BRIDGE.setLevel(Level.OFF);
    }

    @AfterAll
    static void restore() {
        BRIDGE.setLevel(before);
    }

    @Test // #14
    void everyOrderOfThreeEventsEndsTheExchangeOnceAndNeverAsAWhole200() {
        List<String> violations = new ArrayList<>();
        Event[] all = Event.values();
        int orders = 0;
        for (Event a : all) {
            for (Event b : all) {
                for (Event c : all) {
                    if (a != b && b != c && a != c) {
                        orders++;
                        violations.addAll(new Exchange().run(List.of(a, b, c)));
                    }
                }
            }
        }
        assertThat(orders).isEqualTo(504);
        assertThat(violations).as("broken rules over %s orders", orders).isEmpty();
    }

    /** One exchange on mocks, recording what the bridge asked of the container. */
    private static final class Exchange {
        final AsyncContext async = mock(AsyncContext.class);
        final HttpServletRequest request = mock(HttpServletRequest.class);
        final HttpServletResponse response = mock(HttpServletResponse.class);
        final ServletOutputStream out = mock(ServletOutputStream.class);
        final Engine engine = Engine.builder().executor(Runnable::run).build();
        final AtomicBoolean committed = new AtomicBoolean();
        final AtomicBoolean writesFail = new AtomicBoolean();
        /** The test itself called complete() as the pump does after a whole body: an empty 200 is then right. */
        final AtomicBoolean wholeClaimed = new AtomicBoolean();
        final AtomicInteger status = new AtomicInteger(200);
        final AtomicInteger completes = new AtomicInteger();
        final AtomicInteger dispatches = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        final List<String> violations = new ArrayList<>();
        Map<String, Object> environ;
        ServletChannel channel;
        Pump pump;
        List<Event> order;

        List<String> run(List<Event> events) {
            order = events;
            try {
                open();
                for (Event e : events) {
                    apply(e);
                }
                // the container calls back for whatever was asked of it, then the server stops
                settle();
                engine.shutdown(Duration.ZERO);
                settle();
                check(pump.isDone(), "the pump is done");
                check(closes.get() == 1, "close() once, got " + closes.get());
                check(completes.get() + dispatches.get() <= 1,
                        "the bridge ended the exchange at most once, got complete " + completes + ", dispatch " + dispatches);
                check(channel.state() == ServletChannel.State.CLOSED, "the channel is CLOSED, got " + channel.state());
            } catch (Exception | AssertionError e) {
                violations.add(order + ": " + e);
            }
            return violations;
        }

        void open() throws IOException {
            when(response.getOutputStream()).thenReturn(out);
            when(response.isCommitted()).thenAnswer(call -> committed.get());
            when(out.isReady()).thenReturn(true);
            doAnswer(call -> {
                if (writesFail.get()) {
                    throw new IOException("broken pipe");
                }
                committed.set(true);
                return null;
            }).when(out).write(any(byte[].class));
            doAnswer(call -> {
                status.set(call.getArgument(0));
                return null;
            }).when(response).setStatus(anyInt());
            doAnswer(call -> {
                status.set(200);
                return null;
            }).when(response).reset();
            doAnswer(call -> {
                completes.incrementAndGet();
                check(committed.get() || status.get() >= 500 || wholeClaimed.get(),
                        "completed before the head with status " + status.get() + ": a whole, empty response");
                return null;
            }).when(async).complete();
            doAnswer(call -> {
                dispatches.incrementAndGet();
                return null;
            }).when(async).dispatch();
            channel = new ServletChannel(async, request, response);
            environ = new HashMap<>();
            environ.put(Environ.REQUEST_METHOD, "GET");
            pump = engine.open((env, start) -> {
                start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
                return new SleepThenOneChunk();
            }, environ, channel, "GET /orders");
            channel.bind(pump);
            channel.onWritePossible();
            check(pump.isSleeping(), "asleep before the head");
        }

        void apply(Event e) {
            switch (e) {
                case WAKE -> ((Runnable) environ.get(Environ.ASYNC_WAKE)).run();
                case WRITES_FAIL -> writesFail.set(true);
                case CONTAINER_ERROR -> channel.onError(new AsyncEvent(async, new IOException("reset")));
                case WRITE_LISTENER_ERROR -> channel.onError(new IOException("reset"));
                case TIMEOUT -> channel.onTimeout(new AsyncEvent(async));
                case CONTAINER_COMPLETES -> channel.onComplete(new AsyncEvent(async));
                case COMPLETE -> {
                    wholeClaimed.set(channel.state() == ServletChannel.State.OPEN);
                    channel.complete();
                }
                case ABORT -> channel.abort(new IllegalStateException("cut"));
                case STOP -> engine.shutdown(Duration.ZERO);
                default -> throw new IllegalArgumentException(e.name());
            }
        }

        /**
         * The container's side: a failed write is reported to the WriteListener, the aborting
         * dispatch arrives, and every exchange it ends or was asked to end completes.
         */
        void settle() {
            if (channel.state() == ServletChannel.State.OUTPUT_FAILED) {
                channel.onError(new IOException("broken pipe"));
            }
            if (channel.state() == ServletChannel.State.ABORTING && dispatches.get() > 0) {
                channel.abortDispatched();
            }
            ServletChannel.State now = channel.state();
            if (now == ServletChannel.State.COMPLETING || now == ServletChannel.State.CONTAINER_ENDING) {
                channel.onComplete(new AsyncEvent(async));
            }
        }

        void check(boolean ok, String rule) {
            if (!ok) {
                violations.add(order + ": " + rule);
            }
        }

        /** Sleeps at its first chunk, yields one non-empty chunk when woken, then ends. */
        final class SleepThenOneChunk implements Iterable<byte[]>, AutoCloseable {
            private int pulled;

            @Override
            public Iterator<byte[]> iterator() {
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return pulled < 2;
                    }

                    @Override
                    public byte[] next() {
                        if (pulled++ == 0) {
                            ((Runnable) environ.get(Environ.ASYNC_SLEEP)).run();
                            return new byte[0];
                        }
                        return new byte[] {'x'};
                    }
                };
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        }
    }
}
