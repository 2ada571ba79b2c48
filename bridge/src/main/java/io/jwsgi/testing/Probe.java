package io.jwsgi.testing;

import io.jwsgi.Application;
import io.jwsgi.StartResponse;
import io.jwsgi.server.ResponseEnded;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sits right around the application under test: counts the {@code close()} calls that reach its
 * iterable and keeps the first exception it threw from {@code call}, {@code iterator},
 * {@code hasNext} or {@code next}, checked or not (a {@link ValidationError} apart, also one thrown
 * from {@code close()}, so that an application wrapped in a validator of its own fails the test
 * too). What the application lets through of the response's own ending (a write that failed
 * because the client left or the server ended the response) is no application error, as for the
 * pump. Adds nothing else: an iterable that is not {@link AutoCloseable} stays so.
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
        } catch (Throwable t) {
            failed(t);
            throw t;
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
        } else if (!endingBehind(t)) {
            failure.compareAndSet(null, t);
        }
    }

    /** Whether {@code t} carries the response's own ending: the mock's client left, or the server ended it. */
    private static boolean endingBehind(Throwable t) {
        for (Throwable c = t; c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof MockChannel.Gone || c instanceof ResponseEnded) {
                return true;
            }
        }
        return false;
    }

    /** Rethrows a {@code Throwable} unchanged, checked or not: the pump sees what the application threw. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException rethrow(Throwable t) throws T {
        throw (T) t;
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
            } catch (Throwable t) {
                failed(t);
                throw rethrow(t);
            }
            if (chunks == null) {
                return null;
            }
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    try {
                        return chunks.hasNext();
                    } catch (Throwable t) {
                        failed(t);
                        throw rethrow(t);
                    }
                }

                @Override
                public byte[] next() {
                    try {
                        return chunks.next();
                    } catch (Throwable t) {
                        failed(t);
                        throw rethrow(t);
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
            try {
                ((AutoCloseable) body).close();
            } catch (ValidationError e) {
                // The pump only logs what close() throws; a broken rule must still fail the test.
                failed(e);
                throw e;
            }
        }
    }
}
