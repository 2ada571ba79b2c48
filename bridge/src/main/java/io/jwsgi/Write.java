package io.jwsgi;

import java.io.IOException;

/**
 * PEP 3333's legacy {@code write} callable, returned by {@link StartResponse#start}.
 *
 * <p>It exists for applications ported from imperative APIs; new applications return their body
 * as the iterable instead. Bytes written here go out before any chunk the iterable yields later,
 * and {@code write} returns only when the bytes were handed to the client connection, so a slow
 * client slows the writer down instead of filling memory.
 *
 * <p>It may be called only from the application's own thread while the server runs it (inside
 * {@code call}, {@code hasNext} or {@code next}), never after the iterable ended.
 */
@FunctionalInterface
public interface Write {

    /**
     * Sends bytes as part of the body, sending the headers first if they have not gone out yet.
     *
     * @param data the bytes; not {@code null}; an empty array sends nothing
     * @throws IOException if the client went away; the request is over and the iterable will be closed
     */
    void write(byte[] data) throws IOException;
}
