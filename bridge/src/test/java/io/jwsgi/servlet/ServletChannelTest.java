package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.jwsgi.server.Engine;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the channel ends an exchange. Mocks stand for the container here: the race it guards
 * against (the container's error handling against the bridge's own completion) cannot be
 * produced on demand by a real one.
 */
class ServletChannelTest {

    private final AsyncContext async = mock(AsyncContext.class);
    private final HttpServletResponse response = mock(HttpServletResponse.class);
    private final Engine engine = Engine.builder().executor(turn -> { }).build();

    @AfterEach
    void stop() {
        engine.shutdown(Duration.ZERO);
    }

    private ServletChannel channel() throws IOException {
        when(response.getOutputStream()).thenReturn(mock(ServletOutputStream.class));
        ServletChannel channel = new ServletChannel(async, mock(HttpServletRequest.class), response);
        channel.bind(engine.open((env, start) -> List.of(), new HashMap<>(), channel, "GET /t"));
        return channel;
    }

    @Test // #7
    void afterTheContainerReportedAnErrorItsErrorHandlingEndsTheExchangeNotAnEmpty200() throws Exception {
        // given an exchange whose head never went out, and the container reporting it failed (a server stopping)
        ServletChannel channel = channel();
        channel.onError(new AsyncEvent(async, new IOException("the server is stopping")));

        // when the pump ends the exchange, completing or cutting it
        channel.complete();
        channel.abort(new IllegalStateException("late"));

        // then the bridge leaves the ending to the container, which answers with its error page
        verify(async, never()).complete();
        verify(async, never()).dispatch();
        verify(response, never()).setStatus(org.mockito.ArgumentMatchers.anyInt());
    }

    @Test
    void afterAFailedWriteReportedToTheWriteListenerTheBridgeStillEndsTheExchange() throws Exception {
        // given an exchange whose write failed: Jetty reports a client abort to the WriteListener only
        ServletChannel channel = channel();
        channel.onError(new IOException("broken pipe"));

        // when the pump ends the exchange
        channel.complete();

        // then the bridge completes it, or nobody would
        verify(async, times(1)).complete();
    }

    @Test // #7
    void theContainerIsCalledWithItsOwnContextClassLoaderNotTheApplications() throws Exception {
        // given a bridge thread whose context class loader is the web application's
        ServletChannel channel = channel();
        AtomicReference<ClassLoader> seen = new AtomicReference<>();
        doAnswer(call -> {
            seen.set(Thread.currentThread().getContextClassLoader());
            return null;
        }).when(async).complete();
        ClassLoader application = new URLClassLoader(new URL[0], null);
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(application);
        try {
            // when it completes the exchange (the container may start a worker thread from it)
            channel.complete();

            // then the container saw its own class loader, and the thread got the application's back
            assertThat(seen.get()).as("context class loader inside the container").isSameAs(async.getClass().getClassLoader());
            assertThat(Thread.currentThread().getContextClassLoader()).as("restored").isSameAs(application);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    @Test // #7
    void theContainersOnErrorWaitsForACallIntoTheContainerInProgress() throws Exception {
        // given a bridge thread inside the container's complete()
        ServletChannel channel = channel();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        doAnswer(call -> {
            inside.countDown();
            release.await(10, TimeUnit.SECONDS);
            return null;
        }).when(async).complete();
        Thread bridge = new Thread(channel::complete, "bridge");
        bridge.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).as("inside complete()").isTrue();

        // when the container reports an error on its own thread
        Thread container = new Thread(() -> channel.onError(new AsyncEvent(async, new IOException("reset"))), "container");
        container.start();

        // then its callback waits until the bridge's call has returned (Tomcat recycles right after it)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (container.getState() != Thread.State.TIMED_WAITING && container.isAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(container.getState()).as("onError waiting while complete() runs").isEqualTo(Thread.State.TIMED_WAITING);
        release.countDown();
        container.join(10_000);
        bridge.join(10_000);
        assertThat(container.isAlive()).as("onError returned once complete() did").isFalse();
    }

    @Test
    void withoutAContainerErrorTheExchangeIsCompletedOnce() throws Exception {
        // given an exchange the container reported nothing about
        ServletChannel channel = channel();

        // when the pump completes it, and anything tries again
        channel.complete();
        channel.complete();
        channel.abort(new IllegalStateException("late"));

        // then the container is asked to complete it exactly once
        verify(async, times(1)).complete();
        verify(async, never()).dispatch();
    }
}
