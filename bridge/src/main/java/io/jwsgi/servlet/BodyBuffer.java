package io.jwsgi.servlet;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A request body read ahead of the application: kept in memory up to a threshold, spilled to a
 * temporary file beyond it. {@link #close()} closes the streams {@link #open()} gave and deletes the
 * file; it is called when the request ends, on every path, and may be called any number of times.
 */
final class BodyBuffer implements AutoCloseable {

    private final int memoryLimit;
    private final Path directory;
    private final List<InputStream> readers = new ArrayList<>();
    private byte[] memory = new byte[0];
    private int inMemory;
    private Path file;
    private OutputStream fileOut;
    private long size;
    private boolean closed;

    BodyBuffer(int memoryLimit, Path directory) {
        this.memoryLimit = memoryLimit;
        this.directory = directory;
    }

    synchronized void write(byte[] data, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the request ended; its body buffer is gone");
        }
        int toMemory = (int) Math.min(len, (long) memoryLimit - inMemory);
        if (toMemory > 0) {
            if (inMemory + toMemory > memory.length) {
                memory = Arrays.copyOf(memory, Math.min(memoryLimit, Math.max(inMemory + toMemory, memory.length * 2)));
            }
            System.arraycopy(data, off, memory, inMemory, toMemory);
            inMemory += toMemory;
        }
        if (toMemory < len) {
            if (fileOut == null) {
                file = Files.createTempFile(directory, "jwsgi-body-", ".tmp");
                fileOut = Files.newOutputStream(file);
            }
            fileOut.write(data, off + toMemory, len - toMemory);
        }
        size += len;
    }

    synchronized long size() {
        return size;
    }

    /** Whether part of the body went to a file. */
    synchronized Path file() {
        return file;
    }

    /** Finishes writing and returns a stream over the whole body. */
    synchronized InputStream open() throws IOException {
        InputStream head = new ByteArrayInputStream(memory, 0, inMemory);
        if (fileOut == null) {
            return head;
        }
        fileOut.close();
        InputStream rest = Files.newInputStream(file);
        // Closed by close(): an application that stops reading early must not keep the file open.
        readers.add(rest);
        return new SequenceInputStream(head, new BufferedInputStream(rest, 16384));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        memory = new byte[0];
        try {
            for (InputStream reader : readers) {
                reader.close();
            }
            if (fileOut != null) {
                fileOut.close();
            }
        } catch (IOException e) {
            // The file is deleted next; a failed close of a reader or of the writer loses nothing.
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }
}
