package io.jwsgi.testing;

import io.jwsgi.testing.ValidationError.Rule;
import java.util.Iterator;

/**
 * The iterable the validator hands the server in place of the application's: checks how the
 * server iterates and closes it, and what the application yields. One chunk out for each chunk
 * in, empty chunks included; {@code close()} reaches the application's iterable once, if it is
 * {@link AutoCloseable}. Always {@code AutoCloseable} itself, so that a missing {@code close()}
 * can be noticed.
 */
// close() throws what the application's close() throws, whatever it is: hence Exception.
@SuppressWarnings("try")
final class CheckedBody implements Iterable<byte[]>, AutoCloseable {

    private final Iterable<byte[]> body;
    private final CheckedRequest request;
    private final Report report;
    private final String bodyName;
    private boolean iterated;

    CheckedBody(Iterable<byte[]> body, CheckedRequest request) {
        this.body = body;
        this.request = request;
        this.report = request.report();
        this.bodyName = Probe.nameOf(body);
    }

    @Override
    public Iterator<byte[]> iterator() {
        synchronized (this) {
            notClosed("iterator()");
            if (iterated) {
                throw report.fail(Rule.ITERATOR_TWICE, "iterator() called a second time on the iterable ("
                        + bodyName + "); the server iterates the body once");
            }
            iterated = true;
        }
        Iterator<byte[]> chunks;
        Thread previous = request.enter();
        try {
            chunks = body.iterator();
        } finally {
            request.exit(previous);
        }
        if (chunks == null) {
            throw report.fail(Rule.NULL_BODY, "iterator() of " + bodyName + " returned null;"
                    + " return an Iterator<byte[]>");
        }
        return new Chunks(chunks);
    }

    @Override
    public void close() throws Exception {
        request.closing();
        if (body instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private void notClosed(String call) {
        if (request.isClosed()) {
            throw report.fail(Rule.USE_AFTER_CLOSE, call + " called after close(); the server must not use the"
                    + " iterable (" + bodyName + ") once it is closed");
        }
    }

    /** The iterator the server pulls chunks from. */
    private final class Chunks implements Iterator<byte[]> {
        private final Iterator<byte[]> chunks;

        Chunks(Iterator<byte[]> chunks) {
            this.chunks = chunks;
        }

        @Override
        public boolean hasNext() {
            notClosed("hasNext()");
            boolean more;
            Thread previous = request.enter();
            try {
                more = chunks.hasNext();
            } finally {
                request.exit(previous);
            }
            if (!more) {
                request.bodyEnded();
            }
            return more;
        }

        @Override
        public byte[] next() {
            notClosed("next()");
            if (request.isBodyEnded()) {
                throw report.fail(Rule.NEXT_AFTER_END, "next() called after hasNext() returned false; the server"
                        + " stops pulling at the end of the body");
            }
            byte[] chunk;
            Thread previous = request.enter();
            try {
                chunk = chunks.next();
            } finally {
                request.exit(previous);
            }
            request.yielded();
            request.chunk(chunk);
            return chunk;
        }
    }
}
