package io.jwsgi.it;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.app.FileWrapper;
import jakarta.servlet.http.HttpServletRequest;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers with its environ, one {@code key=value} line per key, sorted. Strings, booleans and
 * lists are printed as they are; other values by the contract type they implement
 * ({@code InputStream}, {@code PrintWriter}, {@code Runnable}, {@code HttpServletRequest},
 * {@code FileWrapper}).
 */
public final class EnvironEchoApp implements Application {

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(environ).forEach((key, value) -> text.append(key).append('=').append(render(value)).append('\n'));
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8"),
                new Header("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }

    private static String render(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof List) {
            return String.valueOf(value);
        }
        if (value instanceof InputStream) {
            return "InputStream";
        }
        if (value instanceof PrintWriter) {
            return "PrintWriter";
        }
        if (value instanceof Runnable) {
            return "Runnable";
        }
        if (value instanceof HttpServletRequest) {
            return "HttpServletRequest";
        }
        if (value instanceof FileWrapper) {
            return "FileWrapper";
        }
        return "unexpected " + value.getClass().getName();
    }

    /** Parses the body this application sends back into the environ it printed. */
    static Map<String, String> parse(String body) {
        Map<String, String> environ = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int eq = line.indexOf('=');
            environ.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return environ;
    }
}
