package io.jwsgi.it;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the whole request body, then answers with its environ as {@link EnvironEchoApp} prints
 * it, plus {@code input.read=N} (bytes read from {@code wsgi.input}) and {@code input.error=...}
 * when reading failed. Strings are printed with control characters escaped, so that every line
 * of the answer is one key.
 */
final class InputEchoApp implements Application {

    /** The key holding how many body bytes the application read. */
    static final String READ = "input.read";
    /** The key holding the exception that ended the body early, if one did. */
    static final String ERROR = "input.error";

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        Map<String, String> seen = new TreeMap<>();
        environ.forEach((key, value) -> seen.put(key, value instanceof String s ? escape(s) : type(value)));
        long read = 0;
        try {
            InputStream in = (InputStream) environ.get(Environ.WSGI_INPUT);
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                read += n;
            }
        } catch (IOException | RuntimeException e) {
            seen.put(ERROR, e.getClass().getSimpleName());
        }
        seen.put(READ, Long.toString(read));
        StringBuilder text = new StringBuilder();
        seen.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8"),
                new Header("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }

    private static String type(Object value) {
        if (value instanceof Boolean || value instanceof List) {
            return String.valueOf(value);
        }
        return value == null ? "null" : "object";
    }

    /** Escapes control characters and backslashes, so that a value stays on its line. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c < ' ' || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
