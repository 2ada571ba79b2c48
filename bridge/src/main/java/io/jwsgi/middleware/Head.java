package io.jwsgi.middleware;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import java.util.HashMap;
import java.util.Map;

/**
 * Answers {@code HEAD} requests with the application's {@code GET} response, without its body.
 *
 * <pre>{@code
 * Application app = Pipeline.of(new ChatApp()).with(Head::new);
 * }</pre>
 *
 * <p>For a {@code HEAD} request the application sees {@code REQUEST_METHOD} {@code GET} (in a copy
 * of the environ), so it needs no {@code HEAD} route and its headers, {@code Content-Length}
 * included, are those of {@code GET}. Its body is not sent: the first non-empty chunk is replaced
 * by an empty one and the body is not pulled any further, so a long or endless stream costs one
 * chunk; bytes given to {@code write} are dropped. Empty chunks before it pass through, so an
 * application that sleeps before producing anything still sleeps and is woken as for {@code GET},
 * and {@code close()} reaches its body exactly once. Other methods pass through untouched.
 */
public final class Head implements Application {

    private static final Write DISCARD = data -> { };

    private final Application app;

    /**
     * Serves {@code HEAD} through {@code app}'s {@code GET}.
     *
     * @param app the application
     */
    public Head(Application app) {
        this.app = app;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        if (!"HEAD".equals(environ.get(Environ.REQUEST_METHOD))) {
            return app.call(environ, startResponse);
        }
        Map<String, Object> asGet = new HashMap<>(environ);
        asGet.put(Environ.REQUEST_METHOD, "GET");
        StartResponse withoutBody = (status, headers, excInfo) -> {
            startResponse.start(status, headers, excInfo);
            return DISCARD;
        };
        return new Body(app.call(asGet, withoutBody));
    }

    @SuppressWarnings("try") // close() passes on whatever the wrapped close() throws
    private static final class Body extends FilteredBody {
        private boolean seenBody;

        Body(Iterable<byte[]> inner) {
            super(inner);
        }

        @Override
        byte[] map(byte[] chunk) {
            if (chunk.length == 0) {
                return chunk;
            }
            seenBody = true;
            return new byte[0];
        }

        @Override
        boolean stopped() {
            return seenBody;
        }
    }
}
