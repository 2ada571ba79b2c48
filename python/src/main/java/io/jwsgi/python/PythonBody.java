package io.jwsgi.python;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.graalvm.polyglot.Value;

/**
 * A Python application's iterable as the bridge pulls it: each {@code bytes} chunk copied into a
 * {@code byte[]}; {@link #close()} calls the iterable's {@code close()} once, however often it is
 * called. The bridge iterates it once, one turn at a time, each turn on whichever of its threads.
 */
final class PythonBody implements Iterable<byte[]>, AutoCloseable {

    private final Value result;
    private final Value nextChunk;
    private final Value closer;
    private final AtomicBoolean closed = new AtomicBoolean();

    PythonBody(Value result, Value nextChunk, Value closer) {
        this.result = result;
        this.nextChunk = nextChunk;
        this.closer = closer;
    }

    @Override
    public Iterator<byte[]> iterator() {
        return new Iterator<>() {
            private byte[] pending;
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (pending == null && !ended) {
                    Value chunk = nextChunk.execute(result);
                    if (chunk.isNull()) {
                        ended = true;
                    } else {
                        pending = new byte[(int) chunk.getBufferSize()];
                        chunk.readBuffer(0, pending, 0, pending.length);
                    }
                }
                return pending != null;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the Python iterable has ended");
                }
                byte[] chunk = pending;
                pending = null;
                return chunk;
            }
        };
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closer.execute(result);
        }
    }
}
