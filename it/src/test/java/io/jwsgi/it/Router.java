package io.jwsgi.it;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the application registered for the request's exact {@code PATH_INFO}, or 404. Lets a
 * test class start its container once and give each test its own application.
 */
final class Router implements Application {

    private final Map<String, Application> routes = new ConcurrentHashMap<>();

    /** Serves {@code app} at {@code path} (a PATH_INFO such as {@code "/stream-1"}); returns the path. */
    String put(String path, Application app) {
        routes.put(path, app);
        return path;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        Application app = routes.get((String) environ.get(Environ.PATH_INFO));
        if (app == null) {
            byte[] body = "no such route\n".getBytes(StandardCharsets.UTF_8);
            startResponse.start("404 Not Found", List.of(new Header("Content-Type", "text/plain"),
                    new Header("Content-Length", Integer.toString(body.length))));
            return List.of(body);
        }
        return app.call(environ, startResponse);
    }

    /** An application answering 200 with a fixed text and its Content-Length. */
    static Application text(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        return (environ, startResponse) -> {
            startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8"),
                    new Header("Content-Length", Integer.toString(body.length))));
            return List.of(body);
        };
    }
}
