package io.jwsgi.it;

import io.jwsgi.Application;
import io.jwsgi.StartResponse;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An {@link UploadDigestApp} that, once called, waits for the test to {@link #open} it before it
 * reads {@code wsgi.input}: lets a test see what the server does while an application holds a
 * request without having read its body.
 */
final class GatedReader implements Application {

    private final Application reader = new UploadDigestApp();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        entered.countDown();
        if (!gate.await(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the test never opened the gate");
        }
        return reader.call(environ, startResponse);
    }

    /** Waits until the application was called; {@code false} if not within the deadline. */
    boolean awaitEntered() throws InterruptedException {
        return entered.await(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets the application read the body. */
    void open() {
        gate.countDown();
    }
}
