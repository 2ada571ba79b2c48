package io.jwsgi.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file, or a region of one, as a response body: one block read per chunk, the channel closed by
 * {@link #close()}. What {@link FileWrapper#DEFAULT} returns.
 *
 * <pre>{@code
 * return FileBody.of(Path.of("big.iso"));                  // the whole file, 64 KiB at a time
 * return FileBody.of(Path.of("big.iso"), 1024, 4096);      // bytes 1024..5119
 * }</pre>
 *
 * <p>Each {@code hasNext()} reads the next block (at most {@link #blockSize()} bytes) unless one
 * is waiting; the body ends when {@link #length()} bytes were read or the channel reached its end,
 * whichever comes first (a file that shrank while being sent ends short, and the server cuts the
 * connection if a {@code Content-Length} was declared). A read error surfaces as
 * {@link UncheckedIOException}. The body can be iterated once. A server may instead use
 * {@link #channel()}, {@link #position()} and {@link #length()} to send the region itself.
 */
@SuppressWarnings("try") // close() passes on what the channel's close() throws
public final class FileBody implements Iterable<byte[]>, AutoCloseable {

    private final ReadableByteChannel channel;
    private final long position;
    private final long length;
    private final int blockSize;
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean iterated;

    private FileBody(ReadableByteChannel channel, long position, long length, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be at least 1 byte, got " + blockSize);
        }
        if (length < -1) {
            throw new IllegalArgumentException("length must be -1 (to the end) or >= 0, got " + length);
        }
        this.channel = channel;
        this.position = position;
        this.length = length;
        this.blockSize = blockSize;
    }

    /**
     * Wraps a channel from its current position.
     *
     * @param channel the source; closed by {@link #close()}
     * @param length bytes to send, or {@code -1} for all up to the end
     * @param blockSize the largest chunk
     * @return the body
     */
    public static FileBody of(ReadableByteChannel channel, long length, int blockSize) {
        long position = -1;
        if (channel instanceof FileChannel file) {
            try {
                position = file.position();
            } catch (IOException e) {
                position = -1;
            }
        }
        return new FileBody(channel, position, length, blockSize);
    }

    /**
     * Wraps a stream, e.g. a classpath resource.
     *
     * @param in the source, from its current position; closed by {@link #close()}
     * @param length bytes to send, or {@code -1} for all up to the end
     * @param blockSize the largest chunk
     * @return the body
     */
    public static FileBody of(InputStream in, long length, int blockSize) {
        return new FileBody(Channels.newChannel(in), -1, length, blockSize);
    }

    /**
     * Opens a whole file, in blocks of {@link FileWrapper#BLOCK_SIZE}.
     *
     * @param file a regular file
     * @return the body
     * @throws IOException if it cannot be opened
     */
    public static FileBody of(Path file) throws IOException {
        return of(file, 0, -1);
    }

    /**
     * Opens a region of a file, in blocks of {@link FileWrapper#BLOCK_SIZE}.
     *
     * @param file a regular file
     * @param offset the first byte
     * @param length bytes to send, or {@code -1} for all up to the end
     * @return the body
     * @throws IOException if it cannot be opened
     */
    public static FileBody of(Path file, long offset, long length) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            channel.position(offset);
            return of(channel, length, FileWrapper.BLOCK_SIZE);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The source channel; a {@link FileChannel} when the body is a file region. @return the channel */
    public ReadableByteChannel channel() {
        return channel;
    }

    /** Where the region starts in a {@link FileChannel}, or -1 when the source is not one. @return the position */
    public long position() {
        return position;
    }

    /** The bytes to send, or -1 for all up to the end of the source. @return the length */
    public long length() {
        return length;
    }

    /** The largest chunk. @return bytes */
    public int blockSize() {
        return blockSize;
    }

    @Override
    public Iterator<byte[]> iterator() {
        if (iterated) {
            throw new IllegalStateException("a FileBody is iterated once; iterator() was called a second time");
        }
        iterated = true;
        return new Iterator<>() {
            private long left = length < 0 ? Long.MAX_VALUE : length;
            private byte[] block;
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (block == null && !ended) {
                    block = read();
                    ended = block == null;
                }
                return block != null;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the file body has ended");
                }
                byte[] out = block;
                block = null;
                return out;
            }

            private byte[] read() {
                if (left == 0 || closed.get()) {
                    return null;
                }
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(blockSize, left));
                try {
                    while (buffer.hasRemaining()) {
                        if (channel.read(buffer) < 0) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("reading the file body failed: " + e.getMessage(), e);
                }
                if (buffer.position() == 0) {
                    return null;
                }
                left -= buffer.position();
                byte[] data = buffer.array();
                return buffer.position() == data.length ? data : Arrays.copyOf(data, buffer.position());
            }
        };
    }

    /** Closes the channel; the first call only. */
    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            channel.close();
        }
    }
}
