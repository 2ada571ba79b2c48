package io.jwsgi.it;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A response body that counts how often the server pulls it and closes it. Its chunks come
 * from a {@link Chunks} function, asked once per chunk (from {@code hasNext}, so it may block);
 * the function returns {@link #END} to end the body. Faulty bodies override {@link #iterator()}.
 */
class ProbeBody implements Iterable<byte[]>, AutoCloseable {

    /** Returned by {@link Chunks#next} to end the body (compared by identity). */
    static final byte[] END = new byte[0];

    /** Produces chunk number {@code index} (0-based). */
    @FunctionalInterface
    interface Chunks {
        byte[] next(int index) throws Exception;
    }

    private final Chunks chunks;
    private final AtomicInteger pulls = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean iterated;

    ProbeBody(Chunks chunks) {
        this.chunks = chunks;
    }

    /** A body of the given text chunks, UTF-8. */
    static ProbeBody of(String... texts) {
        return new ProbeBody(i -> i < texts.length ? texts[i].getBytes(StandardCharsets.UTF_8) : END);
    }

    /** A body whose iterator is {@code it}, counting closes like any other. */
    static ProbeBody withIterator(Iterator<byte[]> it) {
        return new ProbeBody(i -> END) {
            @Override
            public Iterator<byte[]> iterator() {
                return it;
            }
        };
    }

    @Override
    public synchronized Iterator<byte[]> iterator() {
        if (iterated) {
            throw new IllegalStateException("a response body is iterated once");
        }
        iterated = true;
        return new Iterator<>() {
            private byte[] ahead;

            @Override
            public boolean hasNext() {
                if (ahead == null) {
                    try {
                        ahead = chunks.next(pulls.get());
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return ahead != END;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                pulls.incrementAndGet();
                byte[] chunk = ahead;
                ahead = null;
                return chunk;
            }
        };
    }

    @Override
    public void close() {
        closes.incrementAndGet();
        closed.countDown();
    }

    /** How many chunks the server took with {@code next()}. */
    int pulls() {
        return pulls.get();
    }

    /** How many times {@code close()} ran. */
    int closes() {
        return closes.get();
    }

    /** Waits up to {@link Await#DEADLINE} for the first {@code close()}. */
    boolean awaitClose() throws InterruptedException {
        return closed.await(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
}
