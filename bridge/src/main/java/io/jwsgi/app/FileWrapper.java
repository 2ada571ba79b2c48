package io.jwsgi.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * PEP 3333's {@code wsgi.file_wrapper}: turns an open file into a response body that the server
 * may send more efficiently than the application could.
 *
 * <pre>{@code
 * public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws IOException {
 *     Path file = Path.of("/srv/report.pdf");
 *     startResponse.start("200 OK", List.of(new Header("Content-Type", "application/pdf"),
 *             new Header("Content-Length", Long.toString(Files.size(file)))));
 *     return FileWrapper.of(environ).wrap(file);
 * }
 * }</pre>
 *
 * <p>The environ key is {@link #KEY}; its value, when a server offers one, is a
 * {@code FileWrapper}. {@link #of(Map)} returns it, or {@link #DEFAULT} when the environ has
 * none, so applications work under any server. The returned iterable yields the bytes from the
 * channel's current position in blocks of at most {@code blockSize} bytes, reading one block per
 * chunk (a large file is never loaded whole), and implements {@link AutoCloseable}: the server's
 * {@code close()} closes the channel, whether the body was sent whole or not. The application
 * hands over the channel: it must not use or close it afterwards.
 *
 * <p>{@link #DEFAULT} returns a {@link FileBody}, which exposes its channel, position and length so
 * that a server can recognise it and send the region with a zero-copy path of its own instead of
 * iterating it.
 */
@FunctionalInterface
public interface FileWrapper {

    /** The environ key: {@code "wsgi.file_wrapper"}; the value's type is {@code FileWrapper}. */
    String KEY = "wsgi.file_wrapper";

    /** The block size used when none is given: 64 KiB. */
    int BLOCK_SIZE = 64 * 1024;

    /** Reads the channel block by block on the application's thread; returns a {@link FileBody}. */
    FileWrapper DEFAULT = FileBody::of;

    /**
     * Wraps a channel as a response body.
     *
     * @param channel the file, read from its current position; closed by the body's {@code close()}
     * @param length how many bytes to send, or {@code -1} for all up to the end of the channel
     * @param blockSize the largest chunk, in bytes
     * @return an iterable of chunks that is also {@link AutoCloseable}
     */
    Iterable<byte[]> wrap(ReadableByteChannel channel, long length, int blockSize);

    /**
     * Wraps a channel, to its end, as a response body; PEP 3333's {@code wrapper(filelike, blksize)}.
     *
     * @param channel the file, read from its current position; closed by the body's {@code close()}
     * @param blockSize the largest chunk, in bytes
     * @return an iterable of chunks that is also {@link AutoCloseable}
     */
    default Iterable<byte[]> wrap(ReadableByteChannel channel, int blockSize) {
        return wrap(channel, -1, blockSize);
    }

    /**
     * Opens a file and wraps it whole, in blocks of {@link #BLOCK_SIZE}.
     *
     * @param file a regular file
     * @return an iterable of chunks that is also {@link AutoCloseable}
     * @throws IOException if the file cannot be opened
     */
    default Iterable<byte[]> wrap(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return wrap(channel, channel.size(), BLOCK_SIZE);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Returns the environ's file wrapper, or {@link #DEFAULT} if it has none.
     *
     * @param environ the request's environ
     * @return the wrapper to use
     * @throws IllegalArgumentException if {@link #KEY} holds something other than a {@code FileWrapper}
     */
    static FileWrapper of(Map<String, Object> environ) {
        Object value = environ.get(KEY);
        if (value == null) {
            return DEFAULT;
        }
        if (value instanceof FileWrapper wrapper) {
            return wrapper;
        }
        throw new IllegalArgumentException("environ key " + KEY + " must hold an io.jwsgi.app.FileWrapper, got "
                + value.getClass().getName());
    }
}
