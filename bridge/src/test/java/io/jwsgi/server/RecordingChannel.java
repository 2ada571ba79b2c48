package io.jwsgi.server;

import io.jwsgi.Header;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A channel that records what the pump does, and can say "not ready" or fail like a gone client. */
class RecordingChannel implements Channel {

    final List<String> events = new ArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final List<String> chunks = new ArrayList<>();
    boolean ready = true;
    /** What {@link #bufferSize()} answers: the container's buffer. */
    int buffer = Integer.MAX_VALUE;
    /** Set when a write joined earlier unflushed bytes past {@link #buffer}. */
    boolean overflowed;
    private long unflushedBytes;
    IOException failWrites;
    int code;
    List<Header> headers;
    int completions;
    int aborts;
    Throwable abortCause;

    @Override
    public synchronized boolean isReady() {
        return ready;
    }

    @Override
    public synchronized int bufferSize() {
        return buffer;
    }

    @Override
    public synchronized void head(int status, String line, List<Header> list) {
        events.add("head " + status);
        this.code = status;
        this.headers = list;
    }

    @Override
    public synchronized void write(byte[] chunk) throws IOException {
        if (failWrites != null) {
            throw failWrites;
        }
        events.add("write " + new String(chunk, StandardCharsets.UTF_8));
        overflowed |= unflushedBytes > 0 && unflushedBytes + chunk.length > buffer;
        unflushedBytes += chunk.length;
        chunks.add(new String(chunk, StandardCharsets.UTF_8));
        body.writeBytes(chunk);
    }

    @Override
    public synchronized void flush() throws IOException {
        if (failWrites != null) {
            throw failWrites;
        }
        events.add("flush");
        unflushedBytes = 0;
    }

    @Override
    public synchronized void complete() {
        events.add("complete");
        completions++;
    }

    @Override
    public synchronized void abort(Throwable cause) {
        events.add("abort");
        aborts++;
        abortCause = cause;
    }

    synchronized String text() {
        return body.toString(StandardCharsets.UTF_8);
    }

    /** Whether a chunk was written since the last flush. */
    synchronized boolean unflushed() {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).equals("flush")) {
                return false;
            }
            if (events.get(i).startsWith("write ")) {
                return true;
            }
        }
        return false;
    }

    synchronized int endings() {
        return completions + aborts;
    }
}
