package io.jwsgi.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code wsgi.input} in stream mode: the container's stream, asked for only when the application
 * first reads, so that {@code Expect: 100-continue} is answered only then.
 */
final class DeferredInput extends InputStream {

    private final HttpServletRequest request;
    private InputStream in;

    DeferredInput(HttpServletRequest request) {
        this.request = request;
    }

    private InputStream in() throws IOException {
        if (in == null) {
            // Jetty sends 100 Continue as soon as getInputStream() is called, before any read.
            in = request.getInputStream();
        }
        return in;
    }

    @Override
    public int read() throws IOException {
        return in().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return in().read(b, off, len);
    }

    /** {@code 0} until the first read: asking the container would invite the body. */
    @Override
    public int available() throws IOException {
        return in == null ? 0 : in.available();
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
    }
}
