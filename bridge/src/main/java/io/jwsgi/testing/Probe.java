package io.jwsgi.testing;

import io.jwsgi.Application;
import io.jwsgi.StartResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sits right around the application under test: counts the {@code close()} calls that reach its
 * iterable and keeps the first exception it threw (a {@link ValidationError} apart, so that an
 * application wrapped in a validator of its own fails the test too). Adds nothing else: an iterable that is not
 * {@link AutoCloseable} stays so.
 */
final class Probe implements Application {

    private final Application app;
    private final AtomicInteger closes = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicReference<ValidationError> invalid = new AtomicReference<>();
    private volatile boolean closeable;

    Probe(Application app) {
        this.app = app;
    }

    int closes() {
        return closes.get();
    }

    boolean closeable() {
        return closeable;
    }

    Throwable failure() {
        return failure.get();
    }

    /** The first {@link ValidationError} that came out of the application (from a validator of its own, say). */
    ValidationError invalid() {
        return invalid.get();
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        Iterable<byte[]> body;
        try {
            body = app.call(environ, startResponse);
        } catch (Exception | Error e) {
            failed(e);
            throw e;
        }
        if (body == null) {
            return null;
        }
        closeable = body instanceof AutoCloseable;
        return closeable ? new ClosingBody(body) : new Body(body);
    }

    /** The class name of an application's iterable, seen through this probe's wrapper. */
    static String nameOf(Iterable<byte[]> body) {
        Iterable<byte[]> inner = body instanceof Body wrapper ? wrapper.body : body;
        return inner.getClass().getName();
    }

    private void failed(Throwable t) {
        if (t instanceof ValidationError error) {
            invalid.compareAndSet(null, error);
        } else {
            failure.compareAndSet(null, t);
        }
    }

    private class Body implements Iterable<byte[]> {
        final Iterable<byte[]> body;

        Body(Iterable<byte[]> body) {
            this.body = body;
        }

        @Override
        public Iterator<byte[]> iterator() {
            Iterator<byte[]> chunks;
            try {
                chunks = body.iterator();
            } catch (RuntimeException | Error e) {
                failed(e);
                throw e;
            }
            if (chunks == null) {
                return null;
            }
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    try {
                        return chunks.hasNext();
                    } catch (RuntimeException | Error e) {
                        failed(e);
                        throw e;
                    }
                }

                @Override
                public byte[] next() {
                    try {
                        return chunks.next();
                    } catch (RuntimeException | Error e) {
                        failed(e);
                        throw e;
                    }
                }
            };
        }
    }

    // close() throws what the application's close() throws, whatever it is: hence Exception.
    @SuppressWarnings("try")
    private final class ClosingBody extends Body implements AutoCloseable {
        ClosingBody(Iterable<byte[]> body) {
            super(body);
        }

        @Override
        public void close() throws Exception {
            closes.incrementAndGet();
            ((AutoCloseable) body).close();
        }
    }
}
