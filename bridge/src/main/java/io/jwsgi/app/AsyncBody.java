package io.jwsgi.app;

import io.jwsgi.Environ;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A response body fed from other threads: {@link #offer} a chunk from anywhere and the response
 * sends it; while nothing is queued the response sleeps, holding no thread. Built on
 * {@code async.sleep} and {@code async.wake}.
 *
 * <pre>{@code
 * public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
 *     AsyncBody body = AsyncBody.of(environ);
 *     Subscription s = chatRoom.subscribe(message -> body.offer(message.getBytes(UTF_8)));
 *     body.onClose(s::cancel);            // the client left, the response timed out, or it ended
 *     startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8")));
 *     return body;
 * }
 * // later, on any thread:  body.offer(bytes) ... body.end();
 * }</pre>
 *
 * <h2>How it drives the server</h2>
 * The server pulls the body. When a chunk is queued, {@code next()} returns it. When none is,
 * {@code next()} calls {@code async.sleep} and returns an empty chunk, so the server suspends the
 * response until {@code offer}, {@link #end()}, {@link #fail} or {@link #close()} calls
 * {@code async.wake}. No wake-up is lost: a wake that comes between the empty queue and the sleep
 * cancels that sleep (the extension's rule). Chunks go out in the order offered, one per pull.
 *
 * <h2>Ending</h2>
 * <ul>
 *   <li>{@link #end()}: no more chunks; the response ends after those queued.</li>
 *   <li>{@link #fail(Throwable)}: the response ends with an error after those queued (a 500 if
 *       nothing was sent yet, else the connection is cut, so the client sees it incomplete).</li>
 *   <li>{@link #close()}: the body is over now; queued chunks are dropped. The server calls it when
 *       the response ends for any reason (completed, failed, timed out, client gone); an
 *       application may call it too.</li>
 * </ul>
 * The callbacks given to {@link #onClose} run once, at the first {@code close()}, whoever calls it:
 * that is where a producer unsubscribes. After {@code end}, {@code fail} or {@code close},
 * {@code offer} returns {@code false}.
 *
 * <p>All methods are thread-safe. The body can be iterated once.
 */
public final class AsyncBody implements Iterable<byte[]>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AsyncBody.class.getName());
    private static final byte[] EMPTY = new byte[0];

    private final Runnable sleep;
    private final Runnable wake;
    private final int capacity;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final List<Runnable> onClose = new ArrayList<>();
    private boolean ended;
    private Throwable failure;
    private boolean closed;
    private boolean iterated;

    private AsyncBody(Runnable sleep, Runnable wake, int capacity) {
        this.sleep = sleep;
        this.wake = wake;
        this.capacity = capacity;
    }

    /**
     * Creates an unbounded body for a request.
     *
     * @param environ the request's environ, with {@code async.sleep} and {@code async.wake}
     * @return the body
     * @throws IllegalArgumentException if the environ lacks the async extension
     */
    public static AsyncBody of(Map<String, Object> environ) {
        return of(environ, Integer.MAX_VALUE);
    }

    /**
     * Creates a body that holds at most {@code capacity} chunks not yet taken by the server.
     *
     * @param environ the request's environ, with {@code async.sleep} and {@code async.wake}
     * @param capacity the most queued chunks; {@link #offer} returns {@code false} beyond it
     * @return the body
     * @throws IllegalArgumentException if the environ lacks the async extension
     */
    public static AsyncBody of(Map<String, Object> environ, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("AsyncBody capacity must be at least 1 chunk, got " + capacity);
        }
        return new AsyncBody(runnable(environ, Environ.ASYNC_SLEEP), runnable(environ, Environ.ASYNC_WAKE), capacity);
    }

    private static Runnable runnable(Map<String, Object> environ, String key) {
        if (environ.get(key) instanceof Runnable r) {
            return r;
        }
        throw new IllegalArgumentException("AsyncBody needs the async extension: environ key " + key
                + " must hold a Runnable, got " + (environ.get(key) == null ? "nothing" : environ.get(key).getClass().getName())
                + " (is the application served by a JWSGI server?)");
    }

    /**
     * Queues a chunk and wakes the response. Any thread.
     *
     * @param chunk the bytes; not {@code null}; the array must not be changed afterwards
     * @return {@code false} if the body was ended, failed or closed, or holds {@code capacity} chunks
     */
    public boolean offer(byte[] chunk) {
        Objects.requireNonNull(chunk, "AsyncBody.offer needs a byte[], got null");
        synchronized (this) {
            if (ended || closed || queue.size() >= capacity) {
                return false;
            }
            queue.add(chunk);
        }
        wake.run();
        return true;
    }

    /** Ends the body after the chunks already queued. Any thread; later calls do nothing. */
    public void end() {
        synchronized (this) {
            if (ended || closed) {
                return;
            }
            ended = true;
        }
        wake.run();
    }

    /**
     * Ends the body with an error after the chunks already queued; the server treats it as an
     * application error. Any thread; does nothing once the body ended.
     *
     * @param cause the error
     */
    public void fail(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        synchronized (this) {
            if (ended || closed) {
                return;
            }
            ended = true;
            failure = cause;
        }
        wake.run();
    }

    /**
     * Runs a callback once when the body is closed; at once if it already is. Any thread.
     *
     * @param callback what to do, e.g. unsubscribe the producer; it must not block
     */
    public void onClose(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        synchronized (this) {
            if (!closed) {
                onClose.add(callback);
                return;
            }
        }
        runSafely(callback);
    }

    /** Whether {@link #offer} may still succeed: not ended, failed or closed. @return {@code true} if open */
    public synchronized boolean isOpen() {
        return !ended && !closed;
    }

    /** Whether {@link #close()} was called. @return {@code true} once closed */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** The number of chunks queued and not yet taken by the server. @return the count */
    public synchronized int queued() {
        return queue.size();
    }

    /** Ends the body now, drops queued chunks and runs the {@link #onClose} callbacks; the first call only. */
    @Override
    public void close() {
        List<Runnable> callbacks;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            callbacks = List.copyOf(onClose);
            onClose.clear();
        }
        callbacks.forEach(AsyncBody::runSafely);
        wake.run();
    }

    private static void runSafely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "an AsyncBody onClose callback failed", e);
        }
    }

    @Override
    public synchronized Iterator<byte[]> iterator() {
        if (iterated) {
            throw new IllegalStateException("an AsyncBody is iterated once; iterator() was called a second time");
        }
        iterated = true;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                synchronized (AsyncBody.this) {
                    if (closed) {
                        return false;
                    }
                    if (!queue.isEmpty() || !ended) {
                        return true;
                    }
                    if (failure != null) {
                        Throwable cause = failure;
                        failure = null;
                        if (cause instanceof RuntimeException r) {
                            throw r;
                        }
                        if (cause instanceof Error e) {
                            throw e;
                        }
                        throw new IllegalStateException("the AsyncBody's producer failed: " + cause, cause);
                    }
                    return false;
                }
            }

            @Override
            public byte[] next() {
                synchronized (AsyncBody.this) {
                    byte[] chunk = queue.poll();
                    if (chunk != null) {
                        return chunk;
                    }
                    if (closed || ended) {
                        return EMPTY;
                    }
                }
                // Outside the lock: sleep only records the request; a wake in between cancels it.
                sleep.run();
                return EMPTY;
            }
        };
    }
}
