package io.jwsgi.it;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Serves one request: yields the {@code before} chunks, then calls {@code async.sleep} and
 * yields an empty chunk; once woken (by the test, through {@link #wake()}), yields what
 * {@code after} produces.
 */
final class OneSleeper implements Application {

    private final List<String> before;
    private final ProbeBody.Chunks after;
    private final CountDownLatch asleep = new CountDownLatch(1);
    private volatile Runnable wake;
    private volatile ProbeBody body;

    OneSleeper(List<String> before, ProbeBody.Chunks after) {
        this.before = before;
        this.after = after;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        Runnable sleep = (Runnable) environ.get(Environ.ASYNC_SLEEP);
        startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8")));
        body = new ProbeBody(i -> {
            if (i < before.size()) {
                return before.get(i).getBytes(StandardCharsets.UTF_8);
            }
            if (i == before.size()) {
                sleep.run();
                wake = (Runnable) environ.get(Environ.ASYNC_WAKE);
                asleep.countDown();
                return new byte[0];
            }
            return after.next(i - before.size() - 1);
        });
        return body;
    }

    /** Waits until the application has asked to sleep. */
    boolean awaitAsleep() throws InterruptedException {
        return asleep.await(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Wakes the sleeping response, from the calling thread. */
    void wake() {
        wake.run();
    }

    /** The body returned; {@code null} until the request came. */
    ProbeBody body() {
        return body;
    }
}
