package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The applications of the {@link FaultMatrixIT} cells, and what each cell's application and client share. */
final class FaultApps {

    static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain; charset=utf-8"));
    static final List<Header> OCTETS = List.of(new Header("Content-Type", "application/octet-stream"));

    private FaultApps() {
    }

    /** What one cell's application and client share. */
    static final class Ctx {
        final AtomicInteger completions = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        final List<String> events = new CopyOnWriteArrayList<>();
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        volatile String path;
        volatile ProbeBody body;
        volatile Runnable wake;
        volatile Throwable wakerFailure;

        ProbeBody body(ProbeBody value) {
            body = value;
            return value;
        }

        /** The application reached the point the client waits for. */
        void reached() {
            reached.countDown();
        }

        void awaitReached() throws InterruptedException {
            assertThat(reached.await(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                    .as("the application reached its fault point").isTrue();
        }

        /** Lets an application waiting in {@link #awaitReleased()} go on. */
        void release() {
            released.countDown();
        }

        void awaitReleased() throws InterruptedException {
            assertThat(released.await(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).as("released by the test").isTrue();
        }
    }

    /** Registers the AsyncListener counting completions, then runs the application. */
    static Application watched(Ctx ctx, Application app) {
        return (env, sr) -> {
            HttpServletRequest request = (HttpServletRequest) env.get(Environ.SERVLET_REQUEST);
            request.getAsyncContext().addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent event) {
                    ctx.events.add("complete");
                    ctx.completions.incrementAndGet();
                }

                @Override
                public void onTimeout(AsyncEvent event) {
                    ctx.events.add("timeout");
                }

                @Override
                public void onError(AsyncEvent event) {
                    ctx.events.add("error " + event.getThrowable());
                }

                @Override
                public void onStartAsync(AsyncEvent event) {
                }
            });
            return app.call(env, sr);
        };
    }

    static Application endless(Ctx ctx, byte[] chunk) {
        return (env, sr) -> {
            sr.start("200 OK", OCTETS);
            return ctx.body(new ProbeBody(i -> chunk));
        };
    }

    /** Yields {@code first} (unless null), then sleeps; once woken yields what {@code after} makes. */
    static Application sleeper(Ctx ctx, String first, ProbeBody.Chunks after) {
        return (env, sr) -> {
            Runnable sleep = (Runnable) env.get(Environ.ASYNC_SLEEP);
            ctx.wake = (Runnable) env.get(Environ.ASYNC_WAKE);
            sr.start("200 OK", TEXT);
            int sleepAt = first == null ? 0 : 1;
            return ctx.body(new ProbeBody(i -> {
                if (i < sleepAt) {
                    return bytes(first);
                }
                if (i == sleepAt) {
                    sleep.run();
                    ctx.reached();
                    return new byte[0];
                }
                return after.next(i - sleepAt - 1);
            }));
        };
    }

    static byte[] rest(int index) {
        return index == 0 ? bytes("rest\n") : ProbeBody.END;
    }

    /** Reads the request body to its end; a body cut by the client must end in an exception, not EOF. */
    static Application uploadReader(Ctx ctx) {
        return (env, sr) -> {
            InputStream in = (InputStream) env.get(Environ.WSGI_INPUT);
            byte[] buffer = new byte[1024];
            long total = 0;
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    total += n;
                    ctx.reached();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("upload broken after " + total + " bytes", e);
            }
            sr.start("200 OK", TEXT);
            return ctx.body(ProbeBody.of("the upload looked whole at " + total + " bytes\n"));
        };
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
