package io.jwsgi;

import java.util.List;

/**
 * PEP 3333's {@code start_response}: sets the status and headers of the response.
 *
 * <p>Headers are sent lazily: not at {@code start}, but just before the first non-empty chunk (or
 * the first {@link Write#write} call), or when the response ends if its body is empty. Until then,
 * {@code start} may be called again with a non-null {@code excInfo} to replace the status and
 * headers, which is how an application turns a failure into an error page.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>{@code status} is {@code "NNN Reason"}: three digits, one space, a reason phrase
 *       ({@code "200 OK"}, {@code "404 Not Found"}). Servlet containers send the code only.</li>
 *   <li>Each header name is an HTTP token; no value holds CR, LF or another control character;
 *       hop-by-hop headers ({@code Connection}, {@code Keep-Alive}, {@code Proxy-Authenticate},
 *       {@code Proxy-Authorization}, {@code TE}, {@code Trailer}, {@code Transfer-Encoding},
 *       {@code Upgrade}) are the server's, not the application's.</li>
 *   <li>A second call without {@code excInfo} is an error ({@link IllegalStateException}).</li>
 *   <li>A call with {@code excInfo} after the headers went out rethrows that very
 *       {@code Throwable}, checked or not, so that the application's own error unwinds to the
 *       server, which then cuts the connection.</li>
 *   <li>A {@code Content-Length} header is honoured: the server never sends more bytes than it
 *       declares, and cuts the connection if the body ends short.</li>
 * </ul>
 * A rule broken here throws {@link IllegalArgumentException} naming the rule and the value.
 */
@FunctionalInterface
public interface StartResponse {

    /**
     * Sets (or, with {@code excInfo}, replaces) the status and headers.
     *
     * @param status {@code "NNN Reason"}
     * @param headers the response headers, in order; names may repeat
     * @param excInfo the error being reported, or {@code null} for the first call
     * @return a legacy imperative write callable; see {@link Write}
     */
    Write start(String status, List<Header> headers, Throwable excInfo);

    /**
     * Sets the status and headers; the same as {@code start(status, headers, null)}.
     *
     * @param status {@code "NNN Reason"}
     * @param headers the response headers, in order
     * @return a legacy imperative write callable; see {@link Write}
     */
    default Write start(String status, List<Header> headers) {
        return start(status, headers, null);
    }
}
