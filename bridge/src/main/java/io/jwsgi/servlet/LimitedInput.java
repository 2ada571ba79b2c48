package io.jwsgi.servlet;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@code wsgi.input} in stream mode with {@code max-body-size}: fails a read that would pass the
 * limit (a chunked upload cannot be refused before the application reads it).
 */
final class LimitedInput extends InputStream {

    private final InputStream in;
    private final long max;
    private long count;

    LimitedInput(InputStream in, long max) {
        this.in = in;
        this.max = max;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count += n;
            if (count > max) {
                throw new IOException("request body exceeds max-body-size: more than " + max + " bytes");
            }
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
