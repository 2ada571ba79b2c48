package io.jwsgi.middleware;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream (RFC 1952) produced piecewise: each {@link #encode} returns a block that ends with a
 * deflate SYNC_FLUSH, so a client can decompress everything sent so far; {@link #finish} returns
 * the end of the stream and the trailer. Not thread-safe: one response's thread uses it.
 */
final class GzipEncoder {

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private final byte[] buffer = new byte[8192];
    private boolean headerWritten;
    private long size;

    GzipEncoder(int level) {
        this.deflater = new Deflater(level, true);
    }

    /** Compresses a non-empty chunk into a block the client can decode at once. */
    byte[] encode(byte[] chunk) {
        ByteArrayOutputStream out = start(chunk.length / 2 + 64);
        crc.update(chunk);
        size += chunk.length;
        deflater.setInput(chunk);
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length);
        return out.toByteArray();
    }

    /** Ends the stream: the last deflate block and the CRC-32 and length trailer. */
    byte[] finish() {
        ByteArrayOutputStream out = start(32);
        deflater.finish();
        while (!deflater.finished()) {
            int n = deflater.deflate(buffer);
            out.write(buffer, 0, n);
        }
        writeIntLe(out, crc.getValue());
        writeIntLe(out, size);
        return out.toByteArray();
    }

    /** Frees the native compressor; call once, when the response ends. */
    void end() {
        deflater.end();
    }

    private ByteArrayOutputStream start(int expected) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(expected + HEADER.length);
        if (!headerWritten) {
            out.write(HEADER, 0, HEADER.length);
            headerWritten = true;
        }
        return out;
    }

    private static void writeIntLe(ByteArrayOutputStream out, long value) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }
}
