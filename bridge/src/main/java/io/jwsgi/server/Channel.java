package io.jwsgi.server;

import io.jwsgi.Header;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The seam between the {@link Pump} and a container: the few things the pump asks of the client
 * connection. The servlet bridge implements it over {@code ServletOutputStream} in non-blocking
 * mode; the mock container implements it in memory, with a switch to say "not ready".
 *
 * <p>The pump calls these methods from one thread at a time, never after {@link #complete()} or
 * {@link #abort}. Every {@link #write} and {@link #flush} is preceded by its own {@code isReady()}
 * that returned {@code true}. The container reports back through {@link Pump#onWritePossible()}
 * and {@link Pump#onClientGone(Throwable)}.
 */
public interface Channel {

    /**
     * Returns whether the output can take a write or a flush now. Returning {@code false} obliges
     * the channel to call {@link Pump#onWritePossible()} once it can (Servlet's {@code isReady}).
     *
     * @return {@code true} if the next write or flush may be issued
     */
    boolean isReady();

    /**
     * How many bytes the container buffers before it writes them out by itself (Servlet's
     * {@code getBufferSize()}). With {@link Engine.Builder#nonBlocking} the pump flushes before
     * the chunks written since the last flush would overflow it. The default, unbounded, suits a
     * channel that sends nothing before its flush.
     *
     * @return the size of the container's response buffer, in bytes
     */
    default int bufferSize() {
        return Integer.MAX_VALUE;
    }

    /**
     * Sets the status and headers of the response; they go out with the first write or at
     * {@link #complete()}. Called at most once, with headers already validated.
     *
     * @param code the status code
     * @param status the whole status line the application gave, {@code "NNN Reason"}
     * @param headers the headers, in order
     */
    void head(int code, String status, List<Header> headers);

    /**
     * Writes a non-empty chunk; it may be buffered by the container until {@link #flush()}.
     *
     * @param chunk the bytes
     * @throws IOException if the client went away
     */
    void write(byte[] chunk) throws IOException;

    /**
     * Writes a non-empty slice of a file region ({@code wsgi.file_wrapper}), under the same rules
     * as {@link #write(byte[])}. The buffer is read-only and never changed afterwards, so the
     * channel may keep it until its next {@code isReady()} returns {@code true}, as Servlet 6.1's
     * {@code ServletOutputStream.write(ByteBuffer)} does. The default copies the bytes into an
     * array and calls {@link #write(byte[])}.
     *
     * @param slice the bytes from its position to its limit
     * @throws IOException if the client went away
     */
    default void write(ByteBuffer slice) throws IOException {
        byte[] chunk = new byte[slice.remaining()];
        slice.get(chunk);
        write(chunk);
    }

    /**
     * Whether {@link #write(ByteBuffer)} hands the buffer to the container as it is, with no copy
     * into an array on the way: {@code false} by default. Counted in {@link Metrics#bytesWrittenAsBuffers()}.
     *
     * @return {@code true} if the channel writes buffers natively
     */
    default boolean takesBuffers() {
        return false;
    }

    /**
     * Sends what was written to the client.
     *
     * @throws IOException if the client went away
     */
    void flush() throws IOException;

    /** Ends the exchange normally, or releases it after the client went away. Called once at most. */
    void complete();

    /**
     * Ends the exchange abnormally: the client must not mistake what it got for a whole response.
     * Called once at most, instead of {@link #complete()}, after the head went out (or when an
     * ending must not even send the head).
     *
     * @param cause why the response is cut
     */
    void abort(Throwable cause);
}
