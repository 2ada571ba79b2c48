package io.jwsgi.testing;

import io.jwsgi.Header;
import io.jwsgi.server.Channel;
import io.jwsgi.server.Pump;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The mock client connection: records what the pump sends, and behaves like a servlet container's
 * output in non-blocking mode. {@code isReady()} may say no (the test decides), which obliges the
 * channel to deliver {@code onWritePossible} once the test makes the client ready again; a client
 * that went away makes writes fail. Guarded by the loop's lock.
 *
 * <p>The test's credits count what the client takes: writes by default (not ready before a write
 * once they are spent, the flush after a write always ready); flushes with {@code slowFlush} (every
 * write accepted at once, as into a container's buffer with room, and not ready at the flush after
 * it once they are spent, as when that buffer cannot drain to a slow client).
 */
final class MockChannel implements Channel {

    /** {@link #credits} value: the client takes every write. */
    static final int UNLIMITED = -1;

    private final MockLoop loop;
    private final boolean headRequest;
    private final boolean slowFlush;
    private Pump pump;
    private Runnable writePossible;

    private int credits;
    private boolean afterWrite;
    private boolean owed;
    private boolean gone;
    private boolean completed;
    private boolean aborted;
    private Throwable abortCause;
    private String status;
    private List<Header> headers;
    private final List<byte[]> chunks = new ArrayList<>();

    /**
     * @param credits how many writes the client takes before it is not ready, or {@link #UNLIMITED}
     * @param headRequest whether the request is a {@code HEAD}: the client then receives no body, as from a container
     * @param slowFlush whether the credits count flushes instead of writes
     */
    MockChannel(MockLoop loop, int credits, boolean headRequest, boolean slowFlush) {
        this.loop = loop;
        this.credits = credits;
        this.headRequest = headRequest;
        this.slowFlush = slowFlush;
    }

    /**
     * @param target the pump this connection reports to
     * @param onWritePossible how the container delivers {@code onWritePossible} to it
     */
    void bind(Pump target, Runnable onWritePossible) {
        this.pump = target;
        this.writePossible = onWritePossible;
    }

    @Override
    public boolean isReady() {
        loop.lock.lock();
        try {
            // The credits decide one moment per write: the write itself, or with slowFlush the flush after it.
            if (gone || (afterWrite != slowFlush) || credits != 0) {
                return true;
            }
            owed = true;
            loop.signal();
            return false;
        } finally {
            loop.lock.unlock();
        }
    }

    @Override
    public void head(int code, String line, List<Header> list) {
        loop.lock.lock();
        try {
            status = line;
            headers = List.copyOf(list);
            loop.signal();
        } finally {
            loop.lock.unlock();
        }
    }

    @Override
    public void write(byte[] chunk) throws IOException {
        loop.lock.lock();
        try {
            failIfGone();
            if (!headRequest) {
                chunks.add(chunk.clone());
            }
            if (credits > 0 && !slowFlush) {
                credits--;
            }
            afterWrite = true;
            loop.signal();
        } finally {
            loop.lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        loop.lock.lock();
        try {
            failIfGone();
            if (credits > 0 && slowFlush) {
                credits--;
            }
            afterWrite = false;
            loop.signal();
        } finally {
            loop.lock.unlock();
        }
    }

    private void failIfGone() throws IOException {
        if (gone) {
            throw new Gone();
        }
    }

    /** What a write or flush throws once the client went away. */
    static final class Gone extends IOException {
        private static final long serialVersionUID = 1L;

        Gone() {
            super("the client went away (MockExchange.disconnect)");
        }
    }

    @Override
    public void complete() {
        loop.lock.lock();
        try {
            completed = true;
            loop.signal();
        } finally {
            loop.lock.unlock();
        }
    }

    @Override
    public void abort(Throwable cause) {
        loop.lock.lock();
        try {
            aborted = true;
            abortCause = cause;
            loop.signal();
        } finally {
            loop.lock.unlock();
        }
    }

    /**
     * Lets the client take {@code writes} more writes ({@link #UNLIMITED} for all), and tells the
     * pump if it waits for that.
     */
    void credit(int writes) {
        boolean fire;
        loop.lock.lock();
        try {
            credits = writes;
            fire = owed && writes != 0;
            if (fire) {
                owed = false;
            }
        } finally {
            loop.lock.unlock();
        }
        if (fire) {
            writePossible.run();
        }
    }

    /**
     * The client goes away: writes fail from now on. With {@code noticed}, the container tells the
     * pump at once; otherwise only if a write is pending, as containers do when nothing is written.
     */
    void disconnect(boolean noticed) {
        boolean fire;
        loop.lock.lock();
        try {
            gone = true;
            fire = noticed || owed;
            owed = false;
        } finally {
            loop.lock.unlock();
        }
        if (fire) {
            pump.onClientGone(new Gone());
        }
    }

    // The readers below are called with the loop's lock held.

    boolean awaitingClient() {
        return owed;
    }

    boolean isOver() {
        return completed || aborted;
    }

    boolean isAborted() {
        return aborted;
    }

    Throwable abortCause() {
        return abortCause;
    }

    String status() {
        return status;
    }

    List<Header> headers() {
        return headers == null ? List.of() : headers;
    }

    List<byte[]> chunks() {
        List<byte[]> copy = new ArrayList<>(chunks.size());
        for (byte[] chunk : chunks) {
            copy.add(chunk.clone());
        }
        return copy;
    }

    int chunkCount() {
        return chunks.size();
    }

    byte[] chunk(int index) {
        return chunks.get(index).clone();
    }

    long bytes() {
        long total = 0;
        for (byte[] chunk : chunks) {
            total += chunk.length;
        }
        return total;
    }
}
