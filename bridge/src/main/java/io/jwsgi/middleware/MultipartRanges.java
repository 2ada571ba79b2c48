package io.jwsgi.middleware;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@code multipart/byteranges} body (RFC 9110 section 14.6): for each range, a delimiter line,
 * {@code Content-Type} and {@code Content-Range}, then the range's bytes; then the closing delimiter.
 *
 * <p>Each range is opened only when the body reaches it and closed as soon as it is sent; the
 * body's {@code close()} closes the one open when the response ends early. Its {@link #length()}
 * is exact, for {@code Content-Length}.
 */
final class MultipartRanges implements Iterable<byte[]>, AutoCloseable {

    /** Opens one range of the representation as a body. */
    @FunctionalInterface
    interface Opener {
        Iterable<byte[]> open(long offset, long length) throws IOException;
    }

    private final List<ByteRange.Span> spans;
    private final Opener opener;
    private final String boundary;
    private final String contentType;
    private final long total;
    private Iterator<byte[]> iterator;
    private Iterable<byte[]> open;
    private boolean closed;

    MultipartRanges(List<ByteRange.Span> spans, String contentType, long total, Opener opener) {
        this.spans = spans;
        this.opener = opener;
        this.contentType = contentType;
        this.total = total;
        this.boundary = "jwsgi-" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }

    /** The media type, with the boundary, for the response's {@code Content-Type}. */
    String mediaType() {
        return "multipart/byteranges; boundary=" + boundary;
    }

    /** The exact number of bytes the body holds. */
    long length() {
        long length = closing().length;
        for (int i = 0; i < spans.size(); i++) {
            length += partHead(i).length + spans.get(i).length();
        }
        return length;
    }

    private byte[] partHead(int index) {
        ByteRange.Span span = spans.get(index);
        String head = (index == 0 ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: " + contentType
                + "\r\nContent-Range: bytes " + span.start() + "-" + span.end() + "/" + total + "\r\n\r\n";
        return head.getBytes(StandardCharsets.ISO_8859_1);
    }

    private byte[] closing() {
        return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public synchronized Iterator<byte[]> iterator() {
        if (iterator != null) {
            throw new IllegalStateException("a multipart/byteranges body is iterated once");
        }
        iterator = new Parts();
        return iterator;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        closeOpen();
    }

    private void closeOpen() throws IOException {
        Iterable<byte[]> body = open;
        open = null;
        if (body instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("closing a range's body failed", e);
            }
        }
    }

    /** Walks part head, part body, next part head, ..., closing delimiter. */
    private final class Parts implements Iterator<byte[]> {
        private int part;
        private Iterator<byte[]> body;
        private boolean done;

        @Override
        public boolean hasNext() {
            return !done;
        }

        @Override
        public byte[] next() {
            synchronized (MultipartRanges.this) {
                if (done || closed) {
                    throw new NoSuchElementException("multipart/byteranges body already ended");
                }
                try {
                    return step();
                } catch (IOException e) {
                    throw new UncheckedIOException("multipart/byteranges: opening or closing range "
                            + spans.get(Math.min(part, spans.size() - 1)) + " failed", e);
                }
            }
        }

        private byte[] step() throws IOException {
            if (body != null && body.hasNext()) {
                return body.next();
            }
            if (body != null) {
                body = null;
                closeOpen();
                part++;
            }
            if (part == spans.size()) {
                done = true;
                return closing();
            }
            ByteRange.Span span = spans.get(part);
            open = opener.open(span.start(), span.length());
            body = open.iterator();
            return partHead(part);
        }
    }
}
