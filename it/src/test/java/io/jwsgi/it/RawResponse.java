package io.jwsgi.it;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A response as read off the socket.
 *
 * @param status the status code
 * @param headers header values by lower-case name, in order
 * @param body the body bytes received (chunked framing removed)
 * @param complete whether the body ended as its framing says (terminating chunk, or
 *     {@code Content-Length} bytes); {@code false} if the connection ended first
 */
record RawResponse(int status, Map<String, List<String>> headers, byte[] body, boolean complete) {

    /** The body as UTF-8 text. */
    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The first value of a header, or {@code null}. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    boolean isChunked() {
        String te = header("Transfer-Encoding");
        return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
    }
}
