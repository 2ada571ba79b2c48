package io.jwsgi.sample;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.StartResponse;
import java.util.Map;

/**
 * The sample's front page, linking the other applications and showing the live figures of their
 * servlets ({@code metrics.json}, read from JMX), and the style sheet and icon they share.
 * Mapped to {@code /} (the servlet default), so it also answers {@code 404} for unknown paths.
 */
public final class IndexApp implements Application {

    private final String page = Http.resource("index.html");
    private final String style = Http.resource("style.css");
    private final String icon = Http.resource("favicon.svg");

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
        String method = (String) environ.get(Environ.REQUEST_METHOD);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Http.methodNotAllowed(start, "GET, HEAD");
        }
        return switch ((String) environ.get(Environ.PATH_INFO)) {
            case "", "/" -> Http.respond(start, "200 OK", Http.HTML, page);
            case "/metrics.json" -> Http.respond(start, "200 OK", "application/json",
                    ServletMetrics.json((String) environ.get(Environ.SCRIPT_NAME)), "Cache-Control", "no-store");
            case "/style.css" -> Http.respond(start, "200 OK", "text/css; charset=utf-8", style,
                    "Cache-Control", "max-age=300");
            // The pages link favicon.svg; /favicon.ico, which browsers and tools ask for unbidden, gets the same icon, not a 404.
            case "/favicon.ico", "/favicon.svg" -> Http.respond(start, "200 OK", "image/svg+xml", icon,
                    "Cache-Control", "max-age=86400");
            default -> Http.notFound(environ, start);
        };
    }
}
