package io.jwsgi.servlet;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;

/**
 * Reads a whole request body with a {@link ReadListener} before the application runs (the
 * {@code input=buffer} mode): no thread waits while the bytes trickle in. Calls back exactly once:
 * {@code ready} with the buffered body, {@code tooLarge} when it passes {@code maxSize}, or
 * {@code failed} when the upload breaks.
 */
final class BodyReader implements ReadListener {

    /** What happens once the body is read, or cannot be. */
    interface Outcome {
        void ready(BodyBuffer body);

        void tooLarge(long seen);

        void failed(Throwable cause);
    }

    private final ServletInputStream in;
    private final BodyBuffer body;
    private final long maxSize;
    private final Outcome outcome;
    private final byte[] buffer = new byte[16384];
    private boolean decided;

    BodyReader(ServletInputStream in, BodyBuffer body, long maxSize, Outcome outcome) {
        this.in = in;
        this.body = body;
        this.maxSize = maxSize;
        this.outcome = outcome;
    }

    /**
     * Reads the first bytes blocking, then goes on as this listener: for a request expecting
     * {@code 100 Continue}, which a container may send only from a read. Holds its thread until
     * the client's first bytes arrive.
     */
    void readFirstThenListen() {
        try {
            int n = in.read(buffer);
            if (n > 0 && !take(n)) {
                return;
            }
            if (n < 0 || in.isFinished()) {
                onAllDataRead();
            } else {
                in.setReadListener(this);
            }
        } catch (IOException | RuntimeException e) {
            onError(e);
        }
    }

    @Override
    public void onDataAvailable() throws IOException {
        // Both containers: read only while isReady(); false means onDataAvailable comes again.
        while (!isDecided() && in.isReady()) {
            int n = in.read(buffer);
            if (n < 0 || !take(n)) {
                return;
            }
        }
    }

    /** Buffers {@code n} bytes just read; {@code false} once the body is refused. */
    private boolean take(int n) throws IOException {
        body.write(buffer, 0, n);
        if (maxSize > 0 && body.size() > maxSize) {
            if (decide()) {
                outcome.tooLarge(body.size());
            }
            return false;
        }
        return true;
    }

    @Override
    public void onAllDataRead() {
        if (decide()) {
            outcome.ready(body);
        }
    }

    @Override
    public void onError(Throwable t) {
        if (decide()) {
            outcome.failed(t);
        }
    }

    private synchronized boolean isDecided() {
        return decided;
    }

    private synchronized boolean decide() {
        if (decided) {
            return false;
        }
        decided = true;
        return true;
    }
}
