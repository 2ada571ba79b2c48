package io.jwsgi.it;

import io.jwsgi.Application;
import io.jwsgi.StartResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the calls of the application it wraps, to prove that a refused request never reached it. */
final class CountingApp implements Application {

    private final Application inner;
    private final AtomicInteger calls = new AtomicInteger();

    CountingApp(Application inner) {
        this.inner = inner;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        calls.incrementAndGet();
        return inner.call(environ, startResponse);
    }

    /** How many times the application was called. */
    int calls() {
        return calls.get();
    }
}
