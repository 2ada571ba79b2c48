package io.jwsgi.server;

import io.jwsgi.app.FileBody;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A {@link FileBody} over a {@link FileChannel}, sent by the pump as slices of the mapped file
 * instead of as the arrays its iterator would read. Each slice is a view of a window mapped
 * read-only with {@link FileChannel#map}, written with {@link Channel#write(ByteBuffer)}: on a
 * container that takes buffers the bytes never pass through the Java heap.
 *
 * <p>The region is the body's: from its position, {@link FileBody#length()} bytes or to the end of
 * the file. The file's size is read again before each window is mapped, so a file that shrank
 * ends the body short, as the iterator would; a file cut shorter while a window is being sent
 * fails the write. A slice is at most the body's block size, so every slice is one chunk under
 * the no-delay rule. Mapped windows are unmapped by the garbage collector, never explicitly: a
 * container may still hold a slice after the body has ended. Confined to the thread running the pump.
 */
final class FileRegion {

    /** The largest window mapped at once. */
    static final long WINDOW = 64L * 1024 * 1024;

    private final FileChannel file;
    private final long end;
    private final long windowSize;
    private final int sliceSize;
    private long next;
    private MappedByteBuffer window;

    private FileRegion(FileChannel file, long position, long length, long windowSize, int sliceSize) {
        this.file = file;
        this.next = position;
        this.end = length < 0 ? Long.MAX_VALUE : position + length;
        this.windowSize = windowSize;
        this.sliceSize = sliceSize;
    }

    /**
     * The region of a body the pump can send itself, or {@code null} when it must be iterated: it
     * is not a {@link FileBody}, or its source is not a {@link FileChannel} whose position was known.
     */
    static FileRegion of(Iterable<byte[]> body) {
        return of(body, WINDOW);
    }

    /** {@link #of(Iterable)} with windows of at most {@code windowSize} bytes. */
    static FileRegion of(Iterable<byte[]> body, long windowSize) {
        if (body instanceof FileBody file && file.channel() instanceof FileChannel channel && file.position() >= 0) {
            return new FileRegion(channel, file.position(), file.length(), windowSize, file.blockSize());
        }
        return null;
    }

    /**
     * The next slice, non-empty, or {@code null} once the region (or the file) has ended.
     *
     * @throws UncheckedIOException if the file cannot be sized or mapped, as the body's iterator reports a failed read
     */
    ByteBuffer next() {
        if ((window == null || !window.hasRemaining()) && !map()) {
            return null;
        }
        int length = Math.min(sliceSize, window.remaining());
        ByteBuffer slice = window.slice(window.position(), length);
        window.position(window.position() + length);
        return slice;
    }

    private boolean map() {
        try {
            long stop = Math.min(end, file.size());
            if (next >= stop) {
                return false;
            }
            long length = Math.min(windowSize, stop - next);
            window = file.map(FileChannel.MapMode.READ_ONLY, next, length);
            next += length;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the file body failed: " + e.getMessage(), e);
        }
    }
}
