package io.jwsgi.testing;

import io.jwsgi.Application;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import java.util.Map;

/**
 * The application as a {@link MockContainer} in {@linkplain MockContainer#nonBlocking() non-blocking}
 * mode serves it, as {@code JwsgiServlet} does with {@code non-blocking=true}: the same
 * application, iterable and {@code close()}, except that the legacy {@link Write} callable that
 * {@code start} returns refuses every call, with the servlet's message.
 */
final class RefusedWrite implements Application {

    /** The message of what the refused {@code write} throws; the servlet's, word for word. */
    static final String WRITE_REFUSED = "write() is not available with init-param non-blocking=true: it waits until"
            + " the client takes the bytes, which would hold a container thread; yield the bytes from the returned"
            + " iterable instead, or set non-blocking=false";

    private static final Write REFUSED = data -> {
        throw new IllegalStateException(WRITE_REFUSED);
    };

    private final Application app;

    RefusedWrite(Application app) {
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
