package io.jwsgi;

/**
 * One response header, as the application gives it to {@link StartResponse#start}.
 *
 * <p>The record itself accepts any strings, so that middleware can build and inspect headers
 * freely; the rules (token name, no control characters, no hop-by-hop header) are checked by the
 * server when the application passes the list to {@code start}.
 *
 * @param name the header name, for example {@code Content-Type}; compared case-insensitively by HTTP
 * @param value the header value
 */
public record Header(String name, String value) {

    /**
     * Returns whether this header has the given name, ignoring case as HTTP does.
     *
     * @param other a header name
     * @return {@code true} if the names are equal ignoring ASCII case
     */
    public boolean is(String other) {
        return name.equalsIgnoreCase(other);
    }
}
