package io.jwsgi.servlet;

import io.jwsgi.Application;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import java.util.Map;

/**
 * The application as {@link JwsgiServlet} serves it with {@code non-blocking=true}: the same
 * application, iterable and {@code close()}, except that the legacy {@link Write} callable that
 * {@code start} returns refuses every call.
 *
 * <p>{@code write} returns only once the client took the bytes. In this mode the application may
 * run on a container thread, and Jetty delivers the {@code onWritePossible} that would release
 * such a wait only after that thread's callback returns: the wait would never end. Whether a turn
 * runs on a container thread depends on timing, so {@code write} is refused on every thread: an
 * application that uses it fails on its first request, not under load.
 *
 * <p>Public so that the mock container's non-blocking mode
 * ({@code io.jwsgi.testing.MockContainer#nonBlocking()}) serves an application through this very
 * view.
 */
public final class NonBlocking implements Application {

    /** The message of what the refused {@code write} throws. */
    public static final String WRITE_REFUSED = "write() is not available with init-param non-blocking=true: it waits until"
            + " the client takes the bytes, which would hold a container thread; yield the bytes from the returned"
            + " iterable instead, or set non-blocking=false";

    private static final Write REFUSED = data -> {
        throw new IllegalStateException(WRITE_REFUSED);
    };

    private final Application app;

    /**
     * Wraps an application.
     *
     * @param app the application served with {@code non-blocking=true}
     */
    public NonBlocking(Application app) {
        this.app = app;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        return app.call(environ, (status, headers, excInfo) -> {
            startResponse.start(status, headers, excInfo);
            return REFUSED;
        });
    }
}
