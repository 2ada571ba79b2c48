package io.jwsgi.it;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A chunked stream whose every chunk is released by the test: the application blocks for chunk
 * N+1 until the test {@link #release releases} it, so a test that reads chunk N before releasing
 * N+1 proves the server sent N without waiting for more (PEP 3333's no-delay rule).
 */
final class GatedStream implements Application {

    private static final String END = "\u0000end";

    private final BlockingQueue<String> gate = new LinkedBlockingQueue<>();
    private volatile ProbeBody body;

    /** Lets the application produce one more chunk with this text. */
    void release(String chunk) {
        gate.add(chunk);
    }

    /** Lets the application end its body. */
    void end() {
        gate.add(END);
    }

    /** The body of the (single) request served; {@code null} before it was called. */
    ProbeBody body() {
        return body;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8")));
        body = new ProbeBody(i -> {
            String next = gate.poll(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            if (next == null) {
                throw new IllegalStateException("the test released no chunk " + i + " within " + Await.DEADLINE);
            }
            return next.equals(END) ? ProbeBody.END : next.getBytes(StandardCharsets.UTF_8);
        });
        return body;
    }
}
