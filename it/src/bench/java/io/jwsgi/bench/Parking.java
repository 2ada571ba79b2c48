package io.jwsgi.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where suspended requests wait for a foreign thread: each one leaves its id and the action that
 * resumes it (a JWSGI {@code async.wake}, or writing and completing an {@code AsyncContext}).
 */
final class Parking {

    /** One suspended request. */
    record Parked(int id, Runnable resume) {
    }

    private final ConcurrentLinkedQueue<Parked> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    void park(int id, Runnable resume) {
        queue.add(new Parked(id, resume));
        size.incrementAndGet();
    }

    /** How many requests are parked now. */
    int size() {
        return size.get();
    }

    /** Takes every parked request, in arrival order. */
    List<Parked> takeAll() {
        List<Parked> all = new ArrayList<>(size.get());
        for (Parked p; (p = queue.poll()) != null; ) {
            size.decrementAndGet();
            all.add(p);
        }
        return all;
    }
}
