package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.jwsgi.Header;
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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tomcat recycles the request and response for another connection once {@code onComplete}
 * returns, and the containers end an exchange themselves after {@code AsyncListener.onError};
 * these orderings are hard to get from a real container on demand, so the container's objects
 * are mocks here (the integration tests show the harm on real Tomcat and Jetty).
 */
class ServletChannelTest {

    private final AsyncContext async = mock(AsyncContext.class);
    private final HttpServletRequest request = mock(HttpServletRequest.class);
    private final HttpServletResponse response = mock(HttpServletResponse.class);
    private final ServletOutputStream out = mock(ServletOutputStream.class);
    private final Engine engine = Engine.builder().executor(Runnable::run).build();
    private ServletChannel channel;

    @BeforeEach
    void open() throws IOException {
        when(response.getOutputStream()).thenReturn(out);
        channel = new ServletChannel(async, request, response);
        channel.bind(engine.open((env, start) -> List.of(), new HashMap<>(), channel, "GET /test"));
    }

    @AfterEach
    void stop() {
        engine.shutdown(Duration.ZERO);
    }

    @Test
    void afterTheContainerCompletedNothingTouchesTheRecycledResponse() throws Exception {
        // given the container completed the exchange (the client left, say)
        channel.onComplete(new AsyncEvent(async));

        // when the pump, on its own thread, still had a write to make
        boolean ready = channel.isReady();
        channel.head(200, "200 OK", List.of(new Header("Content-Type", "text/plain")));

        // then the response is left alone and the write is refused as a gone client
        assertThat(ready).as("ready, so that the pump reaches write() and learns of the end").isTrue();
        assertThatThrownBy(() -> channel.write(new byte[] {1})).isInstanceOf(IOException.class)
                .hasMessageContaining("the exchange is CLOSED");
        assertThatThrownBy(channel::flush).isInstanceOf(IOException.class);
        channel.complete();
        channel.abort(new IllegalStateException("late"));
        verify(out, never()).isReady();
        verify(out, never()).write(any(byte[].class));
        verify(out, never()).write(any(byte[].class), anyInt(), anyInt());
        verify(out, never()).flush();
        verify(response, never()).setStatus(anyInt());
        verify(async, never()).complete();
        verify(async, never()).dispatch();
        verify(request, never()).setAttribute(any(), any());
    }

    @Test // #7
    void afterAContainerErrorItsErrorHandlingEndsTheExchangeNotAnEmpty200() throws Exception {
        // when the container reports an error (Tomcat calls both listeners' onError; Jetty, stopping,
        // the AsyncListener's), and the pump, run inline here, ends the exchange as a client gone
        channel.onError(new AsyncEvent(async, new IOException("connection reset")));
        channel.onError(new IOException("connection reset"));
        channel.complete();
        channel.abort(new IllegalStateException("late"));

        // then the bridge leaves the ending to the container's error handling: completing as well
        // raced it and could send an empty 200 for a response whose head had not gone out
        verify(async, never()).complete();
        verify(async, never()).dispatch();
        verify(response, never()).setStatus(anyInt());
        assertThatThrownBy(() -> channel.write(new byte[] {1})).isInstanceOf(IOException.class);
        verify(out, never()).write(any(byte[].class));
    }

    @Test // #7
    void afterAFailedWriteTheContainersWriteListenerCallbackCompletesTheExchangeNotTheBridgeThread()
            throws Exception {
        // given a committed response whose write fails on a bridge thread (the client reset the connection)
        when(response.isCommitted()).thenReturn(true);
        doThrow(new IOException("connection reset")).when(out).write(any(byte[].class));
        assertThatThrownBy(() -> channel.write(new byte[] {1})).isInstanceOf(IOException.class);

        // when the pump ends the exchange on its thread
        channel.complete();

        // then it leaves that to the container, whose WriteListener.onError (Tomcat: in the middle of its
        // error handling) completes it on the container's own thread, once
        verify(async, never()).complete();
        channel.onError(new IOException("connection reset"));
        channel.onError(new AsyncEvent(async, new IOException("connection reset")));
        verify(async, times(1)).complete();
    }

