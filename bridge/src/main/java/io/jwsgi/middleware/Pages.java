package io.jwsgi.middleware;

import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The short plain-text answers the middleware give on their own: 400, 404, 405, ... */
final class Pages {

    private Pages() {
    }

    /**
     * Starts a plain-text response whose body is the status line.
     *
     * @param startResponse the server's start_response
     * @param status {@code "NNN Reason"}
     * @param extra more headers, e.g. {@code Allow}
     * @return the body
     */
    static Iterable<byte[]> plain(StartResponse startResponse, String status, Header... extra) {
        byte[] body = (status + "\n").getBytes(StandardCharsets.UTF_8);
        List<Header> headers = new ArrayList<>(List.of(new Header("Content-Type", "text/plain; charset=utf-8"),
                new Header("Content-Length", Integer.toString(body.length))));
        headers.addAll(List.of(extra));
        startResponse.start(status, headers);
        return List.of(body);
    }
}
