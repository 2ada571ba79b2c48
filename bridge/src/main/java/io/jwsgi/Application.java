package io.jwsgi;

import java.util.Map;

/**
 * A JWSGI application: PEP 3333's application callable, in Java.
 *
 * <p>The server calls {@link #call} once per request with the request's environ and a
 * {@link StartResponse}. The application calls {@code start} with the status and headers, and
 * returns the body as an iterable of {@code byte[]} chunks:
 *
 * <pre>{@code
 * public final class HelloApp implements Application {
 *     public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
 *         startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
 *         return List.of("Hello, world\n".getBytes(StandardCharsets.UTF_8));
 *     }
 * }
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>The returned iterable is iterated once, one chunk at a time; each non-empty chunk is sent
 *       and flushed before the next is requested (served with the servlet's
 *       {@code non-blocking=true}, whose chunks come at once: before the server stops pulling, see
 *       SPEC.md section 5). Empty chunks send nothing; they let an
 *       application give the server control back, most often after {@code async.sleep}.</li>
 *   <li>{@code start} must be called before the first non-empty chunk is produced (it may be called
 *       from inside the iterable, as in PEP 3333).</li>
 *   <li>If the iterable implements {@link AutoCloseable}, its {@code close()} is called exactly
 *       once when the request ends, whatever the reason: completed, failed, timed out, or the client
 *       went away.</li>
 *   <li>{@code call}, {@code hasNext} and {@code next} may block; the server runs them on its own
 *       threads, never on a container I/O thread, and never two of them at once for one request.</li>
 *   <li>An exception thrown from {@code call} or the iterable is an application error: it is logged,
 *       the client gets {@code 500} if no header went out yet (the connection is cut otherwise), and
 *       the iterable is closed.</li>
 * </ul>
 *
 * @see Environ the keys of the environ
 */
@FunctionalInterface
public interface Application {

    /**
     * Handles one request.
     *
     * @param environ the request: CGI variables, {@code HTTP_*} headers and the {@code wsgi.*} and
     *        {@code async.*} keys listed in {@link Environ}; the map is mutable and owned by this request
     * @param startResponse begins the response; see {@link StartResponse}
     * @return the response body as chunks; never {@code null}
     * @throws Exception an application error, handled as described above
     */
    Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception;
}
