package io.jwsgi.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Header;
import io.jwsgi.server.Channel;
import io.jwsgi.server.Pump;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One response in a test: the {@link Channel} the pump writes to, recording the head, every
 * flushed chunk and how the exchange ended. It is always ready: these tests are about the sample
 * applications; the bridge's own tests cover a client that cannot keep up.
 */
public final class Exchange implements Channel {

    /** How long a test waits for a response to reach a state before failing. */
    public static final long DEADLINE_MILLIS = 20_000;

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final List<byte[]> chunks = new ArrayList<>();
    private Pump pump;
    private int code;
    private List<Header> headers = List.of();
    private boolean ended;
    private boolean aborted;

    void bind(Pump target) {
        this.pump = target;
    }

    void start() {
        pump.onWritePossible();
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public synchronized void head(int status, String line, List<Header> list) {
        this.code = status;
        this.headers = List.copyOf(list);
    }

    @Override
    public synchronized void write(byte[] chunk) {
        pending.writeBytes(chunk);
    }

    @Override
    public synchronized void flush() {
        if (pending.size() > 0) {
            chunks.add(pending.toByteArray());
            pending.reset();
        }
        notifyAll();
    }

    @Override
    public synchronized void complete() {
        flush();
        ended = true;
        notifyAll();
    }

    @Override
    public synchronized void abort(Throwable cause) {
        ended = true;
        aborted = true;
        notifyAll();
    }

    /** The client goes away, as a container reports it. */
    public void leave() {
        pump.onClientGone(new IOException("the test client left"));
    }

    /** Waits until the response has ended. */
    public Exchange awaitEnd() {
        return await(() -> ended, "the response to end");
    }

    /** Waits until the body received so far contains {@code text}. */
    public Exchange awaitBody(String text) {
        return await(() -> body().contains(text), "the body to contain " + text);
    }

    /** Waits until {@code condition} holds, checked whenever the response changes and at least every 50 ms. */
    public synchronized Exchange await(BooleanSupplier condition, String what) {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!condition.getAsBoolean()) {
            long left = deadline - System.currentTimeMillis();
            assertThat(left).as("waited %d ms for %s; body so far: %s", DEADLINE_MILLIS, what, body()).isPositive();
            try {
                wait(Math.min(left, 50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
        return this;
    }

    public synchronized boolean ended() {
        return ended;
    }

    public synchronized boolean aborted() {
        return aborted;
    }

    public synchronized int code() {
        return code;
    }

    /** The value of the first header named {@code name} (any case), or {@code null}. */
    public synchronized String header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst().orElse(null);
    }

    /** The chunks flushed so far, one string each. */
    public synchronized List<String> chunks() {
        return chunks.stream().map(c -> new String(c, StandardCharsets.UTF_8)).toList();
    }

    /** The whole body flushed so far. */
    public synchronized String body() {
        return String.join("", chunks());
    }
}
