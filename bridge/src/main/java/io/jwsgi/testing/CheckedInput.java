package io.jwsgi.testing;

import io.jwsgi.testing.ValidationError.Rule;
import java.io.IOException;
import java.io.InputStream;

/** {@code wsgi.input} as the validator hands it to the application: no read after the body's end. */
final class CheckedInput extends InputStream {

    private final InputStream in;
    private final Report report;
    private boolean ended;

    CheckedInput(InputStream in, Report report) {
        this.in = in;
        this.report = report;
    }

    @Override
    public synchronized int read() throws IOException {
        notEnded();
        int b = in.read();
        ended = b < 0;
        return b;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return in.read(buffer, offset, 0);
        }
        notEnded();
        int n = in.read(buffer, offset, length);
        ended = n < 0;
        return n;
    }

    @Override
    public synchronized long skip(long n) throws IOException {
        return in.skip(n);
    }

    @Override
    public synchronized int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void notEnded() {
        if (ended) {
            throw report.fail(Rule.INPUT_PAST_END, "wsgi.input read again after a read returned -1 (the end of the"
                    + " body); stop reading at the first -1");
        }
    }
}
