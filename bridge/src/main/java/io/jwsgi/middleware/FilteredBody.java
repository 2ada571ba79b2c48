package io.jwsgi.middleware;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The body a middleware returns in place of the wrapped application's: it pulls the inner body one
 * chunk per chunk asked for, lets a subclass transform each chunk, add one last chunk, stop early
 * or watch failures, and passes {@code close()} to the inner body exactly once.
 *
 * <p>Because each chunk out is exactly one chunk in (empty ones included), the wrapped
 * application's control flow is kept: an {@code async.sleep} followed by an empty chunk reaches
 * the server as an empty chunk, and the server suspends as if nothing were in between.
 */
@SuppressWarnings("try") // close() passes on whatever the wrapped close() throws
abstract class FilteredBody implements Iterable<byte[]>, AutoCloseable {

    private enum Next { UNKNOWN, INNER, LAST, END }

    private final Iterable<byte[]> inner;
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean iterated;

    FilteredBody(Iterable<byte[]> inner) {
        this.inner = inner;
    }

    /** Transforms one chunk of the inner body; empty chunks should stay empty. */
    abstract byte[] map(byte[] chunk);

    /** Whether the inner body should not be pulled any further; {@code false} by default. */
    boolean stopped() {
        return false;
    }

    /** One more chunk after the inner body ended, or {@code null}; called once at most. */
    byte[] last() {
        return null;
    }

    /** Sees a failure of the inner body's iterator before it propagates. */
    void failed(Throwable t) {
    }

    /** Runs when the server closes the body, before the inner body is closed; once. */
    void closed() throws Exception {
    }

    /** Runs after the inner body was closed (or failed to close); once. */
    void afterClose() {
    }

    @Override
    public final Iterator<byte[]> iterator() {
        if (iterated) {
            throw new IllegalStateException("a response body is iterated once (PEP 3333); iterator() was called"
                    + " a second time on " + getClass().getSimpleName());
        }
        iterated = true;
        Iterator<byte[]> source;
        try {
            source = inner.iterator();
        } catch (Throwable e) {
            failed(e);
            throw e;
        }
        return new Iterator<>() {
            private Next next = Next.UNKNOWN;
            private byte[] last;

            @Override
            public boolean hasNext() {
                if (next == Next.UNKNOWN) {
                    next = peek(source);
                    if (next == Next.LAST) {
                        last = last();
                        next = last == null ? Next.END : Next.LAST;
                    }
                }
                return next != Next.END;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the body has ended");
                }
                Next was = next;
                next = was == Next.LAST ? Next.END : Next.UNKNOWN;
                if (was == Next.LAST) {
                    return last;
                }
                byte[] chunk;
                try {
                    chunk = source.next();
                } catch (Throwable e) {
                    failed(e);
                    throw e;
                }
                return chunk == null ? null : map(chunk);
            }
        };
    }

    private Next peek(Iterator<byte[]> source) {
        if (stopped()) {
            return Next.LAST;
        }
        try {
            return source.hasNext() ? Next.INNER : Next.LAST;
        } catch (Throwable e) {
            failed(e);
            throw e;
        }
    }

    /** Passes the server's {@code close()} to the inner body, once, even if called again. */
    @Override
    public final void close() throws Exception {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            closed();
        } finally {
            try {
                if (inner instanceof AutoCloseable c) {
                    c.close();
                }
            } finally {
                afterClose();
            }
        }
    }
}
