package io.jwsgi.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Every validator report of one mock exchange: the mock's own, and those of the validators the
 * application stacks inside itself ({@code Validator.wrap(app)} behind a middleware), which
 * register here when they are called on the exchange's thread. The exchange rethrows the first
 * rule any of them found, and tells all of them when the response is over, so that a missing
 * {@code close()} is found at any depth of the stack, when the exchange ends (not when the
 * iterable is garbage collected).
 */
final class Reports {

    private static final ThreadLocal<Reports> CURRENT = new ThreadLocal<>();

    private final List<Report> all = new ArrayList<>();
    private ValidationError first;
    private boolean over;

    /**
     * A new report for a validator called on the current thread, registered with the exchange
     * that runs on it, if any.
     */
    static Report open() {
        Report report = new Report();
        Reports exchange = CURRENT.get();
        if (exchange != null) {
            exchange.add(report);
        }
        return report;
    }

    /** Makes validators called on the current thread (the exchange's) register here. */
    void watchCurrentThread() {
        CURRENT.set(this);
    }

    void add(Report report) {
        synchronized (this) {
            all.add(report);
        }
        report.watchedBy(this);
    }

    /** Called by a registered report for each broken rule, in the order they are found. */
    synchronized void failed(ValidationError error) {
        if (first == null) {
            first = error;
        }
    }

    /** The first broken rule any report found, or {@code null}. */
    synchronized ValidationError first() {
        return first;
    }

    /** Tells every report, once, that the response is over; what they find goes to {@link #first()}. */
    void responseOver() {
        List<Report> reports;
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
            reports = List.copyOf(all);
        }
        for (Report report : reports) {
            try {
                report.responseOver();
            } catch (ValidationError recorded) {
                // Recorded through failed(): the exchange rethrows the first one.
            }
        }
    }
}