    @Test
    void afterAFailedWriteReportedToTheWriteListenerOnlyTheBridgeStillEndsTheExchange() throws Exception {
        // when a write failed and only the WriteListener heard of it (Jetty's way for a client abort)
        channel.onError(new IOException("broken pipe"));
        channel.complete();

        // then the bridge completes the exchange, once, or nobody would
        verify(async, times(1)).complete();
    }

    @Test // #7
    void theContainerIsCalledWithItsOwnContextClassLoaderNotTheApplications() throws Exception {
        // given a bridge thread whose context class loader is the web application's
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
            assertThat(seen.get()).as("context class loader inside the container")
                    .isSameAs(async.getClass().getClassLoader());
            assertThat(Thread.currentThread().getContextClassLoader()).as("restored").isSameAs(application);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    @Test // #7
    void onErrorWaitsForACompleteInProgressOnABridgeThread() throws Exception {
        // given a bridge thread inside the container's complete()
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        doAnswer(call -> {
            inside.countDown();
            assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            return null;
        }).when(async).complete();
        Thread bridge = new Thread(channel::complete, "bridge");
        bridge.start();
        assertThat(inside.await(30, TimeUnit.SECONDS)).as("inside complete()").isTrue();

        // when the container reports an error on its own thread
        AtomicBoolean returned = new AtomicBoolean();
        Thread container = new Thread(() -> {
            channel.onError(new AsyncEvent(async, new IOException("reset")));
            returned.set(true);
        }, "container");
        container.start();
        awaitBlocked(container);

        // then its callback returns only once the bridge's call has (Tomcat recycles right after it)
        assertThat(returned).as("onError must wait for complete()").isFalse();
        release.countDown();
        container.join(TimeUnit.SECONDS.toMillis(30));
        bridge.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(returned).isTrue();
    }

    @Test
    void aCompletionAskedForIsOpenUntilTheContainerReportsIt() {
        // given a channel counted for the servlet's destroy()
        OpenExchanges open = new OpenExchanges(null);
        channel.countCompletionIn(open);

        // when the bridge completes the exchange
        channel.complete();

        // then destroy() would wait for it until the container reports it complete, once
        assertThat(open.open()).as("asked, not yet reported").isEqualTo(1);
        channel.onComplete(new AsyncEvent(async));
        channel.onComplete(new AsyncEvent(async));
        assertThat(open.open()).as("reported").isZero();
        assertThat(open.awaitNone(1, java.util.concurrent.TimeUnit.MILLISECONDS)).isZero();
    }

    @Test
    void aCompletionTheContainerRefusesOrDidItselfIsNotWaitedFor() {
        OpenExchanges open = new OpenExchanges(null);
        channel.countCompletionIn(open);
        doThrow(new IllegalStateException("already completed")).when(async).complete();

        channel.complete();

        assertThat(open.open()).as("the container refused: nothing to wait for").isZero();
    }

    @Test
    void withoutAContainerErrorTheExchangeIsCompletedOnce() throws Exception {
        // when the pump completes the exchange, and anything tries again
        channel.complete();
        channel.complete();
        channel.abort(new IllegalStateException("late"));

        // then the container is asked to complete it exactly once
        verify(async, times(1)).complete();
        verify(async, never()).dispatch();
    }

    @Test // #7
    void onCompleteNeverWaitsForABridgeCallThatWaitsForTheContainer() throws Exception {
        // given a container that fires onComplete holding a monitor (Tomcat's async state machine)
        // which the bridge's complete() needs, and a bridge thread inside complete()
        Object stateMachine = new Object();
        CountDownLatch bridgeInside = new CountDownLatch(1);
        CountDownLatch containerHolds = new CountDownLatch(1);
        doAnswer(call -> {
            bridgeInside.countDown();
            assertThat(containerHolds.await(30, TimeUnit.SECONDS)).isTrue();
            synchronized (stateMachine) {
                return null;
            }
        }).when(async).complete();
        Thread bridge = new Thread(channel::complete, "bridge");
        bridge.start();
        assertThat(bridgeInside.await(30, TimeUnit.SECONDS)).isTrue();

        // when the container completes the exchange on its own thread, holding that monitor
        Thread container = new Thread(() -> {
            synchronized (stateMachine) {
                containerHolds.countDown();
                channel.onComplete(new AsyncEvent(async));
            }
        }, "container");
        container.start();

        // then onComplete returns: the two threads never end up waiting for each other
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((container.isAlive() || bridge.isAlive()) && System.nanoTime() < deadline) {
            assertThat(container.getState() == Thread.State.TIMED_WAITING && bridge.getState() == Thread.State.BLOCKED)
                    .as("onComplete waiting for the bridge while the bridge waits for the container").isFalse();
            LockSupport.parkNanos(1_000_000);
        }
        assertThat(container.isAlive() || bridge.isAlive()).as("both threads done").isFalse();
    }

    @Test // #7
    void onTimeoutWaitsForAWriteInProgressAndEndsTheBridgesCalls() throws Exception {
        // given a write in progress on the pump's thread, after the head went out
        when(response.isCommitted()).thenReturn(true);
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        doAnswer(invocation -> {
            writing.countDown();
            assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            return null;
        }).when(out).write(any(byte[].class));
        Thread pumpThread = new Thread(() -> {
            try {
                channel.write(new byte[] {1});
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        pumpThread.start();
        assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();

        // when the container times the exchange out on its own thread (Tomcat, a context stopping)
        AtomicBoolean returned = new AtomicBoolean();
        Thread containerThread = new Thread(() -> {
            channel.onTimeout(new AsyncEvent(async));
            returned.set(true);
        });
        containerThread.start();
        awaitBlocked(containerThread);

        // then onTimeout returns only once the write is over, and the bridge ends nothing itself
        assertThat(returned).as("onTimeout must wait for the write").isFalse();
        release.countDown();
        containerThread.join(TimeUnit.SECONDS.toMillis(30));
        pumpThread.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(returned).isTrue();
        channel.complete();
        verify(async, never()).complete();
    }

    @Test
    void inNonBlockingModeOnWritePossibleRunsTheApplicationOnTheContainersThread() throws Exception {
        // given two exchanges on an engine whose own turns wait in a queue, one of them non-blocking
        Deque<Runnable> queued = new ArrayDeque<>();
        Engine queueing = Engine.builder().executor(queued::add).build();
        List<String> ranOn = new CopyOnWriteArrayList<>();
        when(out.isReady()).thenReturn(true);
        try {
            ServletChannel plain = new ServletChannel(async, request, response);
            ServletChannel inline = new ServletChannel(async, request, response);
            for (ServletChannel each : List.of(plain, inline)) {
                each.bind(queueing.open((env, start) -> {
                    ranOn.add(Thread.currentThread().getName());
                    start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
                    return List.of(new byte[] {'x'});
                }, new HashMap<>(), each, "GET /nb"));
            }
            inline.runTurnsInline(queueing);

            // when the container calls each one's onWritePossible
            plain.onWritePossible();
            inline.onWritePossible();

            // then the plain one's turn was handed to the engine; the non-blocking one ran and ended here
            assertThat(ranOn).as("applications run inside the callbacks").containsExactly(Thread.currentThread().getName());
            assertThat(queued).as("turns handed to the engine").hasSize(1);
            verify(async, times(1)).complete();
        } finally {
            queueing.shutdown(Duration.ZERO);
        }
    }

    @Test // #14
    void aContainerThatSendsOnlyWriteListenerOnErrorBeforeCommitEndsTheExchangeOnceWithA503() throws Exception {
        // given a response whose first write fails before the container committed anything
        java.util.concurrent.atomic.AtomicInteger closes = new java.util.concurrent.atomic.AtomicInteger();
        ServletChannel fresh = new ServletChannel(async, request, response);
        when(out.isReady()).thenReturn(true);
        doThrow(new IOException("broken pipe")).when(out).write(any(byte[].class));
        fresh.bind(engine.open((env, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return new Closing(List.of(new byte[] {'x'}), closes::incrementAndGet);
        }, new HashMap<>(), fresh, "GET /cut"));

        // when the pump runs (its write fails: it ends as a client gone) and the container then
        // reports the failure only to the WriteListener, on its own thread
        fresh.onWritePossible();
        verify(async, never()).complete();
        fresh.onError(new IOException("broken pipe"));
        fresh.onComplete(new AsyncEvent(async));

        // then the exchange was completed once, as a 503, never the application's 200, and closed once
        verify(async, times(1)).complete();
        verify(response).setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        assertThat(closes).as("close() calls").hasValue(1);
        assertThat(fresh.state()).isEqualTo(ServletChannel.State.CLOSED);
    }

    @Test
    void aWriteFailingInTheFirstTurnInsideServiceCompletesTheExchangeThere() throws Exception {
        // given an application whose first turn runs inside service() and whose client has left
        ServletChannel first = new ServletChannel(async, request, response);
        first.bind(engine.open((env, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return List.of(new byte[] {1}, new byte[] {2});
        }, new HashMap<>(), first, "GET /first"));
        when(out.isReady()).thenReturn(true);
        doThrow(new IOException("Broken pipe")).when(out).write(any(byte[].class));

        // when the first turn runs (Tomcat reports a failure there to no listener)
        first.firstTurn(engine);

        // then the exchange is completed on that thread, not left waiting for WriteListener.onError
        verify(async, times(1)).complete();
        assertThat(first.state()).isEqualTo(ServletChannel.State.COMPLETING);
    }

    @Test // #14
    void aFailedWriteTheContainerNeverReportsIsCompletedAtTheDeadlineWithASevereLine() throws Exception {
        // given a channel watched with a short deadline, whose write failed
        channel.watchContainerWith(engine, 50);
        when(response.isCommitted()).thenReturn(true);
        doThrow(new IOException("connection reset")).when(out).write(any(byte[].class));
        assertThatThrownBy(() -> channel.write(new byte[] {1})).isInstanceOf(IOException.class);

        // when the container never calls WriteListener.onError
        // then the bridge completes the exchange itself at the deadline
        verify(async, org.mockito.Mockito.timeout(30_000).times(1)).complete();
        assertThat(channel.state()).isEqualTo(ServletChannel.State.COMPLETING);
    }

    @Test // #14
    void onTimeoutBeforeTheHeadAnswers503AndCompletesOnTheContainersThread() {
        // when the container (Tomcat, a context stopping) times out a response whose head has not gone out
        channel.onTimeout(new AsyncEvent(async));
        channel.complete();

        // then the client gets a 503, never an empty 200, and the exchange is completed once
        verify(response).setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        verify(async, times(1)).complete();
    }

    @Test // #14
    void aReadBlockedOnASlowUploaderDoesNotDelayOnTimeout() throws Exception {
        // given a wsgi.input read blocked in the container, waiting for a slow client
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.io.InputStream slow = new java.io.InputStream() {
            @Override
            public int read() throws IOException {
                reading.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };
        java.io.InputStream input = channel.guard(slow);
        Thread reader = new Thread(() -> {
            try {
                input.read();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "reader");
        reader.start();
        assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();
        try {
            // when the container times the exchange out
            Thread container = new Thread(() -> channel.onTimeout(new AsyncEvent(async)), "container");
            container.start();
            container.join(TimeUnit.SECONDS.toMillis(5));

            // then onTimeout returned without waiting for the read
            assertThat(container.isAlive()).as("onTimeout still waiting for the read").isFalse();
        } finally {
            release.countDown();
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** A fixed body that runs {@code onClose} at close(). */
    private record Closing(List<byte[]> chunks, Runnable onClose) implements Iterable<byte[]>, AutoCloseable {
        @Override
        public java.util.Iterator<byte[]> iterator() {
            return chunks.iterator();
        }

        @Override
        public void close() {
            onClose.run();
        }
    }

    /** Waits until the thread blocks (or ends, which the caller's assertion then reports). */
    private static void awaitBlocked(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING
                && thread.getState() != Thread.State.TERMINATED) {
            assertThat(System.nanoTime()).as("thread blocked within 30 s").isLessThan(deadline);
            LockSupport.parkNanos(1_000_000);
        }
    }
}
